// Caches: named key-value stores on one node (local), on every member (replicated), or spread over the members
// with backups (partitioned). The same handle and the same calls whatever the mode.
import type { TypedEventTarget } from '@libp2p/interface'

/** Where a cache keeps its entries. */
export type CacheMode = 'local' | 'replicated' | 'partitioned'

export interface CacheOptions {
  /** 'partitioned' (default), 'replicated' or 'local' */
  mode?: CacheMode
  /** partitioned: members that keep a copy of each entry besides its owner (default 1, at most 6) */
  replicas?: number
  /** partitioned: read from a backup when it is nearer than the owner, accepting a write or two of lag (default false) */
  readFromBackups?: boolean
  /** how long an entry lives, in ms, unless a write says otherwise (default: until evicted or deleted) */
  ttl?: number
  /** most entries this node keeps for the cache, evicting the least recently used first (default 100,000) */
  maxEntries?: number
  /** most bytes of encoded values this node keeps for the cache (default: no bound besides maxEntries) */
  maxBytes?: number
  /** largest encoded value in bytes (default and most: the cluster's largest message less 4 KiB) */
  maxEntrySize?: number
  /** only members with every one of these roles keep entries (default: every member but browser tabs) */
  roles?: string[]
  /** how long getOrLoad waits for another caller's loader before running its own, in ms (default 30 s) */
  loadTimeout?: number
  /** distributed modes: how long one operation may take, retries included (default messaging.callTimeout) */
  timeout?: number
}

export interface WriteOptions {
  /** this entry's time to live in ms, instead of the cache's */
  ttl?: number
}

/** What one node's copy of a cache did since it opened; counters only grow. */
export interface CacheStats {
  /** reads that found an entry */
  hits: number
  /** reads that found none */
  misses: number
  /** entries written, by set, mset, incr and loads */
  writes: number
  deletes: number
  /** entries dropped to stay within maxEntries or maxBytes */
  evictions: number
  /** entries dropped because their ttl passed */
  expirations: number
  /** entries moved to or from this node as ownership changed */
  moves: number
  /** entries this node holds now, as owner or backup */
  entries: number
  /** encoded bytes of the values this node holds now */
  bytes: number
  /** partitions being moved to or from this node now */
  rebalancing: number
}

export interface EvictedDetail {
  key: string
  reason: 'evicted' | 'expired'
}

export interface RebalanceDetail {
  /** partitions this node is sending or receiving now */
  partitions: number
}

export interface LostDetail {
  /** partitions no member held a copy of, started again empty */
  partitions: number[]
}

export interface CacheEvents {
  /** an entry left this node's memory because of its bound or its ttl */
  'entry:evicted': CustomEvent<EvictedDetail>
  /** this node started or finished moving partitions as members joined or left */
  'rebalance:start': CustomEvent<RebalanceDetail>
  'rebalance:end': CustomEvent<RebalanceDetail>
  /** every copy of these partitions was lost (more members failed at once than `replicas` covers) */
  'partition:lost': CustomEvent<LostDetail>
}

/**
 * A cache handle, as `cluster.cache(name, options)` returns it. Keys are strings; values are what the wire codec
 * carries: plain data (objects, arrays, strings, numbers, booleans, null), Uint8Array and Date. A distributed cache
 * stores them encoded, so a read returns a copy; a local one stores the value itself. Every call is async.
 *
 * @example
 * ```ts
 * const sessions = cluster.cache<{ user: number }>('sessions', { ttl: 30 * 60_000 })
 * await sessions.set('s-1', { user: 7 })
 * const session = await sessions.get('s-1')
 * const guest = await sessions.getOrLoad('s-guest', async () => ({ user: 0 }))
 * ```
 */
export interface Cache<V = unknown> extends TypedEventTarget<CacheEvents> {
  readonly name: string
  readonly mode: CacheMode
  get(key: string): Promise<V | undefined>
  /**
   * Resolves once stored, and in the distributed modes once the owner's synced backups have it too.
   * EntryTooLargeError when the encoded value is larger than maxEntrySize (a local cache measures values only when it
   * has maxBytes)
   */
  set(key: string, value: V, options?: WriteOptions): Promise<void>
  /** true when there was an entry */
  delete(key: string): Promise<boolean>
  has(key: string): Promise<boolean>
  /**
   * The entry, or the loader's value stored as it. Concurrent misses of one key, on any members, run the loader once:
   * the others wait for its value (up to loadTimeout, then run their own). A loader's throw is thrown to its caller.
   */
  getOrLoad(key: string, loader: (key: string) => V | Promise<V>, options?: WriteOptions): Promise<V>
  mget(keys: readonly string[]): Promise<Array<V | undefined>>
  mset(entries: Iterable<readonly [string, V]>, options?: WriteOptions): Promise<void>
  /**
   * Adds `by` (default 1) to a number entry, a missing one counting as 0; CacheValueError for another type. Never
   * applied twice: when its owner is lost during the call it fails with CacheUnavailableError, applied or not.
   */
  incr(key: string, by?: number, options?: WriteOptions): Promise<number>
  /** removes every entry, cluster-wide for the distributed modes */
  clear(): Promise<void>
  /** entries in the cache: this node's for local, the cluster's for the others (expired ones not yet swept may count) */
  size(): Promise<number>
  /** this node's counters */
  stats(): CacheStats
}

export { CacheOptionError, CacheUnavailableError, CacheValueError, EntryTooLargeError } from './errors.ts'
