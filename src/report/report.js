/* newsgraph report: draws the graph from the JSON in #data (SVG, a small force-directed
   layout with a fixed seed), with drag, zoom, pan, filters, search and a side panel; links
   the document highlights to the graph. No network, no libraries. Every text from the
   data goes into the page through textContent, never as HTML. */
(function () {
  "use strict";

  var statusEl = document.getElementById("report-status");
  function fail(message) {
    if (!statusEl) return;
    statusEl.setAttribute("data-state", "error");
    statusEl.textContent = "Report error: " + message;
  }
  window.onerror = function (message, source, line) {
    fail(message + " (line " + line + ")");
  };

  var SVGNS = "http://www.w3.org/2000/svg";
  var TYPE_ORDER = ["person", "state", "organisation", "claim"];
  var ITERATIONS = 300;
  var SEED = 20220225;

  var data, nodes, edges, drawn;
  var svg, viewport, edgeLayer, nodeLayer, labelLayer, panel;
  var view = { x: 0, y: 0, k: 1 }, fitK = 1;
  var filters = { types: {}, relations: {}, modalities: {}, isolated: true };
  var selected = -1;
  var query = "";

  // ---- small helpers -------------------------------------------------------------

  function cls(s) {
    return String(s).replace(/[^A-Za-z0-9]/gu, "-").toLowerCase();
  }
  function typeClass(t) { return "t-other t-" + cls(t); }
  function relationClass(r) { return "r-other r-" + cls(r); }
  function directed(r) { return (data.undirected || []).indexOf(r) < 0; }

  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function s(tag, attrs, children) {
    var e = document.createElementNS(SVGNS, tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function setAttrs(e, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    });
  }
  function append(e, children) {
    if (children === null || children === undefined) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined) return;
      e.appendChild(typeof c === "string" || typeof c === "number"
        ? document.createTextNode(String(c)) : c);
    });
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // mulberry32: a tiny seeded PRNG, so that the layout is the same on every load.
  function prng(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // ---- data ----------------------------------------------------------------------

  function load() {
    data = JSON.parse(document.getElementById("data").textContent);
    nodes = data.nodes;
    edges = data.edges;
    // Node area grows with mentions, relative to the most mentioned node drawn.
    var most = 1;
    nodes.forEach(function (n) { if (n.drawn) most = Math.max(most, n.mentions); });
    nodes.forEach(function (n, i) {
      n.index = i;
      n.r = 3.5 + 17 * Math.sqrt(Math.min(n.mentions || 1, most) / most);
      n.out = [];
      n.inc = [];
    });
    edges.forEach(function (e, i) {
      e.index = i;
      nodes[e.source].out.push(e);
      nodes[e.target].inc.push(e);
      e.drawn = nodes[e.source].drawn && nodes[e.target].drawn;
    });
    drawn = nodes.filter(function (n) { return n.drawn; });
    // Labels always shown: all of a small graph, else the 30 most mentioned.
    drawn.forEach(function (n, i) { n.labelled = drawn.length <= 60 || i < 30; });
  }

  // ---- layout --------------------------------------------------------------------

  // Velocity-Verlet forces in the manner of d3-force: links, many-body repulsion,
  // collision, and a pull to the centre that keeps unconnected nodes near.
  function layout() {
    var n = drawn.length;
    var rand = prng(SEED);
    var golden = Math.PI * (3 - Math.sqrt(5));
    var x = new Float64Array(n), y = new Float64Array(n);
    var vx = new Float64Array(n), vy = new Float64Array(n);
    var pos = {};
    drawn.forEach(function (d, i) {
      var r = 14 * Math.sqrt(i + 0.5), a = i * golden;
      x[i] = r * Math.cos(a) + rand() - 0.5;
      y[i] = r * Math.sin(a) + rand() - 0.5;
      pos[d.index] = i;
    });
    var seen = {}, links = [], degree = new Float64Array(n);
    edges.forEach(function (e) {
      if (!e.drawn || e.source === e.target) return;
      var a = pos[e.source], b = pos[e.target];
      var key = Math.min(a, b) + ":" + Math.max(a, b);
      if (seen[key]) return;
      seen[key] = true;
      links.push([a, b]);
      degree[a] += 1;
      degree[b] += 1;
    });
    var radius = drawn.map(function (d) { return d.r; });
    var right = drawn.map(function (d) { return d.r + (d.labelled ? 5 + 6.2 * d.label.length : 0); });
    var half = drawn.map(function (d) { return Math.max(d.r, d.labelled ? 7 : 0); });
    var charge = drawn.map(function (d) { return -40 - 8 * d.r; });
    var alpha = 1, decay = 1 - Math.pow(0.001, 1 / ITERATIONS);
    for (var it = 0; it < ITERATIONS; it++) {
      alpha += -alpha * decay;
      links.forEach(function (l) {
        var a = l[0], b = l[1];
        var dx = x[b] + vx[b] - x[a] - vx[a], dy = y[b] + vy[b] - y[a] - vy[a];
        var d = Math.sqrt(dx * dx + dy * dy) || 1e-6;
        var want = 50 + radius[a] + radius[b];
        var strength = 1 / Math.min(degree[a], degree[b]);
        var f = (d - want) / d * alpha * strength;
        var bias = degree[a] / (degree[a] + degree[b]);
        dx *= f; dy *= f;
        vx[b] -= dx * bias; vy[b] -= dy * bias;
        vx[a] += dx * (1 - bias); vy[a] += dy * (1 - bias);
      });
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var dx = x[j] - x[i], dy = y[j] - y[i];
          var d2 = dx * dx + dy * dy;
          if (d2 < 1) {
            dx = (rand() - 0.5) * 1e-2 || 1e-3;
            dy = (rand() - 0.5) * 1e-2;
            d2 = Math.max(d2, 1);
          }
          vx[i] += dx * charge[j] * alpha / d2; vy[i] += dy * charge[j] * alpha / d2;
          vx[j] -= dx * charge[i] * alpha / d2; vy[j] -= dy * charge[i] * alpha / d2;
          // Collision of the boxes that hold each node and its label (to the right).
          var ox = Math.min(x[i] + right[i], x[j] + right[j]) - Math.max(x[i] - radius[i], x[j] - radius[j]) + 4;
          var oy = Math.min(y[i] + half[i], y[j] + half[j]) - Math.max(y[i] - half[i], y[j] - half[j]) + 4;
          if (ox > 0 && oy > 0) {
            var cx = (x[j] + (right[j] - radius[j]) / 2) - (x[i] + (right[i] - radius[i]) / 2);
            var cy = y[j] - y[i];
            if (ox * 0.5 < oy) {
              var px = (cx < 0 ? -1 : 1) * ox * 0.25;
              vx[i] -= px; vx[j] += px;
            } else {
              var py = (cy < 0 ? -1 : 1) * oy * 0.25;
              vy[i] -= py; vy[j] += py;
            }
          }
        }
        vx[i] -= x[i] * 0.04 * alpha;
        vy[i] -= y[i] * 0.04 * alpha;
      }
      for (var k = 0; k < n; k++) {
        vx[k] *= 0.6; vy[k] *= 0.6;
        x[k] += vx[k]; y[k] += vy[k];
      }
    }
    drawn.forEach(function (d, i) { d.x = x[i]; d.y = y[i]; });
  }

  // ---- drawing -------------------------------------------------------------------

  function edgeGeometry() {
    // Several edges between one pair are bent apart, in the pair's own frame.
    var groups = {};
    edges.forEach(function (e) {
      if (!e.drawn) return;
      var key = Math.min(e.source, e.target) + ":" + Math.max(e.source, e.target);
      (groups[key] = groups[key] || []).push(e);
    });
    Object.keys(groups).forEach(function (key) {
      var g = groups[key];
      g.forEach(function (e, j) {
        e.bend = (j - (g.length - 1) / 2) * 22;
        if (e.source > e.target) e.bend = -e.bend;
      });
    });
  }

  function edgePath(e) {
    var a = nodes[e.source], b = nodes[e.target];
    if (a === b) {
      var r = a.r;
      return "M" + (a.x + r * 0.7) + "," + (a.y - r * 0.7) + " C" + (a.x + r * 3) + "," +
        (a.y - r * 3) + " " + (a.x + r * 3) + "," + (a.y + r * 1.5) + " " +
        (a.x + r) + "," + (a.y + r * 0.3);
    }
    var dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
    var cx = (a.x + b.x) / 2 - dy / d * e.bend * 2, cy = (a.y + b.y) / 2 + dx / d * e.bend * 2;
    var sx = cx - a.x, sy = cy - a.y, sd = Math.sqrt(sx * sx + sy * sy) || 1;
    var tx = b.x - cx, ty = b.y - cy, td = Math.sqrt(tx * tx + ty * ty) || 1;
    var x1 = a.x + sx / sd * a.r, y1 = a.y + sy / sd * a.r;
    var x2 = b.x - tx / td * (b.r + 1.5), y2 = b.y - ty / td * (b.r + 1.5);
    var f = function (v) { return Math.round(v * 10) / 10; };
    if (e.bend === 0) return "M" + f(x1) + "," + f(y1) + "L" + f(x2) + "," + f(y2);
    return "M" + f(x1) + "," + f(y1) + "Q" + f(cx) + "," + f(cy) + " " + f(x2) + "," + f(y2);
  }

  function nodeTitle(n) {
    return n.label + " (" + n.type + ", " + plural(n.mentions, "mention", "mentions") + ")";
  }

  function draw() {
    svg = document.getElementById("graph");
    var relations = relationList();
    var defs = s("defs");
    relations.forEach(function (r, i) {
      defs.appendChild(s("marker", {
        id: "arrow-" + i, "class": relationClass(r), viewBox: "0 -5 10 10", refX: 9, refY: 0,
        markerWidth: 7, markerHeight: 7, markerUnits: "userSpaceOnUse", orient: "auto"
      }, s("path", { d: "M0,-4.5L10,0L0,4.5Z" })));
    });
    svg.appendChild(defs);
    viewport = s("g", { "class": "viewport" });
    edgeLayer = s("g", { "class": "edges" });
    nodeLayer = s("g", { "class": "nodes" });
    labelLayer = s("g", { "class": "labels" });
    viewport.appendChild(edgeLayer);
    viewport.appendChild(nodeLayer);
    viewport.appendChild(labelLayer);
    svg.appendChild(viewport);
    edgeGeometry();
    edges.forEach(function (e) {
      if (!e.drawn) return;
      var a = nodes[e.source], b = nodes[e.target];
      e.el = s("path", {
        "class": "edge " + relationClass(e.relation) + " m-" + cls(e.modality),
        d: edgePath(e),
        // An undirected relation (the rules say so: "meets") is drawn without an arrowhead.
        "marker-end": directed(e.relation) ? "url(#arrow-" + relations.indexOf(e.relation) + ")" : null
      }, s("title", null, a.label + (directed(e.relation) ? " \u2192 " : " \u2014 ") +
        e.relation + (directed(e.relation) ? " \u2192 " : " \u2014 ") + b.label +
        (e.modality === "asserted" ? "" : " (" + e.modality + ")")));
      edgeLayer.appendChild(e.el);
    });
    drawn.forEach(function (n) {
      n.el = s("circle", {
        "class": "node " + typeClass(n.type), cx: round(n.x), cy: round(n.y), r: round(n.r),
        "data-index": n.index, "data-id": n.id
      }, s("title", null, nodeTitle(n)));
      nodeLayer.appendChild(n.el);
      n.labelEl = s("text", {
        "class": "label" + (n.labelled ? "" : " minor"),
        x: round(n.x + n.r + 3), y: round(n.y + 4)
      }, n.label);
      labelLayer.appendChild(n.labelEl);
    });
  }

  function round(v) { return Math.round(v * 10) / 10; }

  function moveNode(n) {
    n.el.setAttribute("cx", round(n.x));
    n.el.setAttribute("cy", round(n.y));
    n.labelEl.setAttribute("x", round(n.x + n.r + 3));
    n.labelEl.setAttribute("y", round(n.y + 4));
    n.out.concat(n.inc).forEach(function (e) {
      if (e.el) e.el.setAttribute("d", edgePath(e));
    });
  }

  // ---- view: zoom and pan --------------------------------------------------------

  function size() {
    var r = svg.getBoundingClientRect();
    return { w: r.width || 800, h: r.height || 600, left: r.left, top: r.top };
  }

  function applyView() {
    viewport.setAttribute("transform",
      "translate(" + round(view.x) + "," + round(view.y) + ") scale(" + view.k.toFixed(4) + ")");
    svg.classList.toggle("zoomed", view.k > fitK * 1.6);
  }

  function fit() {
    var sz = size();
    if (!drawn.length) { view = { x: sz.w / 2, y: sz.h / 2, k: 1 }; fitK = 1; applyView(); return; }
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    drawn.forEach(function (n) {
      x0 = Math.min(x0, n.x - n.r); y0 = Math.min(y0, n.y - n.r);
      x1 = Math.max(x1, n.x + n.r + 8 + 6 * Math.min(n.label.length, 24)); y1 = Math.max(y1, n.y + n.r);
    });
    var pad = 16;
    var k = Math.min((sz.w - 2 * pad) / Math.max(x1 - x0, 1), (sz.h - 2 * pad) / Math.max(y1 - y0, 1), 2.5);
    fitK = k;
    view = { k: k, x: sz.w / 2 - (x0 + x1) / 2 * k, y: sz.h / 2 - (y0 + y1) / 2 * k };
    applyView();
  }

  function zoomAt(px, py, factor) {
    var k = Math.max(fitK / 8, Math.min(fitK * 20, view.k * factor));
    view.x = px - (px - view.x) * k / view.k;
    view.y = py - (py - view.y) * k / view.k;
    view.k = k;
    applyView();
  }

  function interact() {
    var pointers = {};
    var drag = null, pan = null, pinch = null;
    function local(ev) {
      var sz = size();
      return { x: ev.clientX - sz.left, y: ev.clientY - sz.top };
    }
    function pinchState() {
      var p = Object.keys(pointers).map(function (k) { return pointers[k]; });
      var dx = p[1].x - p[0].x, dy = p[1].y - p[0].y;
      return { d: Math.sqrt(dx * dx + dy * dy) || 1, x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2 };
    }
    svg.addEventListener("pointerdown", function (ev) {
      if (ev.button !== undefined && ev.button > 0) return;
      svg.setPointerCapture(ev.pointerId);
      pointers[ev.pointerId] = local(ev);
      if (Object.keys(pointers).length === 2) {
        drag = null; pan = null;
        pinch = pinchState();
        return;
      }
      var p = local(ev);
      var t = ev.target;
      if (t.classList && t.classList.contains("node")) {
        drag = { n: nodes[+t.getAttribute("data-index")], sx: p.x, sy: p.y, moved: false };
      } else {
        pan = { sx: p.x, sy: p.y, x: view.x, y: view.y, moved: false };
        svg.classList.add("panning");
      }
      ev.preventDefault();
    });
    svg.addEventListener("pointermove", function (ev) {
      if (!(ev.pointerId in pointers)) return;
      var p = local(ev);
      pointers[ev.pointerId] = p;
      if (pinch && Object.keys(pointers).length === 2) {
        var now = pinchState();
        view.x += now.x - pinch.x;
        view.y += now.y - pinch.y;
        zoomAt(now.x, now.y, now.d / pinch.d);
        pinch = now;
      } else if (drag) {
        if (Math.abs(p.x - drag.sx) + Math.abs(p.y - drag.sy) > 3) drag.moved = true;
        if (drag.moved) {
          drag.n.x = (p.x - view.x) / view.k;
          drag.n.y = (p.y - view.y) / view.k;
          moveNode(drag.n);
        }
      } else if (pan) {
        if (Math.abs(p.x - pan.sx) + Math.abs(p.y - pan.sy) > 3) pan.moved = true;
        view.x = pan.x + p.x - pan.sx;
        view.y = pan.y + p.y - pan.sy;
        applyView();
      }
    });
    function end(ev) {
      if (!(ev.pointerId in pointers)) return;
      delete pointers[ev.pointerId];
      if (drag && !drag.moved && ev.type === "pointerup") select(drag.n.index, false);
      if (pan && !pan.moved && ev.type === "pointerup") select(-1, false);
      drag = null; pan = null;
      if (Object.keys(pointers).length < 2) pinch = null;
      svg.classList.remove("panning");
    }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = local(ev);
      var delta = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
      zoomAt(p.x, p.y, Math.exp(-delta * 0.0015));
    }, { passive: false });
    window.addEventListener("resize", fit);
  }

  // ---- filters and search --------------------------------------------------------

  function typeList() {
    var seen = {};
    drawn.forEach(function (n) { seen[n.type] = (seen[n.type] || 0) + 1; });
    var list = Object.keys(seen).sort(function (a, b) {
      var ia = TYPE_ORDER.indexOf(a), ib = TYPE_ORDER.indexOf(b);
      ia = ia < 0 ? 99 : ia; ib = ib < 0 ? 99 : ib;
      return ia - ib || (a < b ? -1 : a > b ? 1 : 0);
    });
    return list.map(function (t) { return [t, seen[t]]; });
  }

  function relationList() {
    var seen = {};
    edges.forEach(function (e) { seen[e.relation] = true; });
    return Object.keys(seen).sort();
  }

  function counted(key, pick) {
    var seen = {};
    edges.forEach(function (e) { if (e.drawn) seen[pick(e)] = (seen[pick(e)] || 0) + 1; });
    return Object.keys(seen).sort().map(function (k) { return [k, seen[k]]; });
  }

  function checkbox(group, value, count, marker, markerClass) {
    var box = h("input", { type: "checkbox", checked: "checked", "data-group": group });
    filters[group][value] = true;
    box.addEventListener("change", function () {
      filters[group][value] = box.checked;
      applyFilters();
    });
    return h("label", null, [box, h("span", { "class": marker + " " + markerClass }), value + " ",
      h("span", { "class": "count" }, "(" + count + ")")]);
  }

  function controls() {
    var c = document.getElementById("controls");
    var types = h("fieldset", null, h("legend", null, "Nodes"));
    typeList().forEach(function (t) { types.appendChild(checkbox("types", t[0], t[1], "swatch", typeClass(t[0]))); });
    var iso = h("input", { type: "checkbox", checked: "checked" });
    iso.addEventListener("change", function () { filters.isolated = iso.checked; applyFilters(); });
    types.appendChild(h("label", { title: "Nodes with no edge shown" }, [iso, " unconnected"]));
    c.appendChild(types);
    var rels = h("fieldset", null, h("legend", null, "Edges"));
    counted("relation", function (e) { return e.relation; }).forEach(function (r) {
      rels.appendChild(checkbox("relations", r[0], r[1], "line", relationClass(r[0])));
    });
    counted("modality", function (e) { return e.modality; }).forEach(function (m) {
      rels.appendChild(checkbox("modalities", m[0], m[1], "line", "m-" + cls(m[0])));
    });
    c.appendChild(rels);
    var search = h("input", { type: "search", placeholder: "Find a node or alias\u2026", "aria-label": "Find a node" });
    var found = h("span", { "class": "count" });
    search.addEventListener("input", function () {
      query = search.value.trim().toLowerCase();
      applySearch(found);
    });
    search.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter") return;
      var first = drawn.filter(function (n) { return n.el.classList.contains("match"); })[0];
      if (first) select(first.index, false);
    });
    var fitButton = h("button", { type: "button" }, "Fit");
    fitButton.addEventListener("click", fit);
    c.appendChild(h("span", null, [search, " ", found, " ", fitButton]));
  }

  function applyFilters() {
    var visible = {};
    drawn.forEach(function (n) { visible[n.index] = !!filters.types[n.type]; });
    var connected = {};
    edges.forEach(function (e) {
      if (!e.el) return;
      var on = visible[e.source] && visible[e.target] &&
        filters.relations[e.relation] !== false && filters.modalities[e.modality] !== false;
      e.el.classList.toggle("hidden", !on);
      if (on) { connected[e.source] = true; connected[e.target] = true; }
    });
    drawn.forEach(function (n) {
      var on = visible[n.index] && (filters.isolated || connected[n.index]);
      n.el.classList.toggle("hidden", !on);
      n.labelEl.classList.toggle("hidden", !on);
    });
  }

  function matches(n) {
    if (!query) return false;
    if (n.label.toLowerCase().indexOf(query) >= 0) return true;
    return n.aliases.some(function (a) { return a.toLowerCase().indexOf(query) >= 0; });
  }

  function applySearch(found) {
    var count = 0;
    drawn.forEach(function (n) {
      var m = matches(n);
      if (m) count++;
      n.el.classList.toggle("match", m);
      n.labelEl.classList.toggle("match", m);
    });
    svg.classList.toggle("searching", !!query);
    found.textContent = query ? plural(count, "match", "matches") : "";
  }

  // ---- selection and the side panel ------------------------------------------------

  var byId = {};

  function docLink(doc) {
    var anchor = data.documents[doc];
    return anchor ? h("a", { href: "#" + anchor }, doc) : h("span", null, doc);
  }

  function nodeLink(n) {
    return h("a", { href: "#graph-section", "class": "node-ref " + typeClass(n.type), "data-node": n.id }, n.label);
  }

  function sentence(ev) {
    var parts = ev.sentence;
    return h("blockquote", null, [parts[0], parts[1] ? h("mark", { "class": "hit" }, parts[1]) : null, parts[2]]);
  }

  function edgeItem(e, other, outgoing) {
    // An undirected relation ("meets") has no direction to show: a dash, not an arrow.
    var way = directed(e.relation) ? (outgoing ? "\u2192 " : "\u2190 ") : "\u2014 ";
    var head = [h("span", { "class": "rel" }, e.relation), " ", way, nodeLink(other)];
    if (e.modality !== "asserted") head.push(" ", h("span", { "class": "modality m-" + cls(e.modality) }, e.modality));
    var li = h("li", { "class": "ev " + relationClass(e.relation) }, head);
    e.evidence.forEach(function (ev) {
      li.appendChild(sentence(ev));
      var facts = [docLink(ev.doc), " ", h("span", { "class": "rule" }, ev.rule)];
      if (ev.date) facts.push(" ", h("span", { "class": "date" }, ev.date));
      li.appendChild(h("div", null, facts));
    });
    if (e.evidence_total > e.evidence.length) {
      li.appendChild(h("div", { "class": "note" }, (e.evidence_total - e.evidence.length) + " more sentences not shown"));
    }
    return li;
  }

  function showPanel(n) {
    panel.textContent = "";
    if (!n) {
      panel.appendChild(h("p", { "class": "hint" }, "Click a node to see its aliases, documents and edges. " +
        "Drag nodes; wheel or pinch to zoom; drag the background to pan."));
      return;
    }
    panel.appendChild(h("h3", null, n.label));
    panel.appendChild(h("span", { "class": "kind " + typeClass(n.type) }, n.type));
    var dl = h("dl");
    function fact(k, v) { dl.appendChild(h("dt", null, k)); dl.appendChild(h("dd", null, v)); }
    fact("id", n.id);
    fact("mentions", String(n.mentions));
    fact("documents", String(n.docs_total));
    if (n.country) fact("country", n.country);
    if (n.value !== undefined) fact("value", String(n.value) + (n.unit ? " " + n.unit : ""));
    if (n.qualifier) fact("qualifier", n.qualifier);
    if (n.about) fact("counts", n.about);
    if (!n.drawn) fact("drawn", "no: not among the " + data.max_nodes + " most mentioned");
    panel.appendChild(dl);
    if (n.aliases.length) {
      panel.appendChild(h("h4", null, "Aliases"));
      panel.appendChild(h("p", null, n.aliases.join(" \u00b7 ") +
        (n.aliases_total > n.aliases.length ? " \u2026 (" + n.aliases_total + " in all)" : "")));
    }
    panel.appendChild(h("h4", null, "Documents"));
    var docs = h("ul");
    n.docs.forEach(function (d) { docs.appendChild(h("li", null, docLink(d))); });
    if (n.docs_total > n.docs.length) docs.appendChild(h("li", { "class": "note" }, (n.docs_total - n.docs.length) + " more"));
    panel.appendChild(docs);
    var marks = document.querySelectorAll("mark.m[data-node]");
    var mine = Array.prototype.filter.call(marks, function (m) { return m.getAttribute("data-node") === n.id; });
    if (mine.length) {
      var jump = h("a", { href: "#" }, "go to the first of " + plural(mine.length, "highlighted mention", "highlighted mentions"));
      jump.addEventListener("click", function (ev) {
        ev.preventDefault();
        mine[0].scrollIntoView({ block: "center" });
      });
      panel.appendChild(h("p", null, jump));
    }
    var all = n.out.map(function (e) { return [e, nodes[e.target], true]; })
      .concat(n.inc.map(function (e) { return [e, nodes[e.source], false]; }));
    panel.appendChild(h("h4", null, "Edges (" + all.length + ")"));
    var list = h("ul");
    all.forEach(function (x) { list.appendChild(edgeItem(x[0], x[1], x[2])); });
    panel.appendChild(list);
  }

  function select(i, scroll) {
    selected = i;
    var n = i >= 0 ? nodes[i] : null;
    var near = {};
    if (n) {
      near[i] = true;
      n.out.forEach(function (e) { near[e.target] = true; });
      n.inc.forEach(function (e) { near[e.source] = true; });
    }
    svg.classList.toggle("selecting", !!n);
    drawn.forEach(function (d) {
      d.el.classList.toggle("near", !!near[d.index]);
      d.el.classList.toggle("selected", d.index === i);
      d.labelEl.classList.toggle("near", !!near[d.index]);
    });
    edges.forEach(function (e) {
      if (e.el) e.el.classList.toggle("near", !!n && (e.source === i || e.target === i));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-node].sel"), function (m) { m.classList.remove("sel"); });
    if (n) {
      Array.prototype.forEach.call(document.querySelectorAll("mark.m[data-node]"), function (m) {
        if (m.getAttribute("data-node") === n.id) m.classList.add("sel");
      });
    }
    showPanel(n);
    if (scroll) document.getElementById("graph-section").scrollIntoView({ block: "start" });
  }

  function linkClicks() {
    document.addEventListener("click", function (ev) {
      var t = ev.target.closest ? ev.target.closest("[data-node]") : null;
      if (!t || t.tagName === "circle") return;
      var i = byId[t.getAttribute("data-node")];
      if (i === undefined) return;
      ev.preventDefault();
      select(i, !panel.contains(t));
    });
  }

  // ---- start ---------------------------------------------------------------------

  function main() {
    load();
    nodes.forEach(function (n) { byId[n.id] = n.index; });
    panel = document.getElementById("panel");
    layout();
    draw();
    controls();
    fit();
    interact();
    linkClicks();
    // A link to the page can name a node to select: report.html#node=person:vladimir-putin
    var m = /^#node=(.+)$/.exec(location.hash);
    if (m && byId[decodeURIComponent(m[1])] !== undefined) select(byId[decodeURIComponent(m[1])], false);
    statusEl.setAttribute("data-state", "ready");
    statusEl.setAttribute("data-nodes", String(drawn.length));
    statusEl.setAttribute("data-edges", String(edges.filter(function (e) { return e.drawn; }).length));
    statusEl.textContent = "Drawn: " + plural(drawn.length, "node", "nodes") + ", " +
      plural(edges.filter(function (e) { return e.drawn; }).length, "edge", "edges") + ".";
  }

  try {
    main();
  } catch (e) {
    fail(e && e.stack ? e.stack : String(e));
  }
})();
