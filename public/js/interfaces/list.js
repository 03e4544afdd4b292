/* Definitions list pages (interfaces and jobs): "select all" for the batch actions. */
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var all = document.querySelector('.mc-check-all');
    if (!all) return;
    var boxes = function () {
      return document.querySelectorAll('.mc-batch input[name="ids"]');
    };
    all.addEventListener('change', function () {
      boxes().forEach(function (box) {
        box.checked = all.checked;
      });
    });
    document.querySelectorAll('.mc-batch button[name="action"]').forEach(function (button) {
      button.addEventListener('click', function (event) {
        var picked = Array.prototype.some.call(boxes(), function (box) {
          return box.checked;
        });
        if (!picked) {
          event.preventDefault();
          all.focus();
        }
      });
    });
  });
})();
