// The federation endpoint's index page: one row per cluster of this process (its members, health and readiness,
// with links to its own dashboard and routes) and the clusters reached through gateways. Rendered at each request,
// reloaded every few seconds; no script.
import type { FederationInfo } from './index.ts'

/** the page loads nothing and runs nothing: its style is inline */
export const FEDERATION_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'"

const RELOAD_SECONDS = 5

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d2430; background: #f6f7f9 }
table { border-collapse: collapse; background: #fff; margin-bottom: 1.5rem }
th, td { padding: .4rem .8rem; border-bottom: 1px solid #e3e6eb; text-align: left }
.healthy, .yes { color: #13795b } .degraded { color: #a15c00 } .stopped, .no { color: #b42318 }
a { color: #1f5fbf }`

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

export interface ClusterReadiness {
  name: string
  ready: boolean
}

export function federationPage (info: FederationInfo, readiness: readonly ClusterReadiness[]): string {
  const rows = readiness.map(({ name, ready }) => {
    const cluster = info.clusters[name]
    const path = `clusters/${encodeURIComponent(name)}`
    return `<tr><td>${escapeHtml(name)}</td><td>${cluster?.nodes ?? 0}</td><td class="${escapeHtml(cluster?.health ?? 'stopped')}">${escapeHtml(cluster?.health ?? 'stopped')}</td>` +
      `<td class="${ready ? 'yes' : 'no'}">${ready ? 'yes' : 'no'}</td><td>${cluster?.processes ?? 0}</td>` +
      `<td><a href="${path}/">dashboard</a> · <a href="${path}/cluster">cluster</a> · <a href="${path}/metrics">metrics</a> · <a href="${path}/readyz">readyz</a></td></tr>`
  }).join('\n')
  const remote = info.remoteClusters.map(r => `<tr><td>${escapeHtml(r.name)}</td><td>${r.gateways}</td><td class="${r.reachable ? 'yes' : 'no'}">${r.reachable ? 'yes' : 'no'}</td><td>${r.via.map(escapeHtml).join(', ')}</td></tr>`).join('\n')
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta http-equiv="refresh" content="${RELOAD_SECONDS}"><title>Foundation: ${readiness.length} clusters</title><style>${STYLE}</style></head>
<body>
<h1>Clusters of this process</h1>
<table>
<tr><th>cluster</th><th>members</th><th>health</th><th>ready</th><th>actors</th><th></th></tr>
${rows}
</table>
${remote === '' ? '' : `<h2>Reached through gateways</h2>\n<table>\n<tr><th>cluster</th><th>gateways</th><th>reachable</th><th>via</th></tr>\n${remote}\n</table>`}
<p><a href="clusters">clusters</a> · <a href="metrics">metrics</a> · <a href="healthz">healthz</a> · <a href="readyz">readyz</a></p>
</body>
</html>
`
}
