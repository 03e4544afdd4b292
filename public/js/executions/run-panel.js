/*
 * Side panel of the execution page: one run with its attempts (state history), exit code, error,
 * last lines, progress/ETA, links to its log and its job's history, outputs/inputs, skip reason and
 * broadcast hosts (run-sections.js), and the operator actions (kill / rerun with downstream / mark
 * succeeded) through the JSON API with confirmation.
 */
(function () {
  'use strict';
  var S = window.meshcronStates;
  var R = window.meshcronRunSections;
  var ACTIVE = ['waiting', 'queued', 'dispatched', 'running'];
  var ENDED = ['succeeded', 'failed', 'timed_out', 'killed', 'lost', 'skipped'];

  function create(panel, options) {
    var texts = options.texts;
    var shownRun = null;

    function t(key) {
      return texts[key] || key;
    }

    function field(list, label, value) {
      if (value === null || value === undefined || value === '') return;
      list.appendChild(S.el('dt', label));
      list.appendChild(S.el('dd', value));
    }

    function transitionsTable(transitions) {
      var table = S.el('table', null, 'layui-table mc-run-transitions');
      var head = S.el('tr');
      ['graph.attempt', 'executions.from', 'executions.to', 'executions.at', 'executions.actor'].forEach(
        function (key) {
          head.appendChild(S.el('th', t(key)));
        },
      );
      table.appendChild(head);
      transitions.forEach(function (item) {
        var row = S.el('tr');
        row.setAttribute('data-attempt', item.attempt);
        [
          item.attempt,
          t('state.' + item.from),
          t('state.' + item.to),
          S.time(item.at),
          item.actor + (item.reason ? ' — ' + item.reason : ''),
        ].forEach(function (value) {
          row.appendChild(S.el('td', value));
        });
        table.appendChild(row);
      });
      return table;
    }

    function actionButton(run, action, label, confirmKey, className) {
      var button = S.el('button', label, 'layui-btn layui-btn-xs ' + className);
      button.type = 'button';
      button.setAttribute('data-action', action);
      button.addEventListener('click', function () {
        if (!window.confirm(t(confirmKey))) return;
        button.disabled = true;
        window.meshcron
          .api(
            'POST',
            '/api/runs/' + run.id + '/' + action,
            action === 'rerun' ? { definitions: 'snapshot' } : undefined,
          )
          .then(function () {
            options.onChanged();
          })
          .catch(function (error) {
            window.alert(t('graph.actionFailed') + ': ' + ((error && error.message) || ''));
          })
          .then(function () {
            button.disabled = false;
          });
      });
      return button;
    }

    function actions(run) {
      var bar = S.el('div', null, 'mc-run-actions');
      if (!options.canExecute) return bar;
      if (ACTIVE.indexOf(run.state) >= 0)
        bar.appendChild(actionButton(run, 'kill', t('graph.kill'), 'graph.confirmKill', 'layui-btn-danger'));
      if (ENDED.indexOf(run.state) >= 0) {
        bar.appendChild(actionButton(run, 'rerun', t('graph.rerun'), 'graph.confirmRerun', 'layui-btn-normal'));
        if (run.state !== 'succeeded') {
          bar.appendChild(
            actionButton(run, 'mark-success', t('graph.markSuccess'), 'graph.confirmMarkSuccess', 'layui-btn-warm'),
          );
        }
      }
      return bar;
    }

    function progressText(estimate) {
      if (!estimate || estimate.progressPercent === null) return '';
      var text = estimate.progressPercent + '%';
      if (estimate.etaAt) text += ' · ' + t('graph.eta') + ' ' + S.time(estimate.etaAt);
      if (estimate.late) text += ' · ' + t('monitor.late');
      return text;
    }

    function fields(run, live) {
      var list = S.el('dl', null, 'mc-run-fields');
      list.appendChild(S.el('dt', t('graph.state')));
      var stateCell = S.el('dd');
      stateCell.appendChild(S.badge(run.state, t('state.' + run.state)));
      list.appendChild(stateCell);
      field(list, t('graph.attempt'), run.attempt);
      field(list, t('graph.host'), run.hostName);
      field(list, t('graph.start'), S.time(run.startedAt));
      field(list, t('graph.duration'), S.duration(run.durationMs));
      field(list, t('graph.exitCode'), run.exitCode);
      field(list, t('graph.progress'), progressText(live && live.estimate));
      var skipped = R.skipReason(run, t);
      if (skipped) field(list, t('graph.skipped'), skipped);
      else field(list, t('graph.error'), run.error);
      return list;
    }

    function links(run) {
      var box = S.el('div', null, 'mc-run-links');
      box.appendChild(S.link('/runs/' + run.id + '/log', t('graph.openLog'), 'mc-run-log-link'));
      box.appendChild(S.link('/history/jobs/' + run.jobId, t('graph.jobHistory')));
      var parent = R.parentLink(run, t, function (parentId) {
        show(parentId, null);
      });
      if (parent) box.appendChild(parent);
      return box;
    }

    function render(run, live) {
      var header = S.el('div', null, 'mc-run-panel-header');
      header.appendChild(S.el('strong', run.interfaceName + ' / ' + run.jobName));
      var close = S.el('button', t('graph.close'), 'layui-btn layui-btn-xs layui-btn-primary');
      close.type = 'button';
      close.addEventListener('click', hide);
      header.appendChild(close);
      var children = [header, fields(run, live), actions(run), links(run)];
      children = children.concat(R.broadcastHosts(run, t), R.values(run, t));
      if (run.tail && run.tail.length > 0) {
        children.push(S.el('h4', t('graph.tail')));
        children.push(S.el('pre', run.tail.join('\n'), 'mc-run-tail'));
      }
      children.push(S.el('h4', t('graph.transitions')));
      children.push(transitionsTable(run.transitions || []));
      panel.replaceChildren.apply(panel, children);
      panel.setAttribute('data-run-id', run.id);
      panel.classList.remove('mc-hidden');
    }

    function show(runId, live) {
      shownRun = runId;
      return fetch('/api/runs/' + runId, { credentials: 'same-origin' })
        .then(function (response) {
          return response.json();
        })
        .then(function (json) {
          if (shownRun === runId && json.data) render(json.data, live);
        });
    }

    function hide() {
      shownRun = null;
      panel.classList.add('mc-hidden');
      panel.replaceChildren();
      options.onClosed();
    }

    return {
      show: show,
      hide: hide,
      current: function () {
        return shownRun;
      },
    };
  }

  window.meshcronRunPanel = { create: create };
})();
