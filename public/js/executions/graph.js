/*
 * Live execution page: polls GET /api/executions/:id/graph every 2 seconds while the execution
 * runs and redraws the interface graph, the selected interface's job DAG, the Gantt timeline, the
 * runs table and the open run panel. One palette (meshcronStates) with a legend.
 */
(function () {
  'use strict';
  var POLL_MS = 2000;
  var S = window.meshcronStates;
  var C = window.meshcronExecutionCharts;
  var page = JSON.parse(document.getElementById('execution-page').textContent);
  var texts = page.texts;
  var interfaceChart = window.echarts.init(document.getElementById('interface-graph'));
  var jobChart = window.echarts.init(document.getElementById('job-graph'));
  var ganttElement = document.getElementById('execution-gantt');
  var ganttChart = window.echarts.init(ganttElement);
  var graph = null;
  var fetchedAt = 0;
  var selectedInterface = null;
  var timer = null;
  var panel = window.meshcronRunPanel.create(document.getElementById('run-panel'), {
    texts: texts,
    canExecute: page.canExecute,
    onChanged: function () {
      refresh();
    },
    onClosed: function () {
      drawJobs();
    },
  });

  function t(key) {
    return texts[key] || key;
  }

  function legend() {
    var box = document.getElementById('state-legend');
    S.order.forEach(function (state) {
      box.appendChild(S.badge(state, t('state.' + state)));
    });
  }

  /** The interface to show first: a failed one, else a running one, else the first. */
  function defaultInterface() {
    var order = ['failed', 'running', 'waiting', 'succeeded'];
    for (var i = 0; i < order.length; i++) {
      for (var j = 0; j < graph.interfaces.length; j++) {
        if (graph.interfaces[j].state === order[i]) return graph.interfaces[j].id;
      }
    }
    return graph.interfaces.length > 0 ? graph.interfaces[0].id : null;
  }

  function runById(id) {
    for (var i = 0; i < graph.runs.length; i++) if (graph.runs[i].id === id) return graph.runs[i];
    return null;
  }

  function drawJobs() {
    var name = '';
    graph.interfaces.forEach(function (item) {
      if (item.id === selectedInterface) name = item.name;
    });
    document.getElementById('job-graph-interface').textContent = name;
    jobChart.setOption(C.jobOption(graph, selectedInterface, panel.current(), texts), true);
  }

  function progress(run) {
    var estimate = run.estimate;
    if (!estimate || estimate.progressPercent === null) return '';
    return (
      estimate.progressPercent +
      '%' +
      (estimate.etaAt ? ' · ' + S.time(estimate.etaAt) : '') +
      (estimate.late ? ' · ' + t('monitor.late') : '')
    );
  }

  function runRow(run) {
    var tr = S.el('tr');
    tr.setAttribute('data-run-id', run.id);
    tr.setAttribute('data-job', run.jobName);
    tr.appendChild(S.el('td', run.interfaceName));
    var job = S.el('td');
    var link = S.link('/executions/' + run.executionId + '/runs/' + run.id, run.jobName, 'mc-run-open');
    link.addEventListener('click', function (event) {
      event.preventDefault();
      openRun(run.id);
    });
    job.appendChild(link);
    tr.appendChild(job);
    tr.appendChild(S.el('td', run.hostName || ''));
    tr.appendChild(S.el('td', run.attempt));
    var state = S.el('td');
    state.appendChild(S.badge(run.state, t('state.' + run.state)));
    tr.appendChild(state);
    tr.appendChild(S.el('td', S.time(run.startedAt)));
    tr.appendChild(S.el('td', S.duration(run.durationMs)));
    tr.appendChild(S.el('td', progress(run)));
    tr.appendChild(S.el('td', run.exitCode === null ? '' : run.exitCode));
    tr.appendChild(S.el('td', run.error || ''));
    return tr;
  }

  function drawTable() {
    var body = document.getElementById('execution-run-rows');
    var fragment = document.createDocumentFragment();
    graph.runs.forEach(function (run) {
      fragment.appendChild(runRow(run));
    });
    body.replaceChildren(fragment);
  }

  function drawGantt() {
    var now = Date.parse(graph.now) + (Date.now() - fetchedAt);
    var count = graph.runs.filter(function (run) {
      return run.startedAt;
    }).length;
    ganttElement.style.height = C.ganttHeight(count) + 'px';
    ganttChart.resize();
    ganttChart.setOption(C.ganttOption(graph, now, texts), true);
  }

  function drawSummary() {
    var badge = document.getElementById('execution-state');
    if (!badge || badge.getAttribute('data-state') === graph.execution.state) return;
    badge.setAttribute('data-state', graph.execution.state);
    badge.className = 'layui-badge';
    badge.style.backgroundColor = S.color(graph.execution.state);
    badge.textContent = t('state.' + graph.execution.state);
  }

  function draw() {
    if (selectedInterface === null) selectedInterface = defaultInterface();
    interfaceChart.setOption(C.interfaceOption(graph, selectedInterface, texts), true);
    drawJobs();
    drawGantt();
    drawTable();
    drawSummary();
    var open = panel.current();
    if (open !== null && runById(open)) void panel.show(open, runById(open));
  }

  function openRun(runId) {
    var run = runById(runId);
    if (run && run.interfaceId !== selectedInterface) {
      selectedInterface = run.interfaceId;
      interfaceChart.setOption(C.interfaceOption(graph, selectedInterface, texts), true);
    }
    panel.show(runId, run).then(drawJobs, drawJobs);
  }

  function refresh() {
    window.clearTimeout(timer);
    fetch('/api/executions/' + page.executionId + '/graph', { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (json) {
        graph = json.data;
        fetchedAt = Date.now();
        draw();
      })
      .catch(function () {
        // the next poll tries again
      })
      .then(function () {
        if (!graph || graph.execution.state === 'running') timer = window.setTimeout(refresh, POLL_MS);
      });
  }

  interfaceChart.on('click', function (params) {
    if (params.dataType !== 'node') return;
    selectedInterface = params.data.interfaceId;
    interfaceChart.setOption(C.interfaceOption(graph, selectedInterface, texts), true);
    drawJobs();
  });
  jobChart.on('click', function (params) {
    if (params.dataType === 'node') openRun(params.data.runId);
  });
  ganttChart.on('click', function (params) {
    if (params.data && params.data.runId) openRun(params.data.runId);
  });
  window.addEventListener('resize', function () {
    interfaceChart.resize();
    jobChart.resize();
    ganttChart.resize();
  });

  legend();
  refresh();
})();
