/* Exec hosts live page: polls /api/exec-hosts/live and redraws; drain / undrain via the API. */
(function () {
  'use strict';
  var REFRESH_MS = 3000;
  var page = JSON.parse(document.getElementById('live-page').textContent);
  var text = page.text;
  var root = document.getElementById('live-hosts');
  var canExecute = root.getAttribute('data-can-execute') === 'true';
  var timer = null;

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  function age(ms) {
    if (ms === null) return text.never;
    var seconds = Math.round(ms / 1000);
    if (seconds < 120) return seconds + ' s ' + text.ago;
    var minutes = Math.round(seconds / 60);
    return minutes < 120 ? minutes + ' min ' + text.ago : Math.round(minutes / 60) + ' h ' + text.ago;
  }

  function metric(label, value) {
    var span = el('span');
    span.appendChild(el('b', null, label));
    span.appendChild(document.createTextNode(value === null || value === undefined ? '–' : String(value)));
    return span;
  }

  var STATE_COLOURS = {
    online: 'layui-bg-green',
    draining: 'layui-bg-orange',
    offline: 'layui-bg-red',
    unknown: 'layui-bg-gray',
  };

  function header(host) {
    var title = el('h3');
    var link = el('a', null, host.name);
    link.href = '/exec-hosts/' + host.id;
    title.appendChild(link);
    var badge = el(
      'span',
      'layui-badge ' + (STATE_COLOURS[host.status.state] || ''),
      text['state.' + host.status.state],
    );
    badge.setAttribute('data-state', host.status.state);
    title.appendChild(badge);
    if (canExecute && host.status.state !== 'offline' && host.status.state !== 'unknown') {
      var draining = host.status.state === 'draining';
      var button = el(
        'button',
        'layui-btn layui-btn-xs ' + (draining ? '' : 'layui-btn-warm'),
        draining ? text.undrain : text.drain,
      );
      button.type = 'button';
      button.style.marginLeft = '12px';
      button.setAttribute('data-action', draining ? 'undrain' : 'drain');
      button.addEventListener('click', function () {
        button.disabled = true;
        window.meshcron
          .api('POST', '/api/exec-hosts/' + host.id + '/' + (draining ? 'undrain' : 'drain'))
          .then(refresh, showError);
      });
      title.appendChild(button);
    }
    return title;
  }

  function metrics(host) {
    var box = el('div', 'mc-live-metrics');
    box.appendChild(metric(text.heartbeat, age(host.heartbeatAgeMs)));
    box.appendChild(metric(text.load, host.status.load === null ? null : host.status.load.toFixed(2)));
    box.appendChild(metric(text.memory, host.status.memory ? host.status.memory.text : null));
    box.appendChild(metric(text.disk, host.status.disk ? host.status.disk.text : null));
    var slots = metric(text.slotsUsed, host.slotsUsed + ' / ' + host.slots);
    var bar = el('span', 'mc-live-bar');
    var fill = el('i');
    fill.style.width = Math.min(100, host.slots > 0 ? Math.round((host.slotsUsed / host.slots) * 100) : 0) + '%';
    bar.appendChild(fill);
    slots.appendChild(bar);
    box.appendChild(slots);
    return box;
  }

  function runsTable(host) {
    if (host.runs.length === 0) return el('p', 'mc-live-hint', text.noRuns);
    var table = el('table', 'layui-table');
    var head = el('tr');
    [text.job, text.execution, text.started, text.log].forEach(function (label) {
      head.appendChild(el('th', null, label));
    });
    table.appendChild(el('thead')).appendChild(head);
    var body = el('tbody');
    host.runs.forEach(function (run) {
      var row = el('tr');
      row.setAttribute('data-run-id', run.runId);
      row.appendChild(
        el('td', null, run.interfaceName + ' / ' + run.jobName + (run.attempt > 1 ? ' (#' + run.attempt + ')' : '')),
      );
      var execution = el('td');
      var executionLink = el('a', null, '#' + run.executionId);
      executionLink.href = '/executions/' + run.executionId;
      execution.appendChild(executionLink);
      row.appendChild(execution);
      var started = run.startedAt || run.dispatchedAt;
      row.appendChild(
        el(
          'td',
          null,
          started ? new Date(started).toLocaleString() + (run.startedAt ? '' : ' (' + run.state + ')') : run.state,
        ),
      );
      var log = el('td');
      var logLink = el('a', null, text.log);
      logLink.href = run.logUrl;
      if (run.logUrl) log.appendChild(logLink); // empty: a run the user may not see
      row.appendChild(log);
      body.appendChild(row);
    });
    table.appendChild(body);
    return table;
  }

  function render(data) {
    root.textContent = '';
    data.hosts.forEach(function (host) {
      var card = el('div', 'mc-live-host');
      card.setAttribute('data-host-id', host.id);
      card.appendChild(header(host));
      card.appendChild(metrics(host));
      card.appendChild(runsTable(host));
      root.appendChild(card);
    });
    document.getElementById('live-updated').textContent = text.updatedAt + ' ' + new Date(data.at).toLocaleTimeString();
    document.getElementById('live-error').classList.add('mc-live-hidden');
  }

  function showError(error) {
    var box = document.getElementById('live-error');
    box.textContent = text.refreshFailed + (error && error.message ? ': ' + error.message : '');
    box.classList.remove('mc-live-hidden');
  }

  function refresh() {
    clearTimeout(timer);
    return window.meshcron
      .api('GET', '/api/exec-hosts/live')
      .then(function (json) {
        render(json.data);
      }, showError)
      .then(function () {
        timer = setTimeout(refresh, REFRESH_MS);
      });
  }

  refresh();
})();
