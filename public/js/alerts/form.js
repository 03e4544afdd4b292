/* Alert channel form: show only the settings of the chosen channel type. */
(function () {
  'use strict';
  var type = document.getElementById('type');
  if (!type || type.tagName !== 'SELECT') return;
  function show() {
    document.querySelectorAll('[data-section]').forEach(function (section) {
      section.hidden = section.getAttribute('data-section') !== type.value;
    });
  }
  type.addEventListener('change', show);
  show();
})();
