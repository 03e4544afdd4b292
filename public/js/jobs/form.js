/*
 * Job form enhancements: the interpreter only for scripts, param rows that can be added, removed and
 * moved, an interface name box that suggests names, and a "Runs when" row for each prerequisite
 * picked on the page (so its condition is set before the first save). The form works without them.
 */
(function () {
  'use strict';

  function toggleInterpreter(form) {
    var checked = form.querySelector('input[name="commandType"]:checked');
    var item = document.getElementById('interpreter-item');
    if (item) item.hidden = !checked || checked.value !== 'script';
  }

  function renumber(body) {
    Array.prototype.forEach.call(body.rows, function (row, index) {
      var cell = row.querySelector('.mc-param-index');
      if (cell) cell.textContent = String(index);
    });
  }

  function button(text, title, onClick) {
    var element = document.createElement('button');
    element.type = 'button';
    element.className = 'layui-btn layui-btn-xs layui-btn-primary';
    element.textContent = text;
    element.title = title;
    element.addEventListener('click', onClick);
    return element;
  }

  function addTools(row, body) {
    var tools = row.querySelector('.mc-param-tools');
    if (!tools || tools.childNodes.length) return;
    tools.appendChild(
      button('↑', 'up', function () {
        if (row.previousElementSibling) body.insertBefore(row, row.previousElementSibling);
        renumber(body);
      }),
    );
    tools.appendChild(
      button('↓', 'down', function () {
        if (row.nextElementSibling) body.insertBefore(row.nextElementSibling, row);
        renumber(body);
      }),
    );
    tools.appendChild(
      button('×', 'remove', function () {
        if (body.rows.length > 1) row.remove();
        else
          row.querySelectorAll('input').forEach(function (input) {
            input.value = '';
          });
        renumber(body);
      }),
    );
  }

  function setUpParams() {
    var table = document.getElementById('params');
    if (!table) return;
    var body = table.tBodies[0];
    Array.prototype.forEach.call(body.rows, function (row) {
      addTools(row, body);
    });
    var add = button('+', 'add', function () {
      var copy = body.rows[body.rows.length - 1].cloneNode(true);
      copy.querySelectorAll('input').forEach(function (input) {
        input.value = '';
      });
      copy.querySelectorAll('.mc-field-error').forEach(function (error) {
        error.remove();
      });
      copy.querySelector('.mc-param-tools').textContent = '';
      body.appendChild(copy);
      addTools(copy, body);
      renumber(body);
    });
    table.parentNode.insertBefore(add, table.nextSibling);
  }

  function setUpInterfaceBox() {
    var box = document.querySelector('.mc-autocomplete');
    if (!box) return;
    var input = box.querySelector('input');
    var results = box.querySelector('.mc-picker-results');
    var timer = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = box.getAttribute('data-options') + '?limit=20&q=' + encodeURIComponent(input.value.trim());
        window.meshcron.api('GET', url).then(function (json) {
          results.textContent = '';
          json.data.forEach(function (option) {
            var item = document.createElement('button');
            item.type = 'button';
            item.className = 'mc-picker-option';
            item.textContent = option.name;
            item.addEventListener('click', function () {
              input.value = option.name;
              results.hidden = true;
            });
            results.appendChild(item);
          });
          results.hidden = json.data.length === 0;
        });
      }, 200);
    });
    input.addEventListener('blur', function () {
      setTimeout(function () {
        results.hidden = true;
      }, 200);
    });
  }

  /** A "Runs when" row for a picked prerequisite, with the field names the server reads for it. */
  function addConditionRow(table, template, box) {
    var id = box.value;
    if (table.querySelector('tr[data-prerequisite="' + id + '"]')) return;
    var row = template.content.firstElementChild.cloneNode(true);
    row.setAttribute('data-prerequisite', id);
    row.querySelector('.mc-edge-label').textContent = box.parentNode.textContent.trim();
    row.querySelectorAll('[data-field]').forEach(function (field) {
      field.name = field.getAttribute('data-field') + '_' + id;
    });
    table.tBodies[0].appendChild(row);
  }

  function syncConditionRows(picked, table, template) {
    picked.querySelectorAll('input[name="prerequisiteIds"]').forEach(function (box) {
      if (box.checked) addConditionRow(table, template, box);
      var row = table.querySelector('tr[data-prerequisite="' + box.value + '"]');
      if (row) row.hidden = !box.checked;
    });
    var shown = table.querySelectorAll('tbody tr:not([hidden])').length > 0;
    table.hidden = !shown;
    var hint = document.getElementById('edge-conditions-hint');
    if (hint) hint.hidden = !shown;
  }

  function setUpConditions() {
    var picked = document.getElementById('prerequisites-picked');
    var table = document.getElementById('edge-conditions');
    var template = document.getElementById('edge-condition-row');
    if (!picked || !table || !template) return;
    var sync = function () {
      syncConditionRows(picked, table, template);
    };
    new MutationObserver(sync).observe(picked, { childList: true });
    picked.addEventListener('change', sync);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('job-form');
    if (!form) return;
    form.querySelectorAll('input[name="commandType"]').forEach(function (radio) {
      radio.addEventListener('change', function () {
        toggleInterpreter(form);
      });
    });
    toggleInterpreter(form);
    setUpParams();
    setUpInterfaceBox();
    setUpConditions();
  });
})();
