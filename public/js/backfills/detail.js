/* Backfill page: while it runs, the page reloads every few seconds to show the dates as they start and end. */
(function () {
  'use strict';
  var state = document.getElementById('backfill-state');
  if (!state || state.getAttribute('data-state') !== 'running') return;
  window.setTimeout(function () {
    window.location.reload();
  }, 3000);
})();
