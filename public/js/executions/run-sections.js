/*
 * Parts of the run panel about what a run carried and how it relates to other runs: its outputs
 * and inputs (name = value, as text), why it was skipped, and broadcast runs (the parent's host
 * runs with the failure budget's outcome; a host run's link to its parent).
 */
(function () {
  'use strict';
  var S = window.meshcronStates;
  var ENDED = ['succeeded', 'failed', 'timed_out', 'killed', 'lost', 'skipped'];

  /** A `name = value` list, or nothing when there is no value. */
  function valueList(title, values, className) {
    var names = Object.keys(values || {}).sort();
    if (names.length === 0) return [];
    var list = S.el('dl', null, 'mc-run-fields mc-run-values ' + className);
    names.forEach(function (name) {
      list.appendChild(S.el('dt', name));
      list.appendChild(S.el('dd', values[name]));
    });
    return [S.el('h4', title), list];
  }

  function values(run, t) {
    var inputs = run.inputs || { values: {}, dropped: 0 };
    var out = valueList(t('graph.outputs'), run.outputs, 'mc-run-outputs').concat(
      valueList(t('graph.inputs'), inputs.values, 'mc-run-inputs'),
    );
    if (inputs.dropped > 0) out.push(S.el('p', t('graph.inputsDropped') + ': ' + inputs.dropped, 'mc-run-note'));
    return out;
  }

  /** "Skipped (another branch ran): …" or "Skipped (upstream failed): …"; null unless skipped. */
  function skipReason(run, t) {
    if (run.state !== 'skipped') return null;
    var kind = run.branchSkipped ? t('graph.skip.branch') : t('graph.skip.failure');
    return run.error ? kind + ': ' + run.error : kind;
  }

  function budgetText(run, t) {
    var spec = run.broadcast;
    var limits = [];
    if (spec.failCount !== null) limits.push(t('graph.budget.count') + ' ' + spec.failCount);
    if (spec.failRate !== null) limits.push(t('graph.budget.rate') + ' ' + spec.failRate + '%');
    var text = limits.length > 0 ? limits.join(', ') : t('graph.budget.none');
    if (run.budgetExceeded) return text + ' — ' + t('graph.budget.exceeded');
    if (ENDED.indexOf(run.state) >= 0) return text + ' — ' + t('graph.budget.kept');
    return text;
  }

  function childRow(child, t) {
    var row = S.el('tr');
    row.setAttribute('data-child-run', child.id);
    row.appendChild(S.el('td', child.hostName || ''));
    var state = S.el('td');
    state.appendChild(S.badge(child.state, t('state.' + child.state)));
    row.appendChild(state);
    row.appendChild(S.el('td', child.exitCode === null ? '' : child.exitCode));
    var log = S.el('td');
    log.appendChild(S.link('/runs/' + child.id + '/log', t('graph.openLog')));
    row.appendChild(log);
    return row;
  }

  /** A broadcast parent: its budget and one row per host run; nothing for other runs. */
  function broadcastHosts(run, t) {
    if (!run.broadcast) return [];
    var table = S.el('table', null, 'layui-table mc-run-children');
    var head = S.el('tr');
    ['graph.host', 'graph.state', 'graph.exitCode', 'graph.log'].forEach(function (key) {
      head.appendChild(S.el('th', t(key)));
    });
    table.appendChild(head);
    (run.children || []).forEach(function (child) {
      table.appendChild(childRow(child, t));
    });
    var budget = S.el('p', t('graph.budget') + ': ' + budgetText(run, t), 'mc-run-budget');
    return [S.el('h4', t('graph.hosts')), budget, table];
  }

  /** A host run of a broadcast: a link that opens its parent in the panel. */
  function parentLink(run, t, open) {
    if (run.parentRunId === null || run.parentRunId === undefined) return null;
    var link = S.link('/executions/' + run.executionId + '/runs/' + run.parentRunId, t('graph.parentRun'));
    link.className = 'mc-run-parent';
    link.addEventListener('click', function (event) {
      event.preventDefault();
      open(run.parentRunId);
    });
    return link;
  }

  window.meshcronRunSections = {
    values: values,
    skipReason: skipReason,
    broadcastHosts: broadcastHosts,
    parentLink: parentLink,
  };
})();
