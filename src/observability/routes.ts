// The routes every node's HTTP endpoint serves, each answered from the node's live state.
import { installDashboard } from './dashboard/routes.ts'
import { healthOf } from './health/readiness.ts'
import { sendJson, sendText } from './http/responses.ts'
import type { DashboardFeed } from './dashboard/dashboard-feed.ts'
import type { NodeLifecycle, ReadinessReport } from './health/readiness.ts'
import type { HttpEndpoint } from './http/http-endpoint.ts'
import type { ClusterInfo } from '../cluster/index.ts'
import type { JobProgress } from '../compute/index.ts'
import type { UnansweredMember } from './debug/index.ts'

/** GET /jobs: the map-reduce jobs each answering member coordinates, running then the last finished. */
export interface ClusterJobs {
  nodes: Array<{ id: string, name: string, jobs: JobProgress[] }>
  unanswered: UnansweredMember[]
}

/** What the routes read from the node, at each request. */
export interface RoutesSource {
  /** served at /cluster */
  info(): ClusterInfo
  lifecycle(): NodeLifecycle
  /** ms since the node was created */
  uptime(): number
  readiness(): ReadinessReport
  /** served at /jobs: one debugCluster() round, so a member that does not answer delays it up to its timeout */
  jobs?(): Promise<ClusterJobs>
  /** the dashboard's live stream; without it the dashboard is not served */
  dashboard?: DashboardFeed
  /** the node's metrics registry; without it /metrics is not served */
  metrics?: { text(): Promise<string>, readonly contentType: string }
}

export function installRoutes (http: HttpEndpoint, node: RoutesSource): void {
  http.route('/cluster', (_request, response) => { sendJson(response, 200, node.info()) })
  const jobs = node.jobs
  if (jobs != null) { http.route('/jobs', async (_request, response) => { sendJson(response, 200, await jobs()) }) }
  if (node.dashboard != null) { installDashboard(http, node.dashboard) }
  http.route('/healthz', (_request, response) => {
    const { status, body } = healthOf(node.lifecycle(), node.uptime())
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
