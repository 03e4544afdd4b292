/* One palette for run, interface and execution states, shared by the monitor, the execution page and history. */
(function () {
  'use strict';
  var COLORS = {
    succeeded: '#16b777',
    failed: '#e64340',
    timed_out: '#b8312f',
    lost: '#8e44ad',
    killed: '#ff9800',
    skipped: '#b0b0b0',
    running: '#1e9fff',
    dispatched: '#5fb8ff',
    queued: '#31bdec',
    waiting: '#d8d8d8',
  };
  var ORDER = [
    'failed',
    'timed_out',
    'lost',
    'killed',
    'running',
    'dispatched',
    'queued',
    'waiting',
    'skipped',
    'succeeded',
  ];
  window.meshcronStates = {
    colors: COLORS,
    order: ORDER,
    color: function (state) {
      return COLORS[state] || '#c2c2c2';
    },
    /** "1h 02m 03s"; under a minute "4.2s" (same as the server's durationText). */
    duration: function (ms) {
      if (ms === null || ms === undefined || ms < 0) return '';
      if (ms < 60000) return (ms / 1000).toFixed(1) + 's';
      var seconds = Math.round(ms / 1000);
      var h = Math.floor(seconds / 3600);
      var m = Math.floor((seconds % 3600) / 60);
      var s = seconds % 60;
      var pad = function (n) {
        return (n < 10 ? '0' : '') + n;
      };
      return h > 0 ? h + 'h ' + pad(m) + 'm ' + pad(s) + 's' : m + 'm ' + pad(s) + 's';
    },
    /** UTC, like the server-rendered times. */
    time: function (value) {
      if (!value) return '';
      var date = new Date(value);
      return isNaN(date.getTime()) ? '' : date.toISOString().replace('T', ' ').slice(0, 19) + 'Z';
    },
    /** A state badge element (text only, never HTML). */
    badge: function (state, label) {
      var span = document.createElement('span');
      span.className = 'layui-badge mc-state';
      span.style.backgroundColor = COLORS[state] || '#c2c2c2';
      span.setAttribute('data-state', state);
      span.textContent = label || state;
      return span;
    },
    el: function (tag, text, className) {
      var node = document.createElement(tag);
      if (text !== undefined && text !== null) node.textContent = String(text);
      if (className) node.className = className;
      return node;
    },
    link: function (href, text, className) {
      var a = document.createElement('a');
      a.href = href;
      a.textContent = text;
      if (className) a.className = className;
      return a;
    },
  };
})();
