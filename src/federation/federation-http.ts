// One HTTP endpoint for every cluster of a process: each node's own routes under /clusters/<name>/, and at the top
// what concerns them all: an index page, their info, health and readiness taken together, and their metrics merged.
import { AggregatorRegistry } from 'prom-client'
import { healthOf } from '../observability/health/readiness.ts'
import { HttpEndpoint } from '../observability/http/http-endpoint.ts'
import { sendJson, sendText } from '../observability/http/responses.ts'
import { FEDERATION_PAGE_CSP, federationPage } from './federation-page.ts'
import type { FederationHttp } from './federation-config.ts'
import type { FederationInfo } from './index.ts'
import type { FoundationNode } from '../cluster/foundation-node.ts'
import type { RouteHandler } from '../observability/http/http-endpoint.ts'
import type { Logger } from '@libp2p/interface'
import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client'

/** the label each series of the merged /metrics carries: the cluster of the node that measured it */
export const CLUSTER_LABEL = 'node_cluster'

export interface FederationSource {
  /** each cluster's node, in the order given */
  nodes: ReadonlyMap<string, FoundationNode>
  info(): FederationInfo
}

/** The endpoint, its routes installed and every node's routes mounted; it listens once started. */
export function serveFederation (federation: FederationSource, init: FederationHttp, log: Logger): HttpEndpoint {
  const http = new HttpEndpoint({ log }, init)
  for (const [name, node] of federation.nodes) {
    if (node.http != null) { http.mount(`/clusters/${name}`, node.http) }
  }
  const page: RouteHandler = (_request, response) => {
    response.setHeader('content-security-policy', FEDERATION_PAGE_CSP)
    response.setHeader('x-content-type-options', 'nosniff')
    const readiness = [...federation.nodes].map(([name, node]) => ({ name, ready: node.readiness().ready }))
    sendText(response, 200, federationPage(federation.info(), readiness), 'text/html; charset=utf-8')
  }
  http.route('/', page)
  http.route('/dashboard', page)
  http.route('/clusters', (_request, response) => { sendJson(response, 200, federation.info()) })
  http.route('/healthz', (_request, response) => {
    const each = [...federation.nodes].map(([name, node]) => [name, healthOf(node.lifecycle, node.uptime)] as const)
    const healthy = each.every(([, health]) => health.status === 200)
    sendJson(response, healthy ? 200 : 503, { status: healthy ? 'ok' : 'stopped', clusters: Object.fromEntries(each.map(([name, health]) => [name, health.body])) })
  })
  http.route('/readyz', (_request, response) => {
    const each = [...federation.nodes].map(([name, node]) => [name, node.readiness()] as const)
    const ready = each.every(([, report]) => report.ready)
    sendJson(response, ready ? 200 : 503, { ready, clusters: Object.fromEntries(each) })
  })
  http.route('/metrics', async (_request, response) => {
    const merged = await mergedMetrics(federation.nodes)
    sendText(response, 200, await merged.metrics(), merged.contentType)
  })
  return http
}

/**
 * Every node's metrics in one registry, each series labelled with its node's cluster: the nodes' registries hold
 * metrics of the same names, which one exposition may list only once each.
 */
async function mergedMetrics (nodes: ReadonlyMap<string, FoundationNode>): Promise<Registry> {
  const all = await Promise.all([...nodes].map(async ([name, node]) => {
    const metrics = await node.metrics?.registry.getMetricsAsJSON() ?? []
    return metrics.map(metric => labelled(metric as MetricObjectWithValues<MetricValue<string>>, name))
  }))
  // series that differ in their labels stay apart: with the cluster's label, no two nodes' series are summed
  return AggregatorRegistry.aggregate(all)
}

function labelled (metric: MetricObjectWithValues<MetricValue<string>>, cluster: string): MetricObjectWithValues<MetricValue<string>> {
  return { ...metric, values: metric.values.map(value => ({ ...value, labels: { ...value.labels, [CLUSTER_LABEL]: cluster } })) }
}
