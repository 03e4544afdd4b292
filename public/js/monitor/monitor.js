/*
 * The execution monitor: renders GET /api/monitor into the table and polls it every 5 seconds with
 * the current filters (kept in the URL, no page reload). Every value goes in as text.
 */
(function () {
  'use strict';
  var POLL_MS = 5000;
  var S = window.meshcronStates;
  var page = JSON.parse(document.getElementById('monitor-page').textContent);
  var texts = page.texts;
  var form = document.getElementById('monitor-filter');
  var rowsBody = document.getElementById('monitor-rows');
  var updated = document.getElementById('monitor-updated');
  var timer = null;

  function t(key) {
    return texts[key] || key;
  }

  function currentFilter() {
    var filter = {};
    ['folder', 'status', 'dataDate'].forEach(function (name) {
      var value = form.elements[name].value;
      if (value) filter[name] = value;
    });
    return filter;
  }

  function queryOf(filter) {
    return new URLSearchParams(filter).toString();
  }

  function stateCell(row) {
    var cell = S.el('td');
    cell.appendChild(S.badge(row.state, t('state.' + row.state)));
    return cell;
  }

  function durationCell(row) {
    var cell = S.el('td');
    if (row.durationMs !== null) cell.appendChild(S.el('div', S.duration(row.durationMs)));
    if (row.expectedFinishAt) {
      var expected = S.el('div', t('monitor.expected') + ': ' + S.time(row.expectedFinishAt), 'mc-monitor-expected');
      if (row.late) expected.appendChild(S.el('span', ' ' + t('monitor.late'), 'mc-monitor-late'));
      cell.appendChild(expected);
    } else if (row.expectedMs !== null && (row.state === 'waiting' || row.state === 'running')) {
      cell.appendChild(
        S.el('div', t('monitor.expectedAbout') + ' ' + S.duration(row.expectedMs), 'mc-monitor-expected'),
      );
    }
    return cell;
  }

  function failedCell(row) {
    var cell = S.el('td');
    var list = S.el('ul', null, 'mc-monitor-failed');
    row.failedJobs.forEach(function (job) {
      var item = S.el('li');
      item.setAttribute('data-run-id', job.runId);
      item.appendChild(S.link('/runs/' + job.runId + '/log', job.jobName, 'mc-monitor-job'));
      item.appendChild(
        S.el('span', ' (' + t('state.' + job.state) + (job.exitCode !== null ? ', ' + job.exitCode : '') + ')'),
      );
      if (job.error) item.appendChild(S.el('span', job.error, 'mc-monitor-error'));
      list.appendChild(item);
    });
    cell.appendChild(list);
    return cell;
  }

  function blocksCell(row) {
    var cell = S.el('td');
    row.blocks.forEach(function (blocked, index) {
      if (index > 0) cell.appendChild(document.createTextNode(', '));
      var link = S.link('/executions/' + blocked.executionId, blocked.interfaceName, 'mc-monitor-blocked');
      cell.appendChild(link);
    });
    if (row.hiddenBlocks > 0) {
      var hidden = row.hiddenBlocks + ' ' + t('monitor.hiddenBlocks');
      cell.appendChild(S.el('span', (row.blocks.length > 0 ? ', ' : '') + hidden, 'mc-monitor-hidden'));
    }
    return cell;
  }

  function linksCell(row) {
    var cell = S.el('td', null, 'mc-monitor-links');
    cell.appendChild(S.link('/executions/' + row.executionId, t('monitor.execution') + ' #' + row.executionId));
    if (row.failedJobs.length > 0)
      cell.appendChild(S.link('/runs/' + row.failedJobs[0].runId + '/log', t('monitor.log')));
    return cell;
  }

  function renderRow(row) {
    var tr = S.el('tr', null, row.state === 'failed' ? 'mc-monitor-row-failed' : '');
    tr.setAttribute('data-interface-id', row.interfaceId);
    tr.setAttribute('data-state', row.state);
    var name = S.el('td');
    name.appendChild(S.link('/executions/' + row.executionId, row.interfaceName, 'mc-monitor-interface'));
    tr.appendChild(name);
    tr.appendChild(S.el('td', row.folder));
    tr.appendChild(S.el('td', row.dataDate));
    tr.appendChild(stateCell(row));
    tr.appendChild(S.el('td', S.time(row.startedAt)));
    tr.appendChild(durationCell(row));
    tr.appendChild(failedCell(row));
    tr.appendChild(blocksCell(row));
    tr.appendChild(linksCell(row));
    return tr;
  }

  function render(view) {
    var fragment = document.createDocumentFragment();
    view.rows.forEach(function (row) {
      fragment.appendChild(renderRow(row));
    });
    if (view.rows.length === 0) {
      var empty = S.el('td', t('monitor.empty'));
      empty.colSpan = 9;
      var tr = S.el('tr');
      tr.appendChild(empty);
      fragment.appendChild(tr);
    }
    rowsBody.replaceChildren(fragment);
    var status = currentFilter().status || '';
    document.querySelectorAll('.mc-monitor-count').forEach(function (link) {
      var state = link.getAttribute('data-status');
      link.querySelector('[data-count]').textContent = String(view.counts[state] || 0);
      link.style.borderLeftColor = S.color(state);
      link.classList.toggle('mc-active', state === status);
    });
    updated.textContent = t('monitor.updated') + ' ' + S.time(view.now);
    updated.classList.remove('mc-stale');
  }

  function refresh() {
    window.clearTimeout(timer);
    var query = queryOf(currentFilter());
    fetch('/api/monitor' + (query ? '?' + query : ''), { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (json) {
        render(json.data);
      })
      .catch(function () {
        updated.textContent = t('monitor.refreshFailed');
        updated.classList.add('mc-stale');
      })
      .then(function () {
        timer = window.setTimeout(refresh, POLL_MS);
      });
  }

  function applyFilter() {
    var query = queryOf(currentFilter());
    window.history.replaceState(null, '', query ? '/?' + query : '/');
    refresh();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    applyFilter();
  });
  ['folder', 'status', 'dataDate'].forEach(function (name) {
    form.elements[name].addEventListener('change', applyFilter);
  });
  document.querySelectorAll('.mc-monitor-count').forEach(function (link) {
    link.addEventListener('click', function (event) {
      event.preventDefault();
      var state = link.getAttribute('data-status');
      form.elements.status.value = form.elements.status.value === state ? '' : state;
      applyFilter();
    });
  });

  render(page.view);
  timer = window.setTimeout(refresh, POLL_MS);
})();
