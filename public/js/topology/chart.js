/*
 * Draws a topology graph from the API's compact payload with an ECharts `graph` series. The layout
 * comes from the server (x = layer, y = row), so the browser only places points: no force layout,
 * no animation on big graphs, labels hidden where they would pile up.
 * Node tuple: [type, id, label, layer, row, flags, ref]; edge tuple: [source, target, flags, weight,
 * condition?, output?] (a condition only on job edges that are not plain success).
 */
(function () {
  'use strict';
  var FOCUS = 1;
  var EXTERNAL = 2;
  var DISABLED = 4;
  var COLLAPSED = 8;
  var EDGE_JOB = 1;
  var EDGE_GATE = 2;
  var EDGE_REVERSED = 4;
  var EDGE_CONDITION = 8;
  /** Conditional job edges: `on failure` red dotted, `finished` blue dotted, `output …` purple dotted. */
  var CONDITION_COLORS = { failed: '#d9534f', finished: '#1e9fff', output: '#8e44ad' };
  var MARGIN = { top: 40, bottom: 30, left: 60, right: 140 };
  var MIN_SPACING_X = 110;
  var MIN_SPACING_Y = 30;
  var LABEL_SPACING_Y = 26;
  var LABEL_LIMIT = 3000;
  var ANIMATION_LIMIT = 300;
  var ARROW_LIMIT = 1500;
  var NODE_SCALE_RATIO = 0.3;
  var COLORS = {
    current: '#1e9fff',
    external: '#ffb800',
    interface: '#16b777',
    job: '#5470c6',
    disabled: '#c2c2c2',
    failed: '#a61b1b',
    blocked: '#ff5722',
    unaffected: '#d8d8d8',
  };

  function categoriesFor(mode) {
    if (mode === 'impact') return ['failed', 'blocked', 'unaffected'];
    if (mode === 'jobs') return ['current', 'external', 'disabled'];
    return ['current', 'interface', 'job', 'disabled'];
  }

  function categoryOf(node, mode, impact) {
    var flags = node[5];
    if (mode === 'impact') return impactCategory(node, impact);
    if (flags & DISABLED) return 'disabled';
    if (mode === 'jobs') return flags & EXTERNAL ? 'external' : 'current';
    if (flags & FOCUS) return 'current';
    return node[0] === 'i' ? 'interface' : 'job';
  }

  function impactCategory(node, impact) {
    if (node[0] === 'j') {
      if (impact.failedJobs[node[1]]) return 'failed';
      return impact.blockedJobs[node[1]] ? 'blocked' : 'unaffected';
    }
    var row = impact.interfaces[node[1]];
    if (!row) return 'unaffected';
    return row.origin ? 'failed' : 'blocked';
  }

  /**
   * Node places in pixels of the chart: the layers spread over the width and the rows over the
   * height, so the drawing fills the chart at zoom 1 with the same scale on both axes (a different
   * scale per axis would squash the symbols). Every layer is centred vertically.
   */
  function geometry(chart, graph) {
    var width = Math.max(200, chart.getWidth() - MARGIN.left - MARGIN.right);
    var height = Math.max(100, chart.getHeight() - MARGIN.top - MARGIN.bottom);
    var gapX = graph.layers > 1 ? width / (graph.layers - 1) : width;
    var gapY = graph.rows > 1 ? height / (graph.rows - 1) : height;
    var sizes = [];
    graph.nodes.forEach(function (node) {
      sizes[node[3]] = (sizes[node[3]] || 0) + 1;
    });
    var places = graph.nodes.map(function (node) {
      return [node[3] * gapX, (node[4] - (sizes[node[3]] - 1) / 2) * gapY];
    });
    return { gapX: gapX, gapY: gapY, places: places };
  }

  /** The zoom that starts a crowded graph readable around its focus node (1 when it already is). */
  function initialZoom(shape, graph, focus, mode) {
    // the impact view starts with the whole spread of a failure in sight
    if (focus < 0 || mode === 'impact') return 1;
    return Math.min(60, Math.max(1, MIN_SPACING_X / shape.gapX, MIN_SPACING_Y / shape.gapY));
  }

  /** Centres on `point`, moved inwards so that a zoomed-in view never shows empty space past the drawing. */
  function clampedCenter(shape, point, zoom) {
    var low = [Infinity, Infinity];
    var high = [-Infinity, -Infinity];
    shape.places.forEach(function (place) {
      for (var axis = 0; axis < 2; axis++) {
        low[axis] = Math.min(low[axis], place[axis]);
        high[axis] = Math.max(high[axis], place[axis]);
      }
    });
    return [0, 1].map(function (axis) {
      var half = (high[axis] - low[axis]) / (2 * zoom);
      return Math.min(high[axis] - half, Math.max(low[axis] + half, point[axis]));
    });
  }

  /** Whether labels fit at this zoom: one under each node, the rows far enough apart. */
  function labelsFit(shape, graph, zoom) {
    return graph.nodes.length <= LABEL_LIMIT && shape.gapY * zoom >= LABEL_SPACING_Y && shape.gapX * zoom >= 90;
  }

  /** Symbols shrink on crowded graphs; ECharts grows them again by `nodeScaleRatio` as one zooms in. */
  function symbolScale(shape, zoom) {
    var spacing = Math.min(shape.gapX, shape.gapY) * zoom;
    var grown = (zoom - 1) * NODE_SCALE_RATIO + 1;
    return Math.max(0.15, Math.min(1, (spacing * 0.8) / 26)) / grown;
  }

  function nodeLabel(node, text, impact) {
    if (node[0] !== 'i' || !(node[5] & COLLAPSED)) return node[2];
    var row = impact && impact.interfaces[node[1]];
    if (row && !row.origin) return node[2] + ' (' + row.blockedJobs + '/' + row.jobs + ')';
    return node[2] + ' (' + node[6] + ')';
  }

  function nodeItem(node, index, place, context) {
    var category = categoryOf(node, context.mode, context.impact);
    var isInterface = node[0] === 'i';
    var size = isInterface ? Math.min(34, 14 + 4 * Math.log2(1 + node[6])) : 12;
    var item = {
      id: String(index),
      name: nodeLabel(node, context.text, context.impact),
      x: place[0],
      y: place[1],
      category: context.categories.indexOf(category),
      symbolSize: Math.max(3, size * context.symbolScale),
    };
    if (isInterface) item.symbol = 'roundRect';
    if (node[5] & FOCUS && context.mode !== 'impact') item.itemStyle = { borderColor: '#333', borderWidth: 2 };
    return item;
  }

  /** `on failure`, `finished`, `output rows=/x/`; '' for a plain success edge. */
  function conditionLabel(edge, text) {
    if (!(edge[2] & EDGE_CONDITION)) return '';
    var word = text['edge.' + edge[4]] || edge[4];
    return edge[4] === 'output' ? word + ' ' + edge[5] : word;
  }

  /** Only what differs from the series' line style is set per edge (thousands of edges stay cheap). */
  function edgeItem(edge, context) {
    var item = { source: edge[0], target: edge[1], value: edge[3] };
    var style = {};
    if (edge[2] & EDGE_GATE && !(edge[2] & EDGE_JOB)) style.type = 'dashed';
    if (edge[2] & EDGE_CONDITION) {
      style.type = 'dotted';
      style.width = 2;
      style.opacity = 0.9;
      style.color = CONDITION_COLORS[edge[4]] || '#8e44ad';
      item.label = { show: true, formatter: conditionLabel(edge, context.text), fontSize: 10, color: style.color };
    }
    if (edge[3] > 1) style.width = Math.min(4, 1 + Math.log2(edge[3]));
    if (edge[2] & EDGE_REVERSED) {
      style.curveness = 0.3;
      style.color = '#d9534f';
    }
    if (context.mode === 'impact' && impactCategory(context.graph.nodes[edge[1]], context.impact) !== 'unaffected') {
      style.color = COLORS.blocked;
      style.opacity = 0.9;
    }
    if (Object.keys(style).length > 0) item.lineStyle = style;
    return item;
  }

  function tooltip(context) {
    return function (params) {
      var text = context.text;
      if (params.dataType === 'edge') {
        var edge = context.graph.edges[params.dataIndex];
        var parts = [];
        if (edge[2] & EDGE_JOB) parts.push(edge[3] + ' ' + text.prerequisites);
        if (edge[2] & EDGE_GATE) parts.push(text.gate);
        if (edge[2] & EDGE_REVERSED) parts.push(text.reversed);
        if (edge[2] & EDGE_CONDITION) parts.push(text['edge.runsWhen'] + ' ' + conditionLabel(edge, text));
        return escapeHtml(parts.join(' · '));
      }
      var node = context.graph.nodes[params.dataIndex];
      var detail = node[0] === 'i' ? text.jobs + ': ' + node[6] : '';
      if (node[5] & DISABLED) detail += (detail ? ' · ' : '') + text['legend.disabled'];
      return escapeHtml(params.name) + (detail ? '<br>' + escapeHtml(detail) : '');
    };
  }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (char) {
      return '&#' + char.charCodeAt(0) + ';';
    });
  }

  function labelOption(shape, context, zoom) {
    return {
      show: labelsFit(shape, context.graph, zoom),
      position: 'bottom',
      fontSize: 11,
      width: Math.max(60, Math.min(180, shape.gapX * zoom - 16)),
      overflow: 'truncate',
    };
  }

  function seriesOption(context, shape, zoom, center) {
    var graph = context.graph;
    var series = {
      id: 'topology',
      type: 'graph',
      layout: 'none',
      roam: true,
      preserveAspect: true,
      top: MARGIN.top,
      bottom: MARGIN.bottom,
      left: MARGIN.left,
      right: MARGIN.right,
      zoom: zoom,
      nodeScaleRatio: NODE_SCALE_RATIO,
      // left to right already tells the direction; arrows cost a third of the drawing on big graphs
      edgeSymbol: graph.edges.length > ARROW_LIMIT ? ['none', 'none'] : ['none', 'arrow'],
      edgeSymbolSize: 7,
      lineStyle: { color: '#9aa4b2', width: 1, opacity: 0.6, curveness: 0 },
      emphasis: { focus: 'adjacency', label: { show: true } },
      label: labelOption(shape, context, zoom),
      categories: context.categories.map(function (name) {
        return { name: context.text['legend.' + name], itemStyle: { color: COLORS[name] } };
      }),
      data: graph.nodes.map(function (node, index) {
        return nodeItem(node, index, shape.places[index], context);
      }),
      links: graph.edges.map(function (edge) {
        return edgeItem(edge, context);
      }),
    };
    if (center) series.center = center;
    return series;
  }

  /** The option for a graph; `context` = { graph, mode: jobs|mesh|impact, text, impact? }. */
  function buildOption(context, shape, zoom, center) {
    context.categories = categoriesFor(context.mode);
    context.symbolScale = symbolScale(shape, zoom);
    return {
      animation: context.graph.nodes.length <= ANIMATION_LIMIT,
      tooltip: { confine: true, formatter: tooltip(context) },
      legend: {
        type: 'scroll',
        top: 4,
        data: context.categories.map(function (name) {
          return context.text['legend.' + name];
        }),
      },
      series: [seriesOption(context, shape, zoom, center)],
    };
  }

  /** Draws the graph; returns the drawn state used by search and roaming. */
  function draw(chart, context) {
    var shape = geometry(chart, context.graph);
    var focus = context.focusIndex === undefined ? -1 : context.focusIndex;
    var zoom = initialZoom(shape, context.graph, focus, context.mode);
    var center = zoom > 1 ? clampedCenter(shape, shape.places[focus], zoom) : null;
    var dom = chart.getDom();
    dom.removeAttribute('data-drawn');
    chart.off('finished');
    chart.on('finished', function () {
      chart.off('finished');
      dom.setAttribute('data-drawn', String(context.graph.nodes.length));
    });
    chart.setOption(buildOption(context, shape, zoom, center), { notMerge: true });
    var drawn = {
      context: context,
      shape: shape,
      places: shape.places,
      zoom: zoom,
      matches: [],
      cursor: -1,
      query: '',
    };
    drawn.labels = labelsFit(shape, context.graph, zoom);
    chart.off('graphroam');
    chart.on('graphroam', function (params) {
      if (!params.zoom) return;
      var series = setZoom(drawn, drawn.zoom * params.zoom, false);
      if (series.label) chart.setOption({ series: [series] });
    });
    return drawn;
  }

  /** Keeps the known zoom, and shows or hides labels when they start or stop fitting. */
  function setZoom(drawn, zoom, apply) {
    drawn.zoom = zoom;
    var fit = labelsFit(drawn.shape, drawn.context.graph, zoom);
    var series = { id: 'topology' };
    if (apply) series.zoom = zoom;
    if (fit !== drawn.labels) {
      drawn.labels = fit;
      series.label = labelOption(drawn.shape, drawn.context, zoom);
    }
    return series;
  }

  /** Finds nodes whose label contains `query` (any case); each call moves to the next match. */
  function search(chart, drawn, query) {
    var wanted = query.trim().toLowerCase();
    if (!wanted) return { count: 0, index: -1 };
    if (wanted !== drawn.query) {
      drawn.query = wanted;
      drawn.matches = [];
      drawn.context.graph.nodes.forEach(function (node, index) {
        if (String(node[2]).toLowerCase().indexOf(wanted) >= 0) drawn.matches.push(index);
      });
      drawn.cursor = -1;
    }
    chart.dispatchAction({ type: 'downplay', seriesIndex: 0 });
    if (drawn.matches.length === 0) {
      chart.dispatchAction({ type: 'hideTip' });
      return { count: 0, index: -1 };
    }
    drawn.cursor = (drawn.cursor + 1) % drawn.matches.length;
    var target = drawn.matches[drawn.cursor];
    var shape = drawn.shape;
    var zoom = Math.min(60, Math.max(drawn.zoom, 1.5, MIN_SPACING_Y / shape.gapY, MIN_SPACING_X / shape.gapX));
    var series = setZoom(drawn, zoom, true);
    series.center = drawn.places[target];
    chart.setOption({ series: [series] });
    chart.dispatchAction({ type: 'highlight', seriesIndex: 0, dataIndex: drawn.matches });
    chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: target });
    return { count: drawn.matches.length, index: drawn.cursor, node: drawn.context.graph.nodes[target] };
  }

  window.meshcronTopology = { draw: draw, search: search, flags: { FOCUS: FOCUS, COLLAPSED: COLLAPSED } };
})();
