// Calls this node made to actors of other clusters, by target cluster: how each ended, and how long it took. A call
// across clusters costs a gateway hop or two, so prom-client's own counter and histogram are cheap enough here.
import { Counter, Histogram } from 'prom-client'
import { CALL_BUCKETS } from './call-latency.ts'
import type { CrossClusterOutcome } from '../../federation/gateway-failures.ts'
import type { Registry } from 'prom-client'

export class CrossClusterMetrics {
  private readonly calls: Counter<'cluster' | 'outcome'>
  private readonly latency: Histogram<'cluster'>

  constructor (registry: Registry) {
    this.calls = new Counter({
      name: 'foundation_cross_cluster_calls_total',
      help: 'Calls this node made to actors of another cluster (callCluster), by target cluster and outcome (ok, not-found, unreachable, timeout, error)',
      labelNames: ['cluster', 'outcome'],
      registers: [registry]
    })
    this.latency = new Histogram({
      name: 'foundation_cross_cluster_call_duration_seconds',
      help: 'Calls this node made to actors of another cluster, by target cluster, in seconds until settled (gateway tries included)',
      labelNames: ['cluster'],
      buckets: [...CALL_BUCKETS],
      registers: [registry]
    })
  }

  record (cluster: string, outcome: CrossClusterOutcome, ms: number): void {
    this.calls.inc({ cluster, outcome })
    this.latency.observe({ cluster }, ms / 1000)
  }
}
