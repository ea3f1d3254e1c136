// One node's metrics: its registry, libp2p's metrics in it, the call timer, and Foundation's metrics once the node exists.
import { Registry } from 'prom-client'
import { registerCacheMetrics } from './cache-metrics.ts'
import { CallLatency } from './call-latency.ts'
import { registerChannelMetrics } from './channel-metrics.ts'
import { registerCompressionMetrics } from './compression-metrics.ts'
import { CrossClusterMetrics } from './cross-cluster-metrics.ts'
import { registerFoundationMetrics } from './foundation-metrics.ts'
import { libp2pMetrics } from './libp2p-metrics.ts'
import { registerRouteMetrics } from './route-metrics.ts'
import type { EventCounts } from './foundation-metrics.ts'
import type { ClusterMetrics, MetricsSources } from './index.ts'
import type { Metrics } from '@libp2p/interface'
import type { PrometheusMetricsComponents } from '@libp2p/prometheus-metrics'
import type { Metric } from 'prom-client'

export interface NodeMetricsInit {
  /** include prom-client's process and Node.js metrics */
  process: boolean
}

/** Built before the host, whose libp2p metrics go into the same registry; `attach` adds ours once the node exists. */
export class NodeMetrics implements ClusterMetrics {
  readonly registry = new Registry()
  readonly callLatency = new CallLatency()
  /** calls to other clusters: made here, with the registry, so that a browser bundle never reaches prom-client */
  readonly crossCluster = new CrossClusterMetrics(this.registry)
  private readonly init: NodeMetricsInit
  private readonly events: EventCounts = { failovers: 0, moves: 0, partitions: 0 }
  private attached = false

  constructor (init: NodeMetricsInit) {
    this.init = init
    this.registry.registerMetric(this.callLatency as unknown as Metric)
  }

  /** The `metrics` option of createLibp2p. */
  libp2p (): (components: PrometheusMetricsComponents) => Metrics {
    return libp2pMetrics(this.registry, this.init.process)
  }

  /** Registers Foundation's metrics over the node's parts, and counts the events they cannot read. */
  attach (sources: MetricsSources): void {
    if (this.attached) { return }
    this.attached = true
    sources.events.addEventListener('actor:failover', () => { this.events.failovers++ })
    sources.events.addEventListener('actor:moved', () => { this.events.moves++ })
    sources.events.addEventListener('partition:detected', () => { this.events.partitions++ })
    registerFoundationMetrics(this.registry, sources, this.events)
    registerCacheMetrics(this.registry, () => sources.caches())
    registerRouteMetrics(this.registry, () => sources.routes())
    registerChannelMetrics(this.registry, () => sources.channels?.() ?? [])
    registerCompressionMetrics(this.registry, sources.compression.stats)
  }

  /** The Prometheus text exposition of every metric in the registry. */
  async text (): Promise<string> {
    return this.registry.metrics()
  }

  get contentType (): string {
    return this.registry.contentType
  }
}
