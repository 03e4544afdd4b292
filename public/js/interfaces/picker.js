/*
 * Search-as-you-type multi-select for parents and prerequisites. Without this script the form still
 * works: picked items are checkboxes, and the text box takes names (or #ids) separated by commas.
 * With it, typing queries the options API and a click adds a checked box.
 */
(function () {
  'use strict';

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fn.apply(null, args);
      }, ms);
    };
  }

  function picked(picker, name) {
    var values = [];
    picker.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
      if (box.checked) values.push(box.value);
    });
    return values;
  }

  function addChip(picker, name, option) {
    var box = picker.querySelector('input[name="' + name + '"][value="' + option.id + '"]');
    if (box) {
      box.checked = true;
      return;
    }
    var label = document.createElement('label');
    label.className = 'mc-chip';
    var input = document.createElement('input');
    input.type = 'checkbox';
    input.name = name;
    input.value = String(option.id);
    input.checked = true;
    input.setAttribute('lay-ignore', '');
    label.appendChild(input);
    label.appendChild(document.createTextNode(' ' + option.label));
    picker.querySelector('.mc-picked').appendChild(label);
  }

  function labelOf(option) {
    return option.interfaceName ? option.interfaceName + ' / ' + option.name : option.name;
  }

  function show(picker, name, options) {
    var results = picker.querySelector('.mc-picker-results');
    results.textContent = '';
    options.forEach(function (option) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'mc-picker-option';
      button.textContent = labelOf(option);
      button.addEventListener('click', function () {
        addChip(picker, name, { id: option.id, label: labelOf(option) });
        picker.querySelector('.mc-picker-input').value = '';
        results.hidden = true;
      });
      results.appendChild(button);
    });
    results.hidden = options.length === 0;
  }

  function setUp(picker) {
    var input = picker.querySelector('.mc-picker-input');
    var name = picker.getAttribute('data-name');
    var url = picker.getAttribute('data-options');
    var self = picker.getAttribute('data-exclude');
    var search = debounce(function () {
      var exclude = picked(picker, name);
      if (self) exclude.push(self);
      var query = '?limit=20&q=' + encodeURIComponent(input.value.trim());
      if (exclude.length) query += '&exclude=' + exclude.join(',');
      window.meshcron.api('GET', url + query).then(
        function (json) {
          show(picker, name, json.data);
        },
        function () {
          show(picker, name, []);
        },
      );
    }, 200);
    input.addEventListener('input', search);
    input.addEventListener('focus', search);
    input.addEventListener('keydown', function (event) {
      var results = picker.querySelector('.mc-picker-results');
      if (event.key === 'Enter' && !results.hidden) {
        event.preventDefault();
        var first = results.querySelector('button');
        if (first) first.click();
      }
      if (event.key === 'Escape') results.hidden = true;
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.mc-picker').forEach(setUp);
  });
})();
