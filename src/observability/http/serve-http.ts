// The node's HTTP endpoint with its routes and the dashboard's feed: Node.js only (node:http), so the platform hands
// it to the node's observability rather than the observability importing it.
import { SECOND } from '../../config/units.ts'
import { DashboardFeed } from '../dashboard/dashboard-feed.ts'
import { dashboardSnapshot } from '../dashboard/dashboard-snapshot.ts'
import { installRoutes } from '../routes.ts'
import { HttpEndpoint } from './http-endpoint.ts'
import type { HttpEndpointInit } from './http-endpoint.ts'
import type { DebugService } from '../debug/debug-service.ts'
import type { EventLog } from '../events/event-log.ts'
import type { Readiness } from '../health/readiness.ts'
import type { NodeObservabilityComponents } from '../node-observability.ts'

/** What the routes read besides the node: the parts the observability made first. */
export interface ServedParts {
  debug: DebugService
  eventLog: EventLog
  readiness: Readiness
}

export type ServeHttp = (components: NodeObservabilityComponents, parts: ServedParts, init: HttpEndpointInit) => { http: HttpEndpoint, dashboard: DashboardFeed }

/** Builds the endpoint and installs health, metrics, cluster state and the dashboard on it; it listens once started. */
export const serveHttp: ServeHttp = (components, { debug, eventLog, readiness }, init) => {
  const { id, membership, logger } = components
  const http = new HttpEndpoint({ log: logger.forComponent('foundation:http') }, init)
  const dashboard = new DashboardFeed({
    gather: async (signal) => {
      const snapshot = await debug.cluster({ timeout: 2 * SECOND, maxActors: 20, maxEvents: 0, signal })
      return dashboardSnapshot(components.cluster, id, membership.members(), snapshot, Date.now())
    },
    events: eventLog,
    log: logger.forComponent('foundation:dashboard')
  })
  installRoutes(http, {
    info: () => components.info(),
    jobs: async () => {
      const { nodes, unanswered } = await debug.cluster({ timeout: 2 * SECOND, maxActors: 0, maxEvents: 0 })
      return { nodes: nodes.map(({ id, name, jobs }) => ({ id, name, jobs })), unanswered }
    },
    dashboard,
    lifecycle: () => components.lifecycle(),
    uptime: () => components.uptime(),
    readiness: () => readiness.report(),
    metrics: components.metrics
  })
  return { http, dashboard }
}
