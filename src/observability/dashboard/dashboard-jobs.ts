// The dashboard's Jobs panel: its table, and the script that fills it, inlined into the page (dashboard-page.ts) and
// run in its scope (its `h`, `byId` and `sorted`). Like the rest of the page, it builds rows from text only.

export const DASHBOARD_JOBS_SECTION = `  <section class="wide">
    <h2>Jobs</h2>
    <table>
      <thead><tr><th>node</th><th>job</th><th>task</th><th>state</th><th title="chunks reduced, of the chunks known: those reduced and in flight, every chunk once the source is read to its end (no +)">progress</th><th class="num" title="chunks sent to a member and not answered yet">in flight</th><th class="num" title="tries of a chunk after a failed one">retried</th><th class="num" title="members running the task for the job now">workers</th></tr></thead>
      <tbody id="jobs"></tbody>
    </table>
  </section>
`

export const DASHBOARD_JOBS_SCRIPT = String.raw`
  var JOB_STATES = { running: true, done: true, failed: true, cancelled: true };

  // one row per job a node coordinates: the running ones first, then the last finished, each node's in its own order
  function drawJobs (snapshot) {
    var rows = [];
    sorted(snapshot.nodes).forEach(function (n) { (n.jobs || []).forEach(function (j) { rows.push({ node: n, job: j }); }); });
    rows = rows.filter(function (r) { return r.job.state === 'running'; }).concat(rows.filter(function (r) { return r.job.state !== 'running'; }));
    var body = byId('jobs');
    if (rows.length === 0) { body.replaceChildren(h('tr', null, h('td', { 'class': 'muted', colspan: 8 }, 'no jobs'))); return; }
    body.replaceChildren.apply(body, rows.map(function (r) {
      var j = r.job; var n = r.node;
      var state = JOB_STATES[j.state] ? j.state : 'failed';
      // a source not read to its end has chunks not known yet: the total is a lower bound
      var known = j.done + j.inFlight;
      return h('tr', { 'data-job': j.job, 'data-node-id': n.id, 'data-state': state }, [
        h('td', null, n.name + (n.self ? ' (this node)' : '')),
        h('td', { title: j.job }, j.job.slice(0, 8)),
        h('td', null, j.task),
        h('td', { 'class': 'job-state ' + state }, state),
        h('td', { 'class': 'progress' }, [h('progress', { max: Math.max(1, known), value: j.done }), ' ' + j.done + ' / ' + known + (j.sourceEnded ? '' : '+')]),
        h('td', { 'class': 'num' }, j.inFlight),
        h('td', { 'class': 'num' + (j.retried > 0 ? ' moving' : '') }, j.retried),
        h('td', { 'class': 'num' }, j.workers)
      ]);
    }));
  }
`
