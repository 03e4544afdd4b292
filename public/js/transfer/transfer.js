/*
 * Import / export page: sends the chosen file to the import API (Check = dry run, Apply = the same
 * file again, checked again by the server) and shows the diff. Everything from the server is put
 * on the page with textContent, never as HTML.
 */
(function () {
  'use strict';

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function short(value) {
    var text = JSON.stringify(value);
    return text === undefined ? '' : text.length > 200 ? text.slice(0, 200) + '…' : text;
  }

  function changesText(changes) {
    if (!changes) return '';
    return Object.keys(changes)
      .map(function (field) {
        return field + ': ' + short(changes[field].from) + ' → ' + short(changes[field].to);
      })
      .join('\n');
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('import-form');
    if (!form) return;
    var fileInput = document.getElementById('import-file');
    var mode = document.getElementById('import-mode');
    var apply = document.getElementById('import-apply');
    var status = document.getElementById('import-status');
    var counts = document.getElementById('import-counts');
    var table = document.getElementById('import-diff');
    var text = table.dataset;
    var maxBytes = Number(form.dataset.maxMb) * 1024 * 1024;

    function say(message, className) {
      status.className = 'mc-transfer-status ' + (className || '');
      status.textContent = message;
    }

    function clear() {
      apply.disabled = true;
      counts.textContent = '';
      table.hidden = true;
      table.tBodies[0].textContent = '';
    }

    function showCounts(report) {
      counts.textContent = '';
      ['create', 'update', 'delete', 'unchanged'].forEach(function (action) {
        counts.appendChild(element('span', 'mc-transfer-' + action, text[action] + ': ' + report.counts[action]));
      });
      counts.appendChild(element('span', 'mc-transfer-error', text.errors + ': ' + report.counts.errors));
      counts.appendChild(element('span', 'mc-transfer-warning', text.warnings + ': ' + report.counts.warnings));
    }

    function showRows(report) {
      var body = table.tBodies[0];
      body.textContent = '';
      report.rows.forEach(function (row) {
        var tr = element('tr', row.errors.length > 0 ? 'mc-transfer-row-error' : '');
        tr.appendChild(element('td', '', row.row === undefined ? '' : String(row.row)));
        tr.appendChild(element('td', '', row.type));
        tr.appendChild(element('td', '', row.key));
        tr.appendChild(element('td', 'mc-transfer-' + row.action, text[row.action] || row.action));
        tr.appendChild(element('td', 'mc-transfer-changes', changesText(row.changes)));
        var messages = element('td');
        row.errors.forEach(function (message) {
          messages.appendChild(element('div', 'mc-transfer-error', message));
        });
        row.warnings.forEach(function (message) {
          messages.appendChild(element('div', 'mc-transfer-warning', message));
        });
        tr.appendChild(messages);
        body.appendChild(tr);
      });
      table.hidden = report.rows.length === 0;
    }

    function show(report) {
      showCounts(report);
      showRows(report);
    }

    function send(dryRun) {
      var file = fileInput.files[0];
      if (!file) return say(text.chooseFile, 'mc-transfer-error');
      if (file.size > maxBytes) return say(text.tooLarge, 'mc-transfer-error');
      var data = new FormData();
      data.append('file', file);
      clear();
      say(dryRun ? text.checking : text.applying);
      var url = '/api/transfer/import/file?dryRun=' + dryRun + '&mode=' + encodeURIComponent(mode.value);
      fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'X-CSRF-Token': window.meshcron.csrfToken },
        body: data,
      })
        .then(function (response) {
          return response.json().then(function (json) {
            return { ok: response.ok, json: json };
          });
        })
        .then(function (result) {
          if (!result.ok) {
            var report = result.json.details && result.json.details.rows ? result.json.details : null;
            if (report) show(report);
            return say(result.json.message || 'error', 'mc-transfer-error');
          }
          var done = result.json.data;
          show(done);
          if (!done.valid) return say(text.hasErrors, 'mc-transfer-error');
          say(done.applied ? text.applied : text.checked, done.applied ? 'mc-transfer-create' : '');
          apply.disabled = done.applied;
        })
        .catch(function (error) {
          say(String(error), 'mc-transfer-error');
        });
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      send(true);
    });
    apply.addEventListener('click', function () {
      send(false);
    });
    fileInput.addEventListener('change', function () {
      clear();
      say('');
    });
    mode.addEventListener('change', function () {
      clear();
      say('');
    });
  });
})();
