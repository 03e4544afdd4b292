/* Job history: duration of the last succeeded runs (seconds) with their average as a mark line. */
(function () {
  'use strict';
  var S = window.meshcronStates;
  var chart = JSON.parse(document.getElementById('job-trend-data').textContent);
  var texts = chart.texts;
  var points = chart.trend.points;
  var instance = window.echarts.init(document.getElementById('job-trend'));
  instance.setOption({
    tooltip: {
      trigger: 'axis',
      formatter: function (items) {
        var encode = window.echarts.format.encodeHTML;
        var point = points[items[0].dataIndex];
        return encode(point.dataDate + ' · #' + point.executionId) + '<br>' + encode(S.duration(point.durationMs));
      },
    },
    grid: { left: 60, right: 80, top: 30, bottom: 30 },
    xAxis: {
      type: 'category',
      data: points.map(function (point) {
        return point.dataDate;
      }),
    },
    yAxis: { type: 'value', name: texts['history.seconds'] },
    series: [
      {
        type: 'line',
        name: texts['graph.duration'],
        data: points.map(function (point) {
          return Math.round(point.durationMs / 100) / 10;
        }),
        itemStyle: { color: S.color('succeeded') },
        markLine: {
          symbol: 'none',
          data: [{ type: 'average', name: texts['history.average'] }],
          label: { formatter: texts['history.average'] + ' {c}' },
          lineStyle: { color: '#1e9fff', type: 'dashed' },
        },
      },
    ],
  });
  instance.on('click', function (params) {
    var point = points[params.dataIndex];
    if (point) window.location.href = '/executions/' + point.executionId;
  });
  window.addEventListener('resize', function () {
    instance.resize();
  });
})();
