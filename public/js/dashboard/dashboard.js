/* Dashboard: fetches /api/dashboard for the chosen window and draws the charts and tables. */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('dashboard-page').textContent);
  var text = page.text;

  function cell(row, value, href) {
    var td = document.createElement('td');
    if (href) {
      var link = document.createElement('a');
      link.href = href;
      link.textContent = value;
      td.appendChild(link);
    } else {
      td.textContent = value === null || value === undefined ? '–' : String(value);
    }
    row.appendChild(td);
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return ms + ' ms';
    var seconds = Math.round(ms / 1000);
    if (seconds < 120) return seconds + ' s';
    var minutes = Math.floor(seconds / 60);
    if (minutes < 120) return minutes + ' min ' + (seconds % 60) + ' s';
    return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
  }

  function fillJobs(tableId, jobs, columns) {
    var body = document.querySelector('#' + tableId + ' tbody');
    body.textContent = '';
    if (jobs.length === 0) {
      var empty = document.createElement('tr');
      cell(empty, text.none);
      empty.firstChild.colSpan = 5;
      body.appendChild(empty);
      return;
    }
    jobs.forEach(function (job) {
      var row = document.createElement('tr');
      row.setAttribute('data-job-id', job.jobId);
      cell(row, job.jobName, '/history/jobs/' + job.jobId);
      cell(row, job.interfaceName, job.interfaceId === null ? null : '/interfaces/' + job.interfaceId);
      columns(job).forEach(function (value) {
        cell(row, value);
      });
      body.appendChild(row);
    });
  }

  function dailyChart(data) {
    var chart = echarts.init(document.getElementById('chart-daily'));
    var days = data.daily.map(function (d) {
      return d.day;
    });
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: { data: [text.succeeded, text.failed, text.otherEnded, text.successRate] },
      xAxis: { type: 'category', data: days },
      yAxis: [
        { type: 'value', minInterval: 1 },
        { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
      ],
      series: [
        {
          name: text.succeeded,
          type: 'bar',
          stack: 'runs',
          color: '#5FB878',
          data: data.daily.map(function (d) {
            return d.succeeded;
          }),
        },
        {
          name: text.failed,
          type: 'bar',
          stack: 'runs',
          color: '#FF5722',
          data: data.daily.map(function (d) {
            return d.failed;
          }),
        },
        {
          name: text.otherEnded,
          type: 'bar',
          stack: 'runs',
          color: '#c2c2c2',
          data: data.daily.map(function (d) {
            return d.otherEnded;
          }),
        },
        {
          name: text.successRate,
          type: 'line',
          yAxisIndex: 1,
          color: '#1E9FFF',
          connectNulls: false,
          data: data.daily.map(function (d) {
            return d.successRate;
          }),
        },
      ],
    });
    return chart;
  }

  function hostCharts(data) {
    var load = echarts.init(document.getElementById('chart-hosts'));
    var names = data.hosts.map(function (h) {
      return h.name + ' (' + h.state + ')';
    });
    load.setOption({
      tooltip: { trigger: 'axis' },
      legend: { data: [text.running, text.slots] },
      xAxis: { type: 'category', data: names },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: text.running,
          type: 'bar',
          color: '#FFB800',
          data: data.hosts.map(function (h) {
            return h.running;
          }),
        },
        {
          name: text.slots,
          type: 'bar',
          color: '#e2e2e2',
          data: data.hosts.map(function (h) {
            return h.slots;
          }),
        },
      ],
    });
    var runs = echarts.init(document.getElementById('chart-host-runs'));
    runs.setOption({
      tooltip: { trigger: 'axis' },
      legend: {
        type: 'scroll',
        data: data.hosts.map(function (h) {
          return h.name;
        }),
      },
      xAxis: { type: 'category', data: data.dayList },
      yAxis: { type: 'value', minInterval: 1 },
      series: data.hosts.map(function (h) {
        return { name: h.name, type: 'line', data: h.runsPerDay };
      }),
    });
    return [load, runs];
  }

  function render(data) {
    document.getElementById('total-rate').textContent =
      data.totals.successRate === null ? '–' : data.totals.successRate + ' %';
    document.getElementById('total-succeeded').textContent = data.totals.succeeded;
    document.getElementById('total-failed').textContent = data.totals.failed;
    document.getElementById('total-other').textContent = data.totals.otherEnded;
    fillJobs('slowest-table', data.slowest, function (job) {
      return [duration(job.avgMs), duration(job.maxMs), job.attempts];
    });
    fillJobs('failing-table', data.failing, function (job) {
      return [job.failed, job.attempts, job.failureRate === null ? null : job.failureRate + ' %'];
    });
    var charts = [dailyChart(data)].concat(hostCharts(data));
    window.addEventListener('resize', function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    });
  }

  window.meshcron
    .api('GET', '/api/dashboard?days=' + encodeURIComponent(page.days))
    .then(function (json) {
      render(json.data);
    })
    .catch(function (error) {
      var box = document.getElementById('dashboard-error');
      box.textContent = text.loadError + (error && error.message ? ': ' + error.message : '');
      box.classList.remove('mc-dashboard-hidden');
    });
})();
