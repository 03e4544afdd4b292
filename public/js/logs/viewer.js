/*
 * Log viewer of one run attempt. Output is only ever put into the page with textContent (never
 * innerHTML), so whatever a job prints shows as literal text. The DOM keeps at most MAX_LINES lines:
 * while tailing the oldest are dropped, and "load earlier" pages back by seq.
 */
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('log-page').textContent);
  var text = page.text;
  var MAX_LINES = 5000;
  var PAGE = 500;
  var AROUND = 100;
  var base = '/api/runs/' + page.runId + '/log';
  var view = document.getElementById('log-view');
  var earlier = document.getElementById('log-earlier');
  var toEnd = document.getElementById('log-to-end');
  var status = document.getElementById('log-status');
  var results = document.getElementById('log-search-results');
  var storedLast = page.lastSeq;
  var following = true;
  var missed = 0;
  var source = null;
  /** The first line shown is the attempt's first line (seq numbers have gaps: events share them). */
  var atStart = page.lines.length < PAGE;

  function get(path, params) {
    var query = new URLSearchParams(Object.assign({ attempt: String(page.attempt) }, params)).toString();
    return window.meshcron.api('GET', path + '?' + query);
  }

  function setStatus(message) {
    status.textContent = message;
  }

  function row(line) {
    var div = document.createElement('div');
    div.className = 'mc-log-line' + (line.stream === 'stderr' ? ' mc-log-stderr' : '');
    div.setAttribute('data-seq', String(line.seq));
    div.setAttribute('data-stream', line.stream);
    var number = document.createElement('span');
    number.className = 'mc-log-no';
    number.textContent = String(line.seq);
    var body = document.createElement('span');
    body.className = 'mc-log-text';
    body.textContent = line.line;
    div.appendChild(number);
    div.appendChild(body);
    return div;
  }

  function seqOf(element) {
    return element ? Number(element.getAttribute('data-seq')) : null;
  }

  function refreshButtons() {
    var last = seqOf(view.lastElementChild);
    earlier.classList.toggle('mc-log-hidden', atStart || view.childElementCount === 0);
    toEnd.classList.toggle('mc-log-hidden', following && (last === null || last >= storedLast));
    if (view.childElementCount === 0) setStatus(text.noLines);
  }

  function atBottom() {
    return view.scrollTop + view.clientHeight >= view.scrollHeight - 24;
  }

  function replace(lines) {
    view.textContent = '';
    var fragment = document.createDocumentFragment();
    lines.forEach(function (line) {
      fragment.appendChild(row(line));
    });
    view.appendChild(fragment);
  }

  function append(lines) {
    var stick = atBottom();
    var fragment = document.createDocumentFragment();
    lines.forEach(function (line) {
      fragment.appendChild(row(line));
    });
    view.appendChild(fragment);
    while (view.childElementCount > MAX_LINES) {
      view.removeChild(view.firstElementChild);
      atStart = false;
    }
    if (stick) view.scrollTop = view.scrollHeight;
  }

  function prepend(lines) {
    var height = view.scrollHeight;
    var fragment = document.createDocumentFragment();
    lines.forEach(function (line) {
      fragment.appendChild(row(line));
    });
    view.insertBefore(fragment, view.firstChild);
    while (view.childElementCount > MAX_LINES) {
      view.removeChild(view.lastElementChild);
      following = false;
    }
    view.scrollTop += view.scrollHeight - height;
  }

  function fail() {
    setStatus(text.error);
  }

  function loadEarlier() {
    var first = seqOf(view.firstElementChild);
    get(base + '/before', { beforeSeq: String(first), limit: String(PAGE) }).then(function (json) {
      atStart = json.data.length < PAGE;
      prepend(json.data);
      refreshButtons();
    }, fail);
  }

  function highlight(seq) {
    var hit = view.querySelector('[data-seq="' + seq + '"]');
    if (!hit) return;
    hit.classList.add('mc-log-hit');
    hit.scrollIntoView({ block: 'center' });
  }

  /** Shows the lines around `seq` (pages before and after it) and marks it. */
  function jumpTo(seq) {
    Promise.all([
      get(base + '/before', { beforeSeq: String(seq + 1), limit: String(AROUND + 1) }),
      get(base, { afterSeq: String(seq), limit: String(AROUND) }),
    ]).then(function (pages) {
      atStart = pages[0].data.length < AROUND + 1;
      replace(pages[0].data.concat(pages[1].data));
      storedLast = Math.max(storedLast, pages[0].lastSeq);
      following = false;
      missed = 0;
      refreshButtons();
      highlight(seq);
    }, fail);
  }

  function goToEnd() {
    get(base + '/before', { limit: String(PAGE) }).then(function (json) {
      atStart = json.data.length < PAGE;
      replace(json.data);
      storedLast = json.lastSeq;
      following = true;
      missed = 0;
      if (source) setStatus(text.live);
      refreshButtons();
      view.scrollTop = view.scrollHeight;
    }, fail);
  }

  function onLines(event) {
    var lines = JSON.parse(event.data);
    if (lines.length === 0) return;
    storedLast = lines[lines.length - 1].seq;
    if (following) {
      append(lines);
    } else {
      missed += lines.length;
      setStatus(missed + ' ' + text.paused);
    }
    refreshButtons();
  }

  function tail() {
    var after = page.lastSeq;
    source = new EventSource(base + '/stream?attempt=' + page.attempt + '&afterSeq=' + after);
    setStatus(text.live);
    source.addEventListener('lines', onLines);
    source.addEventListener('end', function () {
      source.close();
      source = null;
      setStatus(text.ended);
    });
  }

  function resultItem(line) {
    var item = document.createElement('li');
    item.setAttribute('data-seq', String(line.seq));
    item.textContent = line.seq + ': ' + line.line;
    item.addEventListener('click', function () {
      jumpTo(line.seq);
    });
    return item;
  }

  function search(event) {
    event.preventDefault();
    var q = document.getElementById('log-search').value;
    if (q.trim() === '') return;
    get(base + '/search', { q: q }).then(function (json) {
      results.textContent = '';
      results.classList.remove('mc-log-hidden');
      json.data.forEach(function (line) {
        results.appendChild(resultItem(line));
      });
      if (json.data.length === 0 || json.more) {
        var note = document.createElement('li');
        note.textContent = json.data.length === 0 ? text.noMatch : text.more;
        results.appendChild(note);
      }
    }, fail);
  }

  function firstError() {
    get(base + '/first-error', {}).then(function (json) {
      if (json.data === null) setStatus(text.noError);
      else jumpTo(json.data.seq);
    }, fail);
  }

  replace(page.lines);
  view.scrollTop = view.scrollHeight;
  refreshButtons();
  earlier.addEventListener('click', loadEarlier);
  toEnd.addEventListener('click', goToEnd);
  document.getElementById('log-search-form').addEventListener('submit', search);
  document.getElementById('log-first-error').addEventListener('click', firstError);
  document.getElementById('log-attempt').addEventListener('change', function () {
    document.getElementById('log-attempt-form').submit();
  });
  if (page.live) tail();
})();
