// The dashboard: one self-contained page (inline CSS and script, nothing fetched but the node's own /events stream).
// Everything it shows comes from the network, so the script builds the page with DOM calls and textContent only:
// no markup is ever made from received text.
import { DASHBOARD_JOBS_SCRIPT, DASHBOARD_JOBS_SECTION } from './dashboard-jobs.ts'
import { DASHBOARD_CSS } from './dashboard-style.ts'

/** Keeps the page to its own inline code and its own origin's stream, whatever a name on the network says. */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:"

export const DASHBOARD_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Foundation dashboard</title>
<style>
${DASHBOARD_CSS}</style>
</head>
<body>
<header>
  <h1>Foundation</h1>
  <span class="meta" id="cluster">connecting…</span>
  <span class="meta" id="summary"></span>
  <span id="conn">connecting</span>
</header>
<main>
  <section>
    <h2>Nodes and links</h2>
    <svg id="graph" viewBox="0 0 600 340" role="img" aria-label="cluster graph"></svg>
    <div class="legend">
      <span><span class="dot" style="background: var(--alive)"></span>alive</span>
      <span><span class="dot" style="background: var(--suspect)"></span>suspect</span>
      <span><span class="dot" style="background: var(--dead)"></span>dead</span>
      <span><span class="dot" style="background: var(--left)"></span>left</span>
    </div>
  </section>
  <section>
    <h2>Recent events</h2>
    <ul id="events"></ul>
  </section>
  <section class="wide">
    <h2>Nodes</h2>
    <table>
      <thead><tr><th>name</th><th>status</th><th class="num">actors</th><th class="num">handled/s</th><th class="num">in/s</th><th class="num">out/s</th><th class="num">links</th><th>peer id</th></tr></thead>
      <tbody id="nodes"></tbody>
    </table>
  </section>
  <section class="wide">
    <h2>Caches</h2>
    <table>
      <thead><tr><th>cache</th><th>node</th><th class="num" title="reads made on the node that found an entry, since the cache opened there">hit ratio</th><th class="num">hits</th><th class="num">misses</th><th class="num" title="entries the node keeps, as owner or backup">entries</th><th class="num">bytes</th><th class="num" title="partitions being moved to or from the node now">rebalancing</th></tr></thead>
      <tbody id="caches"></tbody>
    </table>
  </section>
${DASHBOARD_JOBS_SECTION}  <section class="wide">
    <h2>Actors per node</h2>
    <div id="actors"></div>
  </section>
