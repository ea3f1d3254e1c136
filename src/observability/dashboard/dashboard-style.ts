// The dashboard's styles, inlined into its page (dashboard-page.ts): the page fetches nothing, so it works offline.

export const DASHBOARD_CSS = `  :root { --alive: #2f9e5b; --suspect: #e3a21a; --dead: #d64545; --left: #8b929c; --ink: #1d2330; --muted: #677084;
          --line: #d8dce4; --card: #ffffff; --bg: #f3f5f8; --accent: #3b6fd8; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
  header { display: flex; gap: 16px; align-items: baseline; padding: 12px 20px; background: var(--ink); color: #fff; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; font-weight: 600; }
  header .meta { color: #c5cbd8; }
  #conn { margin-left: auto; font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #59606e; }
  #conn.live { background: var(--alive); }
  #conn.lost { background: var(--dead); }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; padding: 16px 20px; }
  section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
  section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 8px; }
  .wide { grid-column: 1 / -1; }
  svg { width: 100%; height: 340px; display: block; }
  svg .link { stroke: #9aa3b5; }
  svg .link.down { stroke-dasharray: 5 4; stroke: var(--dead); }
  svg .node circle { stroke: #fff; stroke-width: 3; }
  svg .node.self circle { stroke: var(--ink); }
  svg .node text { text-anchor: middle; fill: var(--ink); font-size: 13px; }
  svg .node text.sub { fill: var(--muted); font-size: 11px; }
  svg .node text.count { fill: #fff; font-weight: 600; }
  .legend { display: flex; gap: 12px; font-size: 12px; color: var(--muted); }
  .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 260px; }
  th { color: var(--muted); font-weight: 500; font-size: 12px; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .status { font-weight: 600; }
  .status.alive { color: var(--alive); } .status.suspect { color: var(--suspect); } .status.dead { color: var(--dead); } .status.left { color: var(--left); }
  #events { list-style: none; margin: 0; padding: 0; max-height: 340px; overflow-y: auto; font-size: 13px; }
  #events li { padding: 4px 0; border-bottom: 1px solid var(--line); }
  #events time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 6px; }
  #events .type { display: inline-block; min-width: 120px; font-weight: 600; color: var(--accent); }
  #events .good .type { color: var(--alive); } #events .warn .type { color: var(--suspect); } #events .bad .type { color: var(--dead); }
  #actors { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px; }
  .actors h3 { font-size: 14px; margin: 0 0 6px; }
  .tag { font-size: 11px; background: #e8ecf5; color: var(--muted); border-radius: 4px; padding: 0 4px; margin-left: 4px; }
  .muted { color: var(--muted); }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
  td.moving { color: var(--suspect); font-weight: 600; }
  td.job-state { font-weight: 600; }
  td.job-state.running { color: var(--accent); } td.job-state.done { color: var(--alive); }
  td.job-state.failed { color: var(--dead); } td.job-state.cancelled { color: var(--left); }
  td.progress progress { width: 140px; height: 10px; vertical-align: middle; }
`
