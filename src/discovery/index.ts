// How a node finds the other members of its cluster: one interface, many strategies (mdns, static, dns,
// kubernetes, consul, etcd, aws, gcp), run side by side and merged. Discovery only proposes peers to dial: a member
// that discovery stops listing stays a member until the failure detector says it is gone.
import type { DiscoveryError } from './errors.ts'
import type { ComponentLogger, Startable, TypedEventTarget } from '@libp2p/interface'

export const STRATEGY_NAMES = ['mdns', 'static', 'dns', 'kubernetes', 'consul', 'etcd', 'aws', 'gcp'] as const
/**
 * The name of a discovery strategy.
 *
 * @useDeclaredType
 */
export type StrategyName = typeof STRATEGY_NAMES[number]

/** A peer a strategy found. */
export interface Candidate {
  /**
   * multiaddrs to dial it at, such as `/ip4/10.0.0.7/tcp/4001`. They may end in `/p2p/<peer id>`; without it the
   * connector learns the peer id from the handshake
   */
  addresses: string[]
  /** its peer id, when the source knows it (mdns, etcd, dnsaddr) */
  peerId?: string
}

export interface DiscoveryEvents {
  /**
   * Every peer one round found, deduplicated, this node left out. Polling strategies send the full list every
   * round, so a dropped member is redialled; a strategy that learns peers one at a time sends each as it comes.
   */
  candidates: CustomEvent<Candidate[]>
  /** a round failed; the strategy retries with backoff and never throws into the node */
  error: CustomEvent<DiscoveryError>
}

/**
 * One discovery strategy. start and stop are idempotent; no event is sent before start or after stop.
 */
export interface DiscoveryStrategy extends TypedEventTarget<DiscoveryEvents>, Startable {
  readonly name: StrategyName
  /** what it has done so far */
  readonly status: Omit<StrategyStatus, 'name'>
  isStarted(): boolean
}

/** What this node is, for strategies that register it (etcd) or must leave it out of what they find. */
export interface SelfDescription {
  peerId: string
  name: string
  /** the multiaddrs others can dial this node at, each ending in `/p2p/<peer id>` */
  addresses(): string[]
}

export interface DiscoveryComponents {
  logger: ComponentLogger
  self: SelfDescription
}

export type DiscoveryFactory = (components: DiscoveryComponents) => DiscoveryStrategy

/** What a strategy has done so far, for `cluster.info()` and operators. */
export interface StrategyStatus {
  name: StrategyName
  /** peers its last successful round found */
  candidates: number
  /** rounds that failed in a row (0 after a success) */
  failures: number
  lastError?: { name: string, message: string }
  /** ms since the epoch of its last successful round */
  lastSuccess?: number
}

export { DiscoveryError } from './errors.ts'
