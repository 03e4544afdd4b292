/*
 * ECharts options of the execution page: the interface graph, the job DAG of one interface (both
 * laid out on the server: x = layer, y = row) and the Gantt timeline of the runs (custom series).
 * Labels are ECharts text, never HTML.
 */
(function () {
  'use strict';
  var S = window.meshcronStates;
  var GAP_X = 190;
  var GAP_Y = 70;

  function nodeStyle(state, selected) {
    return {
      color: S.color(state),
      borderColor: selected ? '#222' : '#fff',
      borderWidth: selected ? 3 : 1,
    };
  }

  function graphSeries(nodes, links) {
    return {
      type: 'graph',
      layout: 'none',
      roam: true,
      symbol: 'roundRect',
      symbolSize: [150, 34],
      edgeSymbol: ['none', 'arrow'],
      edgeSymbolSize: 8,
      label: { show: true, color: '#fff', overflow: 'truncate', width: 140, fontSize: 12 },
      lineStyle: { color: '#999', width: 1.5, curveness: 0.1 },
      animation: false,
      data: nodes,
      links: links,
    };
  }

  function tooltip(texts) {
    return {
      trigger: 'item',
      formatter: function (params) {
        if (params.dataType !== 'node') return '';
        // ECharts escapes nothing in a formatter string: build plain text and let it escape via encodeHTML.
        var encode = window.echarts.format.encodeHTML;
        return encode(params.data.name) + '<br>' + encode(texts['state.' + params.data.state] || params.data.state);
      },
    };
  }

  /** The interfaces of the execution; `selected` is the interface whose jobs are shown. */
  function interfaceOption(graph, selected, texts) {
    var nodes = graph.interfaces.map(function (item) {
      return {
        id: 'i' + item.id,
        name: item.name,
        interfaceId: item.id,
        state: item.state,
        x: item.layer * GAP_X,
        y: item.row * GAP_Y,
        itemStyle: nodeStyle(item.state, item.id === selected),
        label: { color: item.state === 'waiting' ? '#333' : '#fff' },
      };
    });
    var links = graph.interfaceEdges.map(function (edge) {
      return { source: 'i' + edge[0], target: 'i' + edge[1] };
    });
    return { tooltip: tooltip(texts), series: [graphSeries(nodes, links)] };
  }

  /** The job DAG of one interface: a node per run, edges prerequisite → dependent. */
  function jobOption(graph, interfaceId, selectedRun, texts) {
    var runs = graph.runs.filter(function (run) {
      return run.interfaceId === interfaceId;
    });
    var ids = {};
    var nodes = runs.map(function (run) {
      ids[run.id] = true;
      return {
        id: 'r' + run.id,
        name: run.jobName,
        runId: run.id,
        state: run.state,
        x: run.layer * GAP_X,
        y: run.row * GAP_Y,
        itemStyle: nodeStyle(run.state, run.id === selectedRun),
        label: { color: run.state === 'waiting' ? '#333' : '#fff' },
      };
    });
    var links = graph.runEdges
      .filter(function (edge) {
        return ids[edge[0]] && ids[edge[1]];
      })
      .map(function (edge) {
        return { source: 'r' + edge[0], target: 'r' + edge[1] };
      });
    return { tooltip: tooltip(texts), series: [graphSeries(nodes, links)] };
  }

  function renderBar(params, api) {
    var start = api.coord([api.value(1), api.value(0)]);
    var end = api.coord([api.value(2), api.value(0)]);
    var height = api.size([0, 1])[1] * 0.6;
    var rect = window.echarts.graphic.clipRectByRect(
      { x: start[0], y: start[1] - height / 2, width: Math.max(2, end[0] - start[0]), height: height },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height },
    );
    return rect && { type: 'rect', shape: rect, style: api.style() };
  }

  /** Runs from start to end (running ones up to `now`), one row per run, coloured by state. */
  function ganttOption(graph, now, texts) {
    var started = graph.runs.filter(function (run) {
      return run.startedAt;
    });
    var labels = started.map(function (run) {
      return run.interfaceName + ' / ' + run.jobName;
    });
    var data = started.map(function (run, index) {
      var end = run.finishedAt ? Date.parse(run.finishedAt) : now;
      return {
        name: labels[index],
        runId: run.id,
        state: run.state,
        value: [index, Date.parse(run.startedAt), end, end - Date.parse(run.startedAt)],
        itemStyle: { color: S.color(run.state) },
      };
    });
    return {
      tooltip: {
        formatter: function (params) {
          var encode = window.echarts.format.encodeHTML;
          return (
            encode(params.name) +
            '<br>' +
            encode(texts['state.' + params.data.state] || params.data.state) +
            ' · ' +
            encode(S.duration(params.value[3]))
          );
        },
      },
      grid: { left: 200, right: 30, top: 20, bottom: 30 },
      xAxis: { type: 'time' },
      yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { width: 190, overflow: 'truncate' } },
      series: [
        {
          type: 'custom',
          renderItem: renderBar,
          encode: { x: [1, 2], y: 0 },
          data: data,
          animation: false,
        },
      ],
    };
  }

  window.meshcronExecutionCharts = {
    interfaceOption: interfaceOption,
    jobOption: jobOption,
    ganttOption: ganttOption,
    ganttHeight: function (count) {
      return Math.max(120, count * 26 + 60);
    },
  };
})();
