// Registry: cluster-wide names for actors, kept in kad-dht records with no central store, cached and invalidated by gossip.
import { DhtRegistry } from './dht-registry.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { Membership } from '../membership/index.ts'
import type { Host } from '../node/create-host.ts'
import type { AbortOptions, ComponentLogger, Startable, TypedEventTarget } from '@libp2p/interface'

export { NameTakenError, NameNotVisibleError, InvalidNameError, InvalidRefError, InvalidRegistryRecordError, MissingRecordValidatorError, RegistryNotStartedError, RegistryRpcMissingError } from './errors.ts'

export * from './defaults.ts'

export type NameChangeReason = 'registered' | 'unregistered' | 'node-left' | 'conflict'

export interface NameEventDetail {
  name: string
  ref: ActorRef
  /** true when the name is (or was) held by this node */
  local: boolean
  /** why: an explicit register/unregister, the holder's node left the cluster, or a newer write took the name */
  reason: NameChangeReason
  /** on reason 'conflict': the actor the name points at now (absent when the newer write was an unregister) */
  winner?: ActorRef
}

/**
 * Two actors were registered under one name by nodes that could not see each other (a partition, or writes that
 * crossed). The newest write wins everywhere (version time, then counter, then writer id); the other is the loser.
 */
export interface NameConflictDetail {
  name: string
  winner: ActorRef
  loser: ActorRef
  /** true on the node that held the losing write: the one that gave the name up */
  local: boolean
}

export interface RegistryEvents {
  /** a name now points at `ref`: registered here, or announced by another node */
  'name:registered': CustomEvent<NameEventDetail>
  /** a name no longer points at `ref` */
  'name:unregistered': CustomEvent<NameEventDetail>
  /**
   * two writes of one name met: on the node that held the losing write (`local`), and on every other node whose
   * cache held one of them when it learnt of the other (it may hear of one conflict more than once)
   */
  'name:conflict': CustomEvent<NameConflictDetail>
}

export interface RegisterOptions extends AbortOptions {
  /**
   * Resolve only once every active member resolves the name to this ref (each is asked directly, and asked again
   * until it does), within the registry's visibilityTimeout. A member that knows a newer write of the name makes
   * the register fail with NameTakenError; running out of time fails it with NameNotVisibleError. Either way,
   * and when the signal aborts while waiting, the name is unregistered again.
   */
  visible?: boolean
}

/** How registries of one cluster ask each other directly: the '$registry' system endpoint of the direct protocol. */
export interface RegistryRpc {
  /** Calls a member's registry endpoint; rejects as a direct call does (NodeDownError, CallTimeoutError, its error). */
  call(member: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  /** Answers calls to this node's registry endpoint with `answer`; undefined stops answering. */
  serve(answer?: (body: unknown, from: string) => Promise<unknown>): void
}

export interface Registry extends Startable, TypedEventTarget<RegistryEvents> {
  /**
   * Points the name at the ref, cluster-wide. Registering the same ref again is a no-op. Throws
   * NameTakenError when another actor on an active node holds the name.
   */
  register(name: string, ref: ActorRef, options?: RegisterOptions): Promise<void>
  /** Removes a name this node registered (a tombstone in the DHT); a no-op for names held elsewhere. */
  unregister(name: string, options?: AbortOptions): Promise<void>
  /**
   * The ref a name points at, or undefined when it is unknown, unregistered or on a node that is not active.
   * Every name a member held when it joined is found from the moment this node sees the join: until that
   * member has sent its names, or said it holds none, a lookup the cache cannot answer waits for them (at most
   * the lookup timeout).
   */
  lookup(name: string, options?: AbortOptions): Promise<ActorRef | undefined>
  /** names this node registered and still holds */
  localNames(): string[]
  /** how many names this node knows: the ones it holds and the live ones it has cached from other nodes */
  knownNames(): number
  /**
   * True once the names of every active member have been pulled since it joined, or it said it holds none (or
   * it was given up on after a few attempts, leaving its names to gossip and the DHT): from then on lookups need
   * not wait. A member never asked yet, as one that joined before the host ran, is asked now.
   */
  synced(): boolean
  /** malformed records and announcements received from the network and rejected */
  readonly invalidMessages: number
}

export interface MemberNameCountEvents {
  /** a report of the member arrived (the detail is its id), telling how many names it holds or not */
  'member:report': CustomEvent<string>
}

/**
 * How many names each member says it holds, from a report every node gossips anyway (its load). A member that says
 * it holds none is not asked for its names when it joins; one that has not said yet is asked once a lookup waits on
 * it, at once if it joined alone, or once it stayed silent too long.
 */
export interface MemberNameCounts extends TypedEventTarget<MemberNameCountEvents> {
  /** the count the member's last report told; undefined before one did */
  heldNames(member: string): number | undefined
}

export interface RegistryComponents {
  host: Host
  membership: Membership
  logger: ComponentLogger
  /** needed by `register(..., { visible: true })` only */
  rpc?: RegistryRpc
  /** without it, every member that joins is asked for its names */
  nameCounts?: MemberNameCounts
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
  /** how long `register(..., { visible: true })` waits for every member to see the name; default DEFAULT_VISIBILITY_TIMEOUT (10 s) */
  visibilityTimeout?: number
  /** default DEFAULT_MAX_CACHE_ENTRIES (10 000) */
  maxCacheEntries?: number
  /** wall clock in ms, for record versions and cache ages (default Date.now) */
  now?(): number
}

export function createRegistry (components: RegistryComponents, init: RegistryInit): Registry {
  return new DhtRegistry(components, init)
}
