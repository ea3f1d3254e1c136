// The routes every node's HTTP endpoint serves, each answered from the node's live state.
import { installDashboard } from './dashboard/routes.ts'
import { sendJson } from './http/responses.ts'
import type { HttpEndpoint } from './http/http-endpoint.ts'
import type { FoundationNode } from '../cluster/foundation-node.ts'

export function installRoutes (http: HttpEndpoint, node: FoundationNode): void {
  http.route('/cluster', (_request, response) => { sendJson(response, 200, node.info()) })
  if (node.dashboard != null) { installDashboard(http, node.dashboard) }
}
