// The local mode of a cache: entries in this node's memory only, in a least-recently-used store bounded by
// maxEntries and, when set, maxBytes. Nothing leaves the node; the calls are async only to match the other modes.
import { TypedEventEmitter } from '@libp2p/interface'
import { LRUCache } from 'lru-cache'
import { systemClock } from '../time/clock.ts'
import { Codec } from '../wire/codec.ts'
import { countRead, newCacheCounts } from './cache-counters.ts'
import { CacheOptionError, CacheValueError, EntryTooLargeError } from './errors.ts'
import { Singleflight } from './singleflight.ts'
import type { CacheCounts } from './cache-counters.ts'
import type { ResolvedCacheOptions } from './cache-options.ts'
import type { Cache, CacheEvents, CacheMode, CacheStats, WriteOptions } from './index.ts'
import type { Clock, Timer } from '../time/clock.ts'

/** A write that passed every check: storing it cannot fail. */
interface CheckedWrite {
  key: string
  value: unknown
  /** encoded bytes, when the cache is bounded by maxBytes */
  size: number | undefined
}

/**
 * Values are kept as the caller passed them, not copied: a caller who mutates a value after set (or one that get
 * returned) mutates the cached one. Without maxBytes they are not encoded at all, so maxEntrySize is not checked and
 * nothing tells a value the wire codec cannot carry; with maxBytes each is encoded once per write to measure it, and
 * its size is the one it had then.
 */
export class LocalCache<V = unknown> extends TypedEventEmitter<CacheEvents> implements Cache<V> {
  readonly name: string
  readonly mode: CacheMode = 'local'
  private readonly options: ResolvedCacheOptions
  private readonly clock: Clock
  // lru-cache refuses undefined values by type, never null: null is stored like any other value
  private readonly store: LRUCache<string, {}>
  private readonly counts: CacheCounts = newCacheCounts()
  private readonly loads = new Singleflight<V>()
  private readonly codec: Codec | undefined
  /** the largest encoded value, when measured: a larger one lru-cache would silently not store */
  private readonly sizeLimit: number | undefined

  constructor (name: string, options: ResolvedCacheOptions, clock: Clock = systemClock()) {
    super()
    this.name = name
    this.options = options
    this.clock = clock
    const measured = options.maxBytes !== undefined
    this.codec = measured ? new Codec() : undefined
    this.sizeLimit = options.maxBytes === undefined ? undefined : Math.min(options.maxEntrySize, options.maxBytes)
    this.store = new LRUCache<string, {}>({
      max: options.maxEntries,
      ttl: options.ttl,
      // lru-cache reads a start time of 0 as "no ttl", and a simulated clock starts at 0
      perf: { now: () => clock.now() + 1 },
      // 0: read the clock on every check, instead of caching it for 1 ms behind a timer per read
      ttlResolution: 0,
      ...(measured ? { maxSize: options.maxBytes, maxEntrySize: this.sizeLimit } : {}),
      // after the store's own bookkeeping, so a listener may call back into the cache
      disposeAfter: (_value, key, reason) => { this.dropped(key, reason) }
    })
  }

  async get (key: string): Promise<V | undefined> {
    this.checkKey(key)
    const value = this.store.get(key)
    countRead(this.counts, value !== undefined)
    return value as V | undefined
  }

  async set (key: string, value: V, options?: WriteOptions): Promise<void> {
    this.put(this.check(key, value), options)
  }

  async delete (key: string): Promise<boolean> {
    this.checkKey(key)
    // get, not has: an expired entry is swept as an expiration, and is no live entry to delete
    if (this.store.get(key) === undefined) { return false }
    this.store.delete(key)
    this.counts.deletes++
    return true
  }

  async has (key: string): Promise<boolean> {
    this.checkKey(key)
    const found = this.store.has(key)
    countRead(this.counts, found)
    return found
  }

  /**
   * Concurrent misses of one key share the first caller's loader and its `options`. A loader that returns undefined
   * stores nothing (a missing entry reads as undefined, so it could not be told from one) and every caller gets
   * undefined. A caller still waiting after loadTimeout runs its own loader.
   */
  async getOrLoad (key: string, loader: (key: string) => V | Promise<V>, options?: WriteOptions): Promise<V> {
    this.checkKey(key)
    this.checkWriteOptions(options)
    const found = this.store.get(key)
    countRead(this.counts, found !== undefined)
    if (found !== undefined) { return found as V }
    const load = async (): Promise<V> => {
      const value = await loader(key)
      if (value !== undefined) { this.put(this.check(key, value), options) }
      return value
    }
    let mine = false
    // Singleflight calls its function synchronously when no load of the key is running: that is how a caller knows
    // the running load is its own
    const shared = this.loads.run(key, async () => { mine = true; return load() })
    return mine ? shared : this.waitForLoad(shared, load)
  }

