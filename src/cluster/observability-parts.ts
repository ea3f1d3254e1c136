// The node's observability, built over its parts: what the event log, the debug answers, the readiness checks, the
// metrics and the HTTP routes read of the node, each from the part it belongs to.
import { createNodeObservability } from '../observability/node-observability.ts'
import type { NodeCore } from './node-core.ts'
import type { FoundationConfig } from '../config/index.ts'
import type { NodeMetrics } from '../observability/metrics/node-metrics.ts'
import type { NodeObservability } from '../observability/node-observability.ts'
import type { NodePlatform } from '../platform/node-platform.ts'
import type { ComponentLogger } from '@libp2p/interface'

export interface ObservedExtras {
  config: Pick<FoundationConfig, 'clusterName' | 'http' | 'callTimeout'>
  /** serves the HTTP routes where the platform can */
  platform: Pick<NodePlatform, 'serveHttp'>
  /** whether a supervisor runs this actor (the node's supervisors are its own) */
  supervised(actorId: string): boolean
  metrics: NodeMetrics | undefined
  logger: ComponentLogger
}

/** Made once the node's other parts exist: the values below are read now, the functions at each use. */
export function observeNode (node: NodeCore, { config, platform, supervised, metrics, logger }: ObservedExtras): NodeObservability {
  const { host } = node
  return createNodeObservability({
    id: node.id,
    name: node.name,
    cluster: config.clusterName,
    events: node,
    lifecycle: () => node.lifecycle,
    uptime: () => node.uptime,
    info: () => node.info(),
    membership: node.membership,
    actors: node.actors,
    messaging: node.messaging,
    pubsub: node.gossip,
    compression: node.compression,
    names: node.names,
    discovery: node.discovery,
    draining: () => node.distribution.isDraining,
    cacheUnsynced: () => node.caches.unsynced(),
    caches: () => node.caches.stats(),
    jobs: () => node.compute.jobs(),
    routes: () => node.balancer.allStats(),
    channels: () => node.channels.stats(),
    supervised,
    messageRate: () => Math.round(node.messageRate.perSecond()),
    admission: () => host.services.admission?.stats,
    connections: () => host.getConnections(),
    unreachable: () => node.partitions.unreachable().length,
    mdnsRounds: () => {
      const stats = host.services.mdns?.stats
      return stats != null ? stats.queriesSent + stats.queriesSkipped : undefined
    },
    endpoints: node.endpoints,
    tracing: node.tracing,
    metrics,
    logger
  }, { http: config.http, callTimeout: config.callTimeout, serveHttp: platform.serveHttp })
}