</main>
<script>
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var MAX_EVENTS = 200;
  var COLOURS = { alive: '#2f9e5b', suspect: '#e3a21a', dead: '#d64545', left: '#8b929c' };
  var KIND = { 'member:join': 'good', 'member:alive': 'good', 'partition:healed': 'good', 'member:suspect': 'warn',
    'actor:failover': 'warn', 'actor:moved': '', 'member:leave': 'bad', 'partition:detected': 'bad', 'actor:duplicate': 'warn',
    'actor:quorum-lost': 'bad', 'name:conflict': 'warn', 'supervisor:failed': 'bad' };
  var events = [];
  var seen = {};
  var counters = {};
  var rates = {};

  function byId (id) { return document.getElementById(id); }
  function fill (el, attrs, children) {
    if (attrs) { Object.keys(attrs).forEach(function (k) { if (attrs[k] != null) { el.setAttribute(k, String(attrs[k])); } }); }
    [].concat(children == null ? [] : children).forEach(function (c) {
      if (c == null) { return; }
      el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
    return el;
  }
  function h (tag, attrs, children) { return fill(document.createElement(tag), attrs, children); }
  function s (tag, attrs, children) { return fill(document.createElementNS(SVG, tag), attrs, children); }
  function short (id) { return id.length > 10 ? '…' + id.slice(-8) : id; }
  function two (n) { return n < 10 ? '0' + n : String(n); }
  function clock (t) { var d = new Date(t); return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds()); }
  function rate (n) { return n == null ? '–' : (n >= 100 ? Math.round(n) : Math.round(n * 10) / 10); }
  function sorted (nodes) { return nodes.slice().sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : (a.id < b.id ? -1 : 1); }); }
  function plural (n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function status (st) { return COLOURS[st] ? st : 'dead'; }

  function measure (snapshot) {
    snapshot.nodes.forEach(function (n) {
      // a node that did not answer has no current rate: show none rather than its last one
      if (n.messagesIn == null) { delete rates[n.id]; delete counters[n.id]; return; }
      var before = counters[n.id];
      if (before != null && snapshot.time > before.time) {
        var seconds = (snapshot.time - before.time) / 1000;
        rates[n.id] = { in: Math.max(0, n.messagesIn - before.in) / seconds, out: Math.max(0, n.messagesOut - before.out) / seconds };
      }
      counters[n.id] = { time: snapshot.time, in: n.messagesIn, out: n.messagesOut };
    });
  }

  function drawGraph (snapshot) {
    var svg = byId('graph');
    var nodes = sorted(snapshot.nodes);
    var where = {};
    var radius = nodes.length > 1 ? Math.min(125, 40 + nodes.length * 22) : 0;
    nodes.forEach(function (n, i) {
      var angle = -Math.PI / 2 + (2 * Math.PI * i) / nodes.length;
      where[n.id] = { x: 300 + radius * Math.cos(angle), y: 160 + radius * Math.sin(angle), node: n };
    });
    var children = [];
    snapshot.links.forEach(function (l) {
      var a = where[l.from]; var b = where[l.to];
      if (a == null || b == null) { return; }
      var down = a.node.status !== 'alive' || b.node.status !== 'alive';
      children.push(s('line', { 'class': 'link' + (down ? ' down' : ''), x1: a.x, y1: a.y, x2: b.x, y2: b.y,
        'stroke-width': 1.5 + Math.min(4, l.streams / 3), 'data-from': l.from, 'data-to': l.to },
        s('title', null, l.streams + ' streams' + (l.rtt != null ? ', rtt ' + Math.round(l.rtt) + ' ms' : ''))));
    });
    nodes.forEach(function (n) {
      var p = where[n.id];
      var st = status(n.status);
      children.push(s('g', { 'class': 'node' + (n.self ? ' self' : ''), 'data-node-id': n.id, 'data-status': st, transform: 'translate(' + p.x + ',' + p.y + ')' }, [
        s('title', null, n.name + ' (' + n.id + ')'),
        s('circle', { r: 26, fill: COLOURS[st] }),
        s('text', { 'class': 'count', y: 5 }, n.actorCount != null ? n.actorCount : '–'),
        s('text', { y: 44 }, n.name + (n.self ? ' (this node)' : '')),
        s('text', { 'class': 'sub', y: 59 }, st + (n.messageRate != null ? ' · ' + rate(n.messageRate) + ' msg/s' : ''))
      ]));
    });
    svg.replaceChildren.apply(svg, children);
  }

  function drawNodes (snapshot) {
    var linkCount = {};
    snapshot.links.forEach(function (l) { linkCount[l.from] = (linkCount[l.from] || 0) + 1; linkCount[l.to] = (linkCount[l.to] || 0) + 1; });
    var rows = sorted(snapshot.nodes).map(function (n) {
      var st = status(n.status);
      var r = rates[n.id] || {};
      return h('tr', { 'data-node-id': n.id, 'data-status': st }, [
        h('td', null, n.name + (n.self ? ' (this node)' : '')),
        h('td', { 'class': 'status ' + st }, st),
        h('td', { 'class': 'num' }, n.actorCount != null ? n.actorCount : '–'),
        h('td', { 'class': 'num' }, rate(n.messageRate)),
        h('td', { 'class': 'num' }, rate(r.in)),
        h('td', { 'class': 'num' }, rate(r.out)),
        h('td', { 'class': 'num' }, linkCount[n.id] || 0),
        h('td', { 'class': 'muted', title: n.id }, short(n.id))
      ]);
    });
    var body = byId('nodes');
    body.replaceChildren.apply(body, rows);
  }

  function ratio (hits, misses) { return hits + misses === 0 ? '–' : (Math.round(1000 * hits / (hits + misses)) / 10) + '%'; }
  function bytes (n) {
    var units = ['B', 'KiB', 'MiB', 'GiB']; var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : Math.round(n * 10) / 10) + ' ' + units[i];
  }

  // one row per cache and node, by cache name then node name: a cache's nodes side by side
  function drawCaches (snapshot) {
    var rows = [];
    sorted(snapshot.nodes).forEach(function (n) { (n.caches || []).forEach(function (c) { rows.push({ node: n, cache: c }); }); });
    rows.sort(function (a, b) { return a.cache.name < b.cache.name ? -1 : a.cache.name > b.cache.name ? 1 : 0; });
    var body = byId('caches');
    if (rows.length === 0) { body.replaceChildren(h('tr', null, h('td', { 'class': 'muted', colspan: 8 }, 'no caches opened'))); return; }
    body.replaceChildren.apply(body, rows.map(function (r) {
      var c = r.cache; var n = r.node;
      return h('tr', { 'data-cache': c.name, 'data-node-id': n.id }, [
        h('td', null, c.name),
        h('td', null, n.name + (n.self ? ' (this node)' : '')),
        h('td', { 'class': 'num' }, ratio(c.hits, c.misses)),
        h('td', { 'class': 'num' }, c.hits),
        h('td', { 'class': 'num' }, c.misses),
        h('td', { 'class': 'num' }, c.entries),
        h('td', { 'class': 'num', title: c.bytes + ' bytes' }, bytes(c.bytes)),
        h('td', { 'class': 'num' + (c.rebalancing > 0 ? ' moving' : '') }, c.rebalancing)
      ]);
    }));
  }

