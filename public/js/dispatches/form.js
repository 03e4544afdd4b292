/* Dispatch form: refreshes the next fire times as the cron or the time zone is typed, through the
   preview API, which runs the same code the scheduler fires with. */
(function () {
  'use strict';
  var cron = document.getElementById('cron');
  var zone = document.getElementById('timezone');
  var table = document.getElementById('cron-preview');
  var problem = document.getElementById('cron-preview-error');
  if (!cron || !zone || !table || !problem) return;
  var body = table.querySelector('tbody');
  var timer = null;
  var sequence = 0;

  var list = document.getElementById('timezones');
  if (list && typeof Intl.supportedValuesOf === 'function') {
    Intl.supportedValuesOf('timeZone')
      .concat(['UTC'])
      .forEach(function (name) {
        var option = document.createElement('option');
        option.value = name;
        list.appendChild(option);
      });
  }

  function localTime(iso, timeZone) {
    try {
      var parts = new Intl.DateTimeFormat('en-CA', {
        timeZone: timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      }).formatToParts(new Date(iso));
      var part = function (type) {
        var found = parts.filter(function (item) {
          return item.type === type;
        })[0];
        return found ? found.value : '';
      };
      return (
        part('year') +
        '-' +
        part('month') +
        '-' +
        part('day') +
        ' ' +
        part('hour') +
        ':' +
        part('minute') +
        ':' +
        part('second') +
        ' ' +
        part('timeZoneName')
      );
    } catch (error) {
      return '';
    }
  }

  function show(fires, message, timeZone) {
    body.textContent = '';
    fires.forEach(function (iso) {
      var row = document.createElement('tr');
      [localTime(iso, timeZone), iso].forEach(function (text) {
        var cell = document.createElement('td');
        cell.textContent = text;
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    problem.textContent = message;
    problem.hidden = message === '';
  }

  function refresh() {
    var expression = cron.value.trim();
    var timeZone = zone.value.trim() || 'UTC';
    if (expression === '') return show([], '', timeZone);
    var mine = ++sequence;
    var query = '?count=10&cron=' + encodeURIComponent(expression) + '&timezone=' + encodeURIComponent(timeZone);
    window.meshcron.api('GET', '/api/dispatches/preview' + query).then(
      function (answer) {
        if (mine === sequence) show(answer.data, '', timeZone);
      },
      function (error) {
        if (mine === sequence) show([], (error && error.message) || 'invalid', timeZone);
      },
    );
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  cron.addEventListener('input', schedule);
  zone.addEventListener('input', schedule);
  zone.addEventListener('change', schedule);
})();
