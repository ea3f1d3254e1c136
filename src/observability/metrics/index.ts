// Metrics: a Prometheus registry of each node's own, holding Foundation's metrics and libp2p's.
import type { LocalActors } from '../../actors/local-actors.ts'
import type { ServiceStats } from '../../balancing/index.ts'
import type { CacheStats } from '../../cache/index.ts'
import type { ClusterEvents } from '../../cluster/index.ts'
import type { Member } from '../../membership/index.ts'
import type { NamedChannelStats } from '../../messaging/channels/index.ts'
import type { DirectMessagingStats } from '../../messaging/direct/direct-messaging.ts'
import type { PubSubStats } from '../../messaging/pubsub/pubsub-stats.ts'
import type { CompressionStats } from '../../wire/compression/index.ts'
import type { TypedEventTarget } from '@libp2p/interface'
import type { Registry } from 'prom-client'

/** A node's metrics, for an application that serves them itself or merges them with its own. */
export interface ClusterMetrics {
  /**
   * this node's prom-client registry (never prom-client's global one): merge it with
   * `Registry.merge([register, cluster.metrics.registry])`, or serve `await registry.metrics()`
   */
  readonly registry: Registry
}

/** One cache this node opened, with its counters here. */
export interface NamedCacheStats {
  name: string
  stats: CacheStats
}

/** What the metrics read, at scrape time, from a running node. */
export interface MetricsSources {
  members(): Member[]
  messaging: { readonly stats: DirectMessagingStats }
  /** frame compression, on every protocol that uses it */
  compression: { readonly stats: CompressionStats }
  pubsub: { readonly stats: PubSubStats }
  actors: Pick<LocalActors, 'count' | 'started' | 'restarted' | 'mailboxes'>
  /** the name table: names of live actors it holds, and name messages it rejected */
  names: { knownNames(): number, tombstones(): number, readonly invalidMessages: number }
  membershipInvalidFrames(): number
  /** membership records dropped for a missing or forged proof */
  membershipRefused(): { missing: number, forged: number, ungranted: number }
  /** browsers' admission tickets the gate refused, by reason; undefined without a cluster secret */
  admissionRefused(): Partial<Record<string, number>> | undefined
  /** Lifeguard's local health score of this node's failure detector */
  localHealth(): number
  /** members declared dead and not yet forgotten */
  unreachable(): number
  ready(): boolean
  /** the caches this node opened, each with this node's counters */
  caches(): NamedCacheStats[]
  /** each service this node routed calls to, with this node's counters */
  routes(): ServiceStats[]
  /** each named channel of this node, with its counters here (absent: none) */
  channels?(): NamedChannelStats[]
  /** where failovers, moves and partitions are announced */
  events: TypedEventTarget<ClusterEvents>
}

export { NodeMetrics } from './node-metrics.ts'
export { CallLatency, CALL_BUCKETS } from './call-latency.ts'
