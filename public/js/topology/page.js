/*
 * Topology pages: loads the graph of the page's view from the topology API and draws it; search,
 * expand/collapse of interfaces (mesh and impact views), the node panel and the impact lists.
 * One `page` object holds the page's state; the functions below take it.
 */
(function () {
  'use strict';
  var IMPACT_JOB_ROWS = 500;

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function button(attributes, onClick) {
    var node = element('button', Object.assign({ type: 'button' }, attributes));
    node.addEventListener('click', onClick);
    return node;
  }

  function getData(url) {
    return window.meshcron.api('GET', url).then(function (body) {
      return body.data;
    });
  }

  function createPage() {
    var config = JSON.parse(document.getElementById('topology-page').textContent);
    var page = {
      config: config,
      text: config.text,
      chart: window.echarts.init(document.getElementById('topology-chart')),
      errorBox: document.getElementById('topology-error'),
      panel: document.getElementById('topology-panel'),
      graph: null,
      drawn: null,
      impact: null,
      expand: config.view === 'impact' && config.job ? [config.interfaceId] : [],
      expandAll: false,
      names: {},
    };
    page.names[config.interfaceId] = config.interfaceName;
    return page;
  }

  function meshUrl(page, scope) {
    var query = ['scope=' + scope, 'depth=' + page.config.depth];
    if (page.config.interfaceId) query.push('interface=' + page.config.interfaceId);
    if (page.expandAll) query.push('expand=all');
    else if (page.expand.length > 0) query.push('expand=' + page.expand.join(','));
    return '/api/topology/mesh?' + query.join('&');
  }

  /** The impact report (once per page), then the mesh downstream of the interface to colour with it. */
  function loadImpact(page) {
    var config = page.config;
    var origin = config.job ? 'job=' + config.job : 'interface=' + config.interfaceId;
    var report = page.impact ? Promise.resolve(null) : getData('/api/topology/impact?' + origin);
    return report.then(function (found) {
      if (found) {
        page.impact = indexImpact(found);
        renderImpact(page, found);
      }
      return getData(meshUrl(page, 'downstream'));
    });
  }

  function load(page) {
    var config = page.config;
    page.errorBox.classList.add('mc-topology-hidden');
    page.chart.showLoading({ text: page.text.loading });
    var request;
    if (config.view === 'jobs') request = getData('/api/topology/jobs?interface=' + config.interfaceId);
    else if (config.view === 'mesh') request = getData(meshUrl(page, config.scope));
    else request = loadImpact(page);
    return request
      .then(function (graph) {
        render(page, graph);
        return true;
      })
      .catch(function (error) {
        page.errorBox.textContent = (error && error.message) || String(error);
        page.errorBox.classList.remove('mc-topology-hidden');
        return false;
      })
      .then(function (loaded) {
        page.chart.hideLoading();
        return loaded;
      });
  }

  /** The node to centre a crowded graph on: the failed job, else the page's interface (or its first job). */
  function focusIndex(page, graph) {
    var failed = -1;
    var focus = -1;
    graph.nodes.forEach(function (node, index) {
      if (failed < 0 && page.impact && node[0] === 'j' && page.impact.failedJobs[node[1]]) failed = index;
      if (focus < 0 && node[5] & window.meshcronTopology.flags.FOCUS) focus = index;
    });
    return failed >= 0 ? failed : focus;
  }

  function render(page, graph) {
    var chart = page.chart;
    page.graph = graph;
    page.panel.classList.add('mc-topology-hidden');
    if (graph.nodes.length === 0) {
      chart.clear();
      chart.setOption({
        title: { text: page.text.empty, left: 'center', top: 'middle', textStyle: { color: '#999' } },
      });
      page.drawn = null;
      chart.getDom().setAttribute('data-drawn', '0');
    } else {
      page.drawn = window.meshcronTopology.draw(chart, {
        graph: graph,
        mode: page.config.view,
        text: page.text,
        impact: page.impact,
        focusIndex: focusIndex(page, graph),
      });
    }
    renderExpanded(page);
  }

  /** The chips of the interfaces shown job by job, each with its collapse button; or "show all jobs". */
  function renderExpanded(page) {
    var box = document.getElementById('mesh-expanded');
    var text = page.text;
    box.textContent = '';
    if (page.config.view === 'jobs') return;
    if (!page.expandAll && page.expand.length === 0) {
      if (page.config.view !== 'mesh') return;
      var showAll = button({ class: 'mc-topology-link', id: 'expand-all', text: text.expandAll }, function () {
        page.expandAll = true;
        return load(page).then(function (loaded) {
          if (!loaded) page.expandAll = false;
        });
      });
      box.appendChild(showAll);
      return;
    }
    box.appendChild(element('span', { text: text.expanded + ' ' }));
    page.expand.forEach(function (id) {
      var collapse = button({ title: text.collapse, 'data-collapse': String(id), text: '×' }, function () {
        page.expand = page.expand.filter(function (other) {
          return other !== id;
        });
        return load(page);
      });
      box.appendChild(element('span', { class: 'mc-topology-chip' }, [page.names[id] || '#' + id, collapse]));
    });
    var collapseAll = button({ class: 'mc-topology-link', id: 'collapse-all', text: text.collapseAll }, function () {
      page.expand = [];
      page.expandAll = false;
      return load(page);
    });
    box.appendChild(collapseAll);
  }

  /** What one can do with a clicked interface: show its jobs, open its topology, impact, or page. */
  function showPanel(page, node) {
    var id = node[1];
    var text = page.text;
    var panel = page.panel;
    page.names[id] = node[2];
    panel.textContent = '';
    panel.appendChild(element('h4', { text: node[2] }));
    panel.appendChild(element('p', { text: text.jobs + ': ' + node[6] }));
    if (page.config.view !== 'jobs' && node[5] & window.meshcronTopology.flags.COLLAPSED && !page.expandAll) {
      var expand = button({ class: 'layui-btn layui-btn-xs', id: 'panel-expand', text: text.expand }, function () {
        page.expand.push(id);
        return load(page);
      });
      panel.appendChild(expand);
    }
    panel.appendChild(
      element('a', { href: '/topology/interfaces/' + id, id: 'panel-topology', text: text.openTopology }),
    );
    panel.appendChild(element('a', { href: '/topology/interfaces/' + id + '?view=impact', text: text.impactOf }));
    panel.appendChild(element('a', { href: '/interfaces/' + id, text: text.openInterface }));
    panel.appendChild(
      button({ class: 'mc-topology-link', text: '×' }, function () {
        panel.classList.add('mc-topology-hidden');
      }),
    );
    panel.classList.remove('mc-topology-hidden');
  }

  function runSearch(page) {
    var status = document.getElementById('node-search-status');
    if (!page.drawn) return;
    var found = window.meshcronTopology.search(page.chart, page.drawn, document.getElementById('node-search').value);
    var text = page.text;
    status.textContent =
      found.count === 0
        ? text.nothingFound
        : text.found + ' ' + (found.index + 1) + ' ' + text.of + ' ' + found.count + ': ' + found.node[2];
  }

  function wire(page) {
    page.chart.on('click', function (params) {
      if (params.dataType !== 'node' || !page.graph) return;
      var node = page.graph.nodes[params.dataIndex];
      if (node[0] === 'j') window.location.href = '/jobs/' + node[1];
      else showPanel(page, node);
    });
    document.getElementById('node-search-go').addEventListener('click', function () {
      runSearch(page);
    });
    document.getElementById('node-search').addEventListener('keydown', function (event) {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      runSearch(page);
    });
    window.addEventListener('resize', function () {
      page.chart.resize();
    });
  }

  function indexImpact(report) {
    var index = { failedJobs: {}, blockedJobs: {}, interfaces: {} };
    if (report.origin.kind === 'job') index.failedJobs[report.origin.id] = true;
    report.jobs.forEach(function (job) {
      index.blockedJobs[job[0]] = true;
    });
    report.interfaces.forEach(function (row) {
      index.interfaces[row.id] = row;
    });
    return index;
  }

  function renderImpact(page, report) {
    var text = page.text;
    var summary = document.getElementById('impact-summary');
    summary.textContent = '';
    summary.appendChild(element('strong', { id: 'impact-jobs', text: String(report.counts.jobs) }));
    summary.appendChild(document.createTextNode(' ' + text['impact.blockedJobs'] + ' · '));
    summary.appendChild(element('strong', { id: 'impact-interfaces', text: String(report.counts.interfaces) }));
    summary.appendChild(document.createTextNode(' ' + text['impact.blockedInterfaces']));
    var lists = document.getElementById('impact-lists');
    lists.textContent = '';
    if (report.counts.jobs === 0 && report.counts.interfaces === 0) {
      lists.appendChild(element('p', { class: 'mc-topology-muted', text: text['impact.none'] }));
    }
    lists.appendChild(interfaceTable(report, text));
    lists.appendChild(jobTable(report, text));
  }

  function interfaceTable(report, text) {
    var rows = report.interfaces.map(function (row) {
      var why = row.origin ? text['impact.origin'] : row.gated ? text['impact.gated'] : text['impact.viaJobs'];
      var link = element('a', { href: '/topology/interfaces/' + row.id, text: row.name });
      return element('tr', { 'data-interface-id': String(row.id) }, [
        element('td', {}, [link]),
        element('td', { text: row.blockedJobs + ' / ' + row.jobs }),
        element('td', { text: why }),
      ]);
    });
    return table(
      'impact-interface-table',
      [text['impact.interface'], text['impact.blocked'], text['impact.why']],
      rows,
    );
  }

  function jobTable(report, text) {
    var names = {};
    report.interfaces.forEach(function (row) {
      names[row.id] = row.name;
    });
    var rows = report.jobs.slice(0, IMPACT_JOB_ROWS).map(function (job) {
      return element('tr', { 'data-job-id': String(job[0]) }, [
        element('td', { text: names[job[2]] || '#' + job[2] }),
        element('td', {}, [element('a', { href: '/jobs/' + job[0], text: job[1] })]),
      ]);
    });
    if (report.jobs.length > IMPACT_JOB_ROWS) {
      var more = report.jobs.length - IMPACT_JOB_ROWS + ' ' + text['impact.more'];
      rows.push(element('tr', {}, [element('td', { colspan: '2', text: more })]));
    }
    return table('impact-job-table', [text['impact.interface'], text['impact.job']], rows);
  }

  function table(id, headings, rows) {
    var cells = headings.map(function (heading) {
      return element('th', { text: heading });
    });
    var head = element('thead', {}, [element('tr', {}, cells)]);
    return element('table', { class: 'layui-table', id: id }, [head, element('tbody', {}, rows)]);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var page = createPage();
    wire(page);
    return load(page);
  });
})();