${DASHBOARD_JOBS_SCRIPT}
  function drawActors (snapshot) {
    var cards = sorted(snapshot.nodes).filter(function (n) { return n.status === 'alive' || n.status === 'suspect'; }).map(function (n) {
      var content;
      if (!n.answered) {
        content = h('p', { 'class': 'muted' }, 'did not answer this round');
      } else if (n.actors.length === 0) {
        content = h('p', { 'class': 'muted' }, 'no actors');
      } else {
        content = h('table', null, [
          h('thead', null, h('tr', null, [h('th', null, 'actor'), h('th', null, 'type'), h('th', { 'class': 'num' }, 'mailbox')])),
          h('tbody', null, n.actors.map(function (a) {
            return h('tr', { 'data-actor-id': a.id }, [
              h('td', { title: a.id }, [a.name != null ? a.name : '#' + a.id, a.distributed ? h('span', { 'class': 'tag' }, 'distributed') : null,
                a.supervised ? h('span', { 'class': 'tag' }, 'supervised') : null]),
              h('td', null, a.type),
              h('td', { 'class': 'num' }, a.mailbox)
            ]);
          }))
        ]);
      }
      return h('div', { 'class': 'actors', 'data-node-id': n.id }, [
        h('h3', null, n.name + (n.actorCount != null ? ' · ' + plural(n.actorCount, 'actor') : '')),
        content,
        n.actorsOmitted > 0 ? h('p', { 'class': 'muted' }, '+' + n.actorsOmitted + ' more not listed') : null
      ]);
    });
    var box = byId('actors');
    box.replaceChildren.apply(box, cards);
  }

  function drawEvents () {
    var list = byId('events');
    var items = events.slice().reverse().map(function (e) {
      return h('li', { 'class': KIND[e.type] || '', 'data-type': e.type, 'data-node-id': e.node }, [
        h('time', null, clock(e.time)), h('span', { 'class': 'type' }, e.type), ' ', e.detail
      ]);
    });
    if (items.length === 0) { items = [h('li', { 'class': 'muted' }, 'nothing yet')]; }
    list.replaceChildren.apply(list, items);
  }

  function addEvents (list) {
    list.forEach(function (e) {
      if (e == null || typeof e.seq !== 'number' || typeof e.time !== 'number') { return; }
      var key = e.time + ':' + e.seq;
      if (seen[key]) { return; }
      seen[key] = true;
      events.push(e);
    });
    events.sort(function (a, b) { return a.time - b.time || a.seq - b.seq; });
    while (events.length > MAX_EVENTS) { var old = events.shift(); delete seen[old.time + ':' + old.seq]; }
    drawEvents();
  }

  function render (snapshot) {
    measure(snapshot);
    var self = snapshot.nodes.filter(function (n) { return n.self; })[0];
    byId('cluster').textContent = 'cluster ' + snapshot.cluster + (self ? ' · ' + self.name : '');
    var live = snapshot.nodes.filter(function (n) { return n.status === 'alive' || n.status === 'suspect'; }).length;
    var actors = snapshot.nodes.reduce(function (sum, n) { return sum + (n.actorCount || 0); }, 0);
    byId('summary').textContent = live + ' of ' + plural(snapshot.nodes.length, 'node') + ' up · ' + plural(snapshot.links.length, 'link') + ' · ' + plural(actors, 'actor');
    drawGraph(snapshot);
    drawNodes(snapshot);
    drawCaches(snapshot);
    drawJobs(snapshot);
    drawActors(snapshot);
    document.body.setAttribute('data-updated', String(snapshot.time));
  }

  function connection (text, cls) { var c = byId('conn'); c.textContent = text; c.className = cls; }

  drawEvents();
  var source = new EventSource('events');
  source.onopen = function () { connection('live', 'live'); };
  source.onerror = function () { connection('reconnecting…', 'lost'); };
  source.addEventListener('snapshot', function (m) { render(JSON.parse(m.data)); });
  source.addEventListener('history', function (m) { addEvents(JSON.parse(m.data)); });
  source.addEventListener('event', function (m) { addEvents([JSON.parse(m.data)]); });
})();
</script>
</body>
</html>
`
