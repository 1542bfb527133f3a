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

  function chart(c) {
    var box = el('div', 'chart');
    var pts = c.points;
    var last = null;
    for (var i = pts.length - 1; i >= 0; i--) { if (pts[i] !== null) { last = pts[i]; break; } }
    var t = el('div', 't');
    t.appendChild(el('span', null, c.title));
    var b = el('b', null, fmt(last));
    b.setAttribute('data-chart', c.title);
    t.appendChild(b);
    box.appendChild(t);
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 120 40');
    svg.setAttribute('preserveAspectRatio', 'none');
    var max = 0;
    pts.forEach(function (p) { if (p !== null && p > max) { max = p; } });
    if (max <= 0) { max = 1; }
    var n = Math.max(pts.length - 1, 1);
    var seg = [];
    function flush() {
      if (seg.length > 1) {
        var pl = document.createElementNS(SVG, 'polyline');
        pl.setAttribute('points', seg.join(' '));
        svg.appendChild(pl);
      }
      seg = [];
    }
    pts.forEach(function (p, i) {
      if (p === null) { flush(); return; }
      seg.push((i * 120 / n).toFixed(1) + ',' + (38 - p * 36 / max).toFixed(1));
    });
    flush();
    var title = document.createElementNS(SVG, 'title');
    title.textContent = c.title + ', max ' + fmt(max);
    svg.appendChild(title);
    box.appendChild(svg);
    return box;
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
      fetch('/goflow/api/change', {
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
    c.root.className = waiting ? 'card waiting' : 'card';
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
    if (p.stages) { body2.appendChild(stages(p)); }
    var details = el('details');
    details.open = c.open === true;
    details.addEventListener('toggle', function () { c.open = details.open; });
    details.appendChild(el('summary', null, 'figures'));
    details.appendChild(figures(p));
    body2.appendChild(details);
    c.root.replaceChild(body2, c.body);
    c.body = body2;
    return c;
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
    fetch('/goflow/api/state', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(render)
      .catch(function (e) { document.getElementById('status').textContent = 'disconnected: ' + e.message; })
      .then(function () { setTimeout(poll, 1000); });
  }

  poll();
}());
