// Registry: cluster-wide names for actors, kept in kad-dht records with no central store, cached and invalidated by gossip.
import { DhtRegistry } from './dht-registry.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { Membership } from '../membership/index.ts'
import type { Host } from '../node/create-host.ts'
import type { AbortOptions, ComponentLogger, Startable, TypedEventTarget } from '@libp2p/interface'

export { NameTakenError, InvalidNameError, InvalidRefError, InvalidRegistryRecordError, MissingRecordValidatorError, RegistryNotStartedError } from './errors.ts'

export * from './defaults.ts'

export type NameChangeReason = 'registered' | 'unregistered' | 'node-left' | 'conflict'

export interface NameEventDetail {
  name: string
  ref: ActorRef
  /** true when the name is (or was) held by this node */
  local: boolean
  /** why: an explicit register/unregister, the holder's node left the cluster, or a newer write took the name */
  reason: NameChangeReason
}

export interface RegistryEvents {
  /** a name now points at `ref`: registered here, or announced by another node */
  'name:registered': CustomEvent<NameEventDetail>
  /** a name no longer points at `ref` */
  'name:unregistered': CustomEvent<NameEventDetail>
}

export interface Registry extends Startable, TypedEventTarget<RegistryEvents> {
  /**
   * Points the name at the ref, cluster-wide. Registering the same ref again is a no-op. Throws
   * NameTakenError when another actor on an active node holds the name.
   */
  register(name: string, ref: ActorRef, options?: AbortOptions): Promise<void>
  /** Removes a name this node registered (a tombstone in the DHT); a no-op for names held elsewhere. */
  unregister(name: string, options?: AbortOptions): Promise<void>
  /**
   * The ref a name points at, or undefined when it is unknown, unregistered or on a node that is not active.
   * Every name a member held when it joined is found from the moment this node sees the join: until that
   * member has sent its names, a lookup the cache cannot answer waits for them (at most the lookup timeout).
   */
  lookup(name: string, options?: AbortOptions): Promise<ActorRef | undefined>
  /** names this node registered and still holds */
  localNames(): string[]
  /** malformed records and announcements received from the network and rejected */
  readonly invalidMessages: number
}

export interface RegistryComponents {
  host: Host
  membership: Membership
  logger: ComponentLogger
}

export interface RegistryInit {
  /** the cluster name: namespaces the DHT records and the gossip topic */
  cluster: string
  /** default DEFAULT_LOOKUP_TIMEOUT (2 s); also bounds the wait for a joining member's names, and one pull of them */
  lookupTimeout?: number
  /** default DEFAULT_WRITE_TIMEOUT (5 s) */
  writeTimeout?: number
  /** default DEFAULT_STOP_TIMEOUT (2 s) */
  stopTimeout?: number
  /** default DEFAULT_CACHE_TTL (1 min) */
  cacheTtl?: number
  /** default DEFAULT_NEGATIVE_CACHE_TTL (1 s); 0 turns negative caching off */
  negativeCacheTtl?: number
  /** default DEFAULT_REPUBLISH_INTERVAL (1 h) */
  republishInterval?: number
  /** default DEFAULT_MAX_CACHE_ENTRIES (10 000) */
  maxCacheEntries?: number
  /** wall clock in ms, for record versions and cache ages (default Date.now) */
  now?(): number
}

export function createRegistry (components: RegistryComponents, init: RegistryInit): Registry {
  return new DhtRegistry(components, init)
}
