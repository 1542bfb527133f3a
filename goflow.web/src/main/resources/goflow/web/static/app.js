// goflow dashboard: polls /goflow/api/state every second and draws every live primitive with its
// figures and small SVG charts (no library, no CDN). Live changes are POSTed with the token of
// the page's cookie (in the state) when the server enables them.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var token = null;
  var cards = {};          // key -> {root, body, ctl, fields: the controls its forms are for}

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function fmt(v) {
    if (v === null || v === undefined) { return '–'; }
    if (typeof v === 'number') {
      var a = Math.abs(v);
      return a >= 100 || v === Math.round(v) ? String(Math.round(v)) : v.toFixed(a >= 10 ? 1 : 2);
    }
    return String(v);
  }

  function text(e, v) { // a changed text is written into the node holding it, when there is one
    var t = e.firstChild;
    if (t && t.nodeType === 3 && !t.nextSibling) {
      if (t.data !== v) { t.data = v; }
    } else if (e.textContent !== v) {
      e.textContent = v;
    }
  }

  function chart(c) {
    var box = el('div', 'chart');
    var t = el('div', 't');
    t.appendChild(el('span', null, c.title));
    var b = el('b');
    b.setAttribute('data-chart', c.title);
    t.appendChild(b);
    box.appendChild(t);
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 120 40');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.appendChild(document.createElementNS(SVG, 'title'));
    box.appendChild(svg);
    draw(box, c);
    return box;
  }

  // updates a chart's figure and lines in place: a poll creates no node unless a line appears
  function draw(box, c) {
    var pts = c.points;
    var last = null;
    for (var i = pts.length - 1; i >= 0; i--) { if (pts[i] !== null) { last = pts[i]; break; } }
    text(box.firstChild.lastChild, fmt(last));
    var svg = box.lastChild;
    var max = 0;
    pts.forEach(function (p) { if (p !== null && p > max) { max = p; } });
    if (max <= 0) { max = 1; }
    var n = Math.max(pts.length - 1, 1);
    var lines = [];
    var seg = [];
    function flush() {
      if (seg.length > 1) { lines.push(seg.join(' ')); }
      seg = [];
    }
    pts.forEach(function (p, i) {
      if (p === null) { flush(); return; }
      seg.push((i * 120 / n).toFixed(1) + ',' + (38 - p * 36 / max).toFixed(1));
    });
    flush();
    var title = svg.lastChild;
    var old = svg.querySelectorAll('polyline');
    lines.forEach(function (points, k) {
      var pl = old[k];
      if (!pl) { pl = document.createElementNS(SVG, 'polyline'); svg.insertBefore(pl, title); }
      if (pl.getAttribute('points') !== points) { pl.setAttribute('points', points); }
    });
    for (var k = lines.length; k < old.length; k++) { old[k].remove(); }
    text(title, c.title + ', max ' + fmt(max));
  }

  function figures(p) {
    var table = el('table', 'figures');
    p.figures.forEach(function (f) {
      var tr = el('tr');
      tr.appendChild(el('td', null, f[0]));
      var td = el('td', 'v', fmt(f[1]));
      td.setAttribute('data-primitive', p.name);
      td.setAttribute('data-figure', f[0]);
      tr.appendChild(td);
      table.appendChild(tr);
    });
    return table;
  }

  function stages(p) {
    var table = el('table', 'stages');
    var head = el('tr');
    ['stage', 'count', 'errors', 'inFlight', 'avg', 'max'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    p.stages.forEach(function (s) {
      var tr = el('tr');
      [s.name, s.count, s.errors, s.inFlight, s.averageDuration, s.maxDuration].forEach(function (v, i) {
        tr.appendChild(el('td', i ? 'v' : null, fmt(v)));
      });
      table.appendChild(tr);
    });
    return table;
  }

  function controlForm(p, field, msg) {
    var form = el('form');
    var input = el('input');
    input.name = field;
    input.placeholder = field;
    input.setAttribute('aria-label', p.name + ' ' + field);
    var button = el('button', null, 'set ' + field);
    button.type = 'submit';
    form.appendChild(input);
    form.appendChild(button);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var body = new URLSearchParams({ name: p.name, field: field, value: input.value });
      fetch('api/change', {
        method: 'POST', credentials: 'same-origin', body: body,
        headers: { 'X-GoFlow-Token': token || '' }
      }).then(function (r) {
        return r.text().then(function (t) { msg.textContent = t; msg.className = r.ok ? 'msg' : 'msg bad'; });
      }).catch(function (e) { msg.textContent = String(e); msg.className = 'msg bad'; });
    });
    return form;
  }

  function card(p, controls) {
    var key = p.name + '\u0000' + p.owner;
    var c = cards[key];
    if (!c) {
      var root = el('div', 'card');
      root.setAttribute('data-name', p.name);
      var body = el('div');
      root.appendChild(body);
      var none = el('div', 'controls');
      root.appendChild(none);
      c = cards[key] = { root: root, body: body, ctl: none, fields: '' };
    }
    // the forms follow what the server takes now: live changes enabled or disabled by a configuration
    // change, or another kind of primitive under the same name and owner (typed values are kept otherwise)
    var fields = controls && p.controls ? p.controls.join(',') : '';
    if (fields !== c.fields) {
      var ctl = el('div', 'controls');
      if (fields) {
        var msg = el('div', 'msg');
        p.controls.forEach(function (f) { ctl.appendChild(controlForm(p, f, msg)); });
        ctl.appendChild(msg);
      }
      c.root.replaceChild(ctl, c.ctl);
      c.ctl = ctl;
      c.fields = fields;
    }
    var waiting = p.missing && p.missing.length > 0;
    var cls = waiting ? 'card waiting' : 'card';
    if (c.root.className !== cls) { c.root.className = cls; }
    // what the body is made of; the same shape is updated in place (a poll of hundreds of cards then
    // sets a few texts and lines instead of creating every node anew, which took the page's thread for
    // seconds at every poll)
    var shape = JSON.stringify([p.status || null, waiting, p.kind, p.owner,
      p.charts.map(function (ch) { return ch.title; }), p.figures.map(function (f) { return f[0]; }),
      (p.stages || []).map(function (st) { return st.name; })]);
    if (shape === c.shape) {
      update(c, p);
      return c;
    }
    var body2 = el('div');
    var h = el('h3', null, p.name);
    if (p.status) {
      var badge = el('span', waiting ? 'badge waiting' : 'badge', p.status);
      badge.setAttribute('data-status', p.name);
      h.appendChild(badge);
    }
    body2.appendChild(h);
    body2.appendChild(el('div', 'sub', p.kind + ' · ' + p.owner));
    var charts = el('div', 'charts');
    p.charts.forEach(function (ch) { charts.appendChild(chart(ch)); });
    body2.appendChild(charts);
    var stageTable = p.stages ? stages(p) : null;
    if (stageTable) { body2.appendChild(stageTable); }
    var details = el('details');
    details.open = c.open === true;
    details.addEventListener('toggle', function () { c.open = details.open; });
    details.appendChild(el('summary', null, 'figures'));
    var figureTable = figures(p);
    details.appendChild(figureTable);
    body2.appendChild(details);
    c.root.replaceChild(body2, c.body);
    c.body = body2;
    c.shape = shape;
    c.charts = charts;
    c.stages = stageTable;
    c.figures = figureTable;
    return c;
  }

  function update(c, p) {
    p.charts.forEach(function (ch, i) { draw(c.charts.children[i], ch); });
    if (c.stages) {
      p.stages.forEach(function (s, i) {
        var cells = c.stages.rows[i + 1].cells;
        [s.name, s.count, s.errors, s.inFlight, s.averageDuration, s.maxDuration].forEach(function (v, k) {
          text(cells[k], fmt(v));
        });
      });
    }
    p.figures.forEach(function (f, i) { text(c.figures.rows[i].cells[1], fmt(f[1])); });
  }

  function plugins(id, list) {
    var tbody = document.querySelector('#' + id + ' tbody');
    tbody.textContent = '';
    list.forEach(function (s) {
      var tr = el('tr');
      tr.appendChild(el('td', null, s.name));
      tr.appendChild(el('td', null, s.bundle));
      tbody.appendChild(tr);
    });
    if (!list.length) { var tr = el('tr'); tr.appendChild(el('td', 'muted', 'none')); tbody.appendChild(tr); }
  }

  function render(state) {
    token = state.token || null;
    document.getElementById('controls-state').textContent = state.controls ? 'on' : 'off';
    document.getElementById('chart-span').textContent = state.chartSpan;
    var seen = {};
    var counts = {};
    state.primitives.forEach(function (p) {
      var c = card(p, state.controls);
      var key = p.name + '\u0000' + p.owner;
      seen[key] = true;
      var grid = document.querySelector('#' + p.family + ' .grid');
      if (grid && c.root.parentNode !== grid) { grid.appendChild(c.root); }
      counts[p.family] = (counts[p.family] || 0) + 1;
    });
    Object.keys(cards).forEach(function (k) {
      if (!seen[k]) { cards[k].root.remove(); delete cards[k]; }
    });
    ['limiter', 'pool', 'scheduler', 'pipeline', 'streaming'].forEach(function (f) {
      document.getElementById(f).className = counts[f] ? '' : 'empty';
    });
    plugins('stages', state.stages);
    plugins('sources', state.sources);
    var st = document.getElementById('status');
    st.textContent = state.primitives.length + ' primitives · ' + new Date(state.time).toLocaleTimeString();
    st.setAttribute('data-time', state.time);
  }

  function poll() {
    fetch('api/state', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(render)
      .catch(function (e) { document.getElementById('status').textContent = 'disconnected: ' + e.message; })
      .then(function () { setTimeout(poll, 1000); });
  }

  poll();
}());