  async mget (keys: readonly string[]): Promise<Array<V | undefined>> {
    for (const key of keys) { this.checkKey(key) }
    return keys.map(key => {
      const value = this.store.get(key)
      countRead(this.counts, value !== undefined)
      return value as V | undefined
    })
  }

  async mset (entries: Iterable<readonly [string, V]>, options?: WriteOptions): Promise<void> {
    this.checkWriteOptions(options)
    // every entry checked before any is stored: all or nothing
    const writes = Array.from(entries, entry => {
      if (!Array.isArray(entry)) { throw new CacheValueError(this.name, String(entry), 'is not a [key, value] pair') }
      return this.check(entry[0], entry[1])
    })
    for (const write of writes) { this.put(write, options) }
  }

  async incr (key: string, by = 1, options?: WriteOptions): Promise<number> {
    this.checkKey(key)
    if (typeof by !== 'number' || !Number.isFinite(by)) {
      throw new CacheValueError(this.name, key, `cannot be incremented by ${String(by)}: incr takes a finite number`)
    }
    // get sweeps an expired entry first, so it counts as missing and the new one takes a fresh ttl
    const current = this.store.get(key)
    if (current !== undefined && typeof current !== 'number') {
      throw new CacheValueError(this.name, key, `holds ${current === null ? 'null' : typeof current}, not a number: incr takes number entries`)
    }
    const next = (current ?? 0) + by
    // noUpdateTTL keeps a live entry's ttl from where it started, as getRemainingTTL would but without a second
    // clock read; lru-cache ignores it for a new entry
    this.put(this.check(key, next), options, options?.ttl === undefined && current !== undefined)
    return next
  }

  async clear (): Promise<void> {
    // expired entries are counted as expirations, not deletes
    this.store.purgeStale()
    this.counts.deletes += this.store.size
    this.store.clear()
  }

  /** exact: expired entries are swept first */
  async size (): Promise<number> {
    this.store.purgeStale()
    return this.store.size
  }

  stats (): CacheStats {
    return {
      ...this.counts,
      entries: this.store.size,
      bytes: this.codec === undefined ? 0 : this.store.calculatedSize,
      rebalancing: 0
    }
  }

  /** Checks a write and measures its value, storing nothing: every failure happens here. */
  private check (key: string, value: unknown): CheckedWrite {
    this.checkKey(key)
    if (value === undefined) {
      throw new CacheValueError(this.name, key, 'cannot be set to undefined: a missing entry reads as undefined')
    }
    if (this.codec === undefined || this.sizeLimit === undefined) { return { key, value, size: undefined } }
    let size: number
    try {
      size = this.codec.encode(value).byteLength
    } catch (err: any) {
      throw new CacheValueError(this.name, key, `has a value the wire codec cannot encode (${err?.message ?? err}); nothing was stored`)
    }
    if (size > this.sizeLimit) { throw new EntryTooLargeError(this.name, key, size, this.sizeLimit) }
    return { key, value, size }
  }

  private put (write: CheckedWrite, options: WriteOptions | undefined, keepTtl = false): void {
    this.checkWriteOptions(options)
    this.store.set(write.key, write.value as {}, {
      ...(options?.ttl === undefined ? {} : { ttl: options.ttl }),
      ...(write.size === undefined ? {} : { size: write.size }),
      noUpdateTTL: keepTtl
    })
    this.counts.writes++
  }

  private checkKey (key: unknown): asserts key is string {
    if (typeof key !== 'string') {
      throw new CacheValueError(this.name, describe(key), `is ${key === null ? 'null' : typeof key}, not a string: cache keys are strings`)
    }
  }

  private checkWriteOptions (options: WriteOptions | undefined): void {
    const ttl = options?.ttl
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1)) {
      throw new CacheOptionError(this.name, 'ttl', `of a write must be a whole number of ms from 1, not ${String(ttl)}`)
    }
  }

  private async waitForLoad (shared: Promise<V>, load: () => Promise<V>): Promise<V> {
    let timedOut = false
    let timer: Timer | undefined
    const late = new Promise<void>(resolve => {
      timer = this.clock.after(this.options.loadTimeout, () => { timedOut = true; resolve() })
    })
    try {
      const value = await Promise.race([shared, late])
      return timedOut ? await load() : value as V
    } finally {
      timer?.cancel()
    }
  }

  /** lru-cache's reasons: 'set' is an overwrite and 'delete' a delete or clear, counted where they happen */
  private dropped (key: string, reason: LRUCache.DisposeReason): void {
    if (reason === 'evict') {
      this.counts.evictions++
      this.safeDispatchEvent('entry:evicted', { detail: { key, reason: 'evicted' } })
    } else if (reason === 'expire') {
      this.counts.expirations++
      this.safeDispatchEvent('entry:evicted', { detail: { key, reason: 'expired' } })
    }
  }
}

function describe (key: unknown): string {
  try {
    return String(key)
  } catch {
    return Object.prototype.toString.call(key)
  }
}
