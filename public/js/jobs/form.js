/*
 * Job form enhancements: the interpreter only for scripts, param rows that can be added, removed and
 * moved, and an interface name box that suggests names. The form works without them.
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
  });
})();
