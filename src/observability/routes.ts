// The routes every node's HTTP endpoint serves, each answered from the node's live state.
import { installDashboard } from './dashboard/routes.ts'
import { healthOf } from './health/readiness.ts'
import { sendJson, sendText } from './http/responses.ts'
import type { HttpEndpoint } from './http/http-endpoint.ts'
import type { FoundationNode } from '../cluster/foundation-node.ts'

export function installRoutes (http: HttpEndpoint, node: FoundationNode): void {
  http.route('/cluster', (_request, response) => { sendJson(response, 200, node.info()) })
  if (node.dashboard != null) { installDashboard(http, node.dashboard) }
  http.route('/healthz', (_request, response) => {
    const { status, body } = healthOf(node.lifecycle, node.uptime)
    sendJson(response, status, body)
  })
  http.route('/readyz', (_request, response) => {
    const report = node.readiness()
    sendJson(response, report.ready ? 200 : 503, report)
  })
  // without metrics the path is unknown, and answers 404 as any other
  const metrics = node.metrics
  if (metrics != null) { http.route('/metrics', async (_request, response) => { sendText(response, 200, await metrics.text(), metrics.contentType) }) }
}
