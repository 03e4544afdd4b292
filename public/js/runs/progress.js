/* Run page: progress, expected end and "running late" from GET /api/runs/:id, polled while the run is open. */
(function () {
  'use strict';
  var row = document.getElementById('run-estimate');
  if (!row) return;
  var OPEN = ['waiting', 'queued', 'dispatched', 'running'];
  var POLL_MS = 2000;

  function time(value) {
    return value ? new Date(value).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '';
  }

  function seconds(ms) {
    var s = Math.round(ms / 1000);
    return s < 60 ? s + ' s' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }

  function show(run) {
    var estimate = run.estimate || {};
    var text = document.getElementById('run-progress');
    var bar = document.querySelector('#run-progress-bar .layui-progress-bar');
    var percent = estimate.progressPercent;
    text.setAttribute('data-percent', percent === null || percent === undefined ? '' : String(percent));
    if (estimate.expectedMs === null || estimate.expectedMs === undefined) {
      text.textContent = row.getAttribute('data-no-history');
    } else {
      text.textContent =
        (percent === null ? '' : percent + ' % · ') +
        row.getAttribute('data-expected') +
        ' ' +
        seconds(estimate.expectedMs);
    }
    bar.style.width = (percent || 0) + '%';
    document.getElementById('run-eta').textContent = estimate.etaAt
      ? row.getAttribute('data-eta') + ' ' + time(estimate.etaAt)
      : '';
    var late = document.getElementById('run-late');
    late.textContent = row.getAttribute('data-late');
    late.hidden = !estimate.late;
    var state = document.getElementById('run-state');
    if (state && state.getAttribute('data-state') !== run.state) state.setAttribute('data-state', run.state);
    return OPEN.indexOf(run.state) >= 0;
  }

  function poll() {
    fetch('/api/runs/' + row.getAttribute('data-run-id'), { credentials: 'same-origin' })
      .then(function (response) {
        return response.json();
      })
      .then(function (json) {
        if (show(json.data)) window.setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        window.setTimeout(poll, POLL_MS * 5);
      });
  }

  poll();
})();
