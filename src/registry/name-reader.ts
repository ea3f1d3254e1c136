// The read path: a name is answered from this node's own names, then the cache, then the pulls still under way, then the DHT.
import { conflictOf } from './conflict.ts'
import { anySignal } from './signals.ts'
import type { DhtStore } from './dht-store.ts'
import type { NameCache, CacheHit } from './name-cache.ts'
import type { NameChanged, NameConflicted } from './name-events.ts'
import type { NameSync } from './name-sync.ts'
import type { RegistryRecord } from './record.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { Membership } from '../membership/index.ts'
import type { AbortOptions } from '@libp2p/interface'

export interface NameReaderComponents {
  membership: Pick<Membership, 'isActive'>
  cache: NameCache
  store: Pick<DhtStore, 'get'>
  sync: Pick<NameSync, 'pullNew' | 'pending' | 'settled'>
  /** the record of a name this node holds */
  held(name: string): RegistryRecord | undefined
  changed: NameChanged
  conflicted: NameConflicted
  /** false once the registry stopped: a DHT answer arriving after that is not cached */
  running(): boolean
}

export interface NameReaderInit {
  lookupTimeout: number
  cacheTtl: number
  negativeCacheTtl: number
}

export class NameReader {
  private readonly components: NameReaderComponents
  private readonly lookupTimeout: number
  private readonly cacheTtl: number
  private readonly negativeCacheTtl: number
  /** lookups waiting on pulls, by name: each hears when the cache takes a record of its name */
  private readonly waiting = new Map<string, Set<() => void>>()

  constructor (components: NameReaderComponents, init: NameReaderInit) {
    this.components = components
    this.lookupTimeout = init.lookupTimeout
    this.cacheTtl = init.cacheTtl
    this.negativeCacheTtl = init.negativeCacheTtl
  }

  async lookup (name: string, options: AbortOptions): Promise<ActorRef | undefined> {
    const held = this.components.held(name)
    if (held != null) {
      return this.visible(held)
    }

    const hit = await this.cached(name, options, record => this.visible(record) != null)
    if (hit.found) {
      return this.visible(hit.record)
    }

    return this.visible(await this.fetch(name, options))
  }

  /** The newest record for the name that the cache or the DHT knows, for a conflict check. */
  async current (name: string, options: AbortOptions): Promise<RegistryRecord | undefined> {
    // a live cached holder is kept correct by invalidation; absence is worth asking the DHT about
    const hit = await this.cached(name, options, isLive)
    if (hit.found && isLive(hit.record)) {
      return hit.record
    }

    return this.fetch(name, options)
  }

  /** A record's ref if a lookup may return it: live, and on a node membership counts as part of the cluster. */
  visible (record: RegistryRecord | undefined): ActorRef | undefined {
    if (record == null || record.tombstone || !this.components.membership.isActive(record.ref.node)) {
      return undefined
    }

    return record.ref
  }

  /**
   * Folds another node's write into the cache, and tells listeners when it changed what the cache held. When the
   * cache held another node's live write of the name for another actor, the two conflict: that is reported too,
   * unless `reportConflict` is false (this node held the losing write and reported it already).
   */
  learn (record: RegistryRecord, reportConflict = true): void {
    const before = this.components.cache.newest(record.name)
    const { changed } = this.components.cache.offer(record, this.ttlOf(record))
    for (const waiter of this.waiting.get(record.name) ?? []) { waiter() }
    if (changed) {
      if (record.tombstone) {
        this.components.changed('name:unregistered', record, 'unregistered', false)
      } else {
        this.components.changed('name:registered', record, 'registered', false)
      }
    }

    const conflict = reportConflict ? conflictOf(before, record) : undefined
    // a write for an actor on a node this one counts as gone is stale, not a rival
    if (conflict != null && this.visible(conflict.winner) != null && this.visible(conflict.loser) != null) {
      this.components.conflicted({ name: record.name, winner: conflict.winner.ref, loser: conflict.loser.ref, local: false })
    }
  }

  /**
   * The cache's entry for the name; when it does not satisfy `enough`, read again once a pull under way brings a
   * record that does, or they all settle, since until then the cache cannot say a name is missing.
   */
  private async cached (name: string, options: AbortOptions, enough: (record: RegistryRecord | undefined) => boolean): Promise<CacheHit> {
    const hit = this.components.cache.get(name)
    if (hit.found && enough(hit.record)) {
      return hit
    }

    return await this.untilSynced(name, options, enough) ? this.components.cache.get(name) : hit
  }

  /**
   * Waits, at most the lookup timeout, for the names of members that joined and have not answered yet (nor said
   * they hold none), or until one of them brings the name. Returns whether there was anything to wait for.
   */
  private async untilSynced (name: string, options: AbortOptions, enough: (record: RegistryRecord | undefined) => boolean): Promise<boolean> {
    const { sync, cache } = this.components
    sync.pullNew()
    if (!sync.pending) {
      return false
    }

    // the pulls still under way could only add rival writes of the name, which a cache hit does not wait for either
    const found = new AbortController()
    const waiter = (): void => {
      const hit = cache.get(name)
      if (hit.found && enough(hit.record)) { found.abort() }
    }
    const waiters = this.waiting.get(name) ?? new Set()
    this.waiting.set(name, waiters.add(waiter))
    try {
      await sync.settled(this.lookupTimeout, anySignal(options.signal, found.signal))
    } catch (err) {
      if (!found.signal.aborted) {
        throw err
      }
    } finally {
      waiters.delete(waiter)
      if (waiters.size === 0) { this.waiting.delete(name) }
    }
    return true
  }

  /** Reads a name from the DHT and folds the answer into the cache; never takes longer than the lookup timeout. */
  private async fetch (name: string, options: AbortOptions): Promise<RegistryRecord | undefined> {
    const found = await this.components.store.get(name, options.signal)

    if (!this.components.running()) {
      return found
    }

    if (found == null) {
      if (this.negativeCacheTtl > 0) {
        this.components.cache.offerAbsent(name, this.negativeCacheTtl)
      }

      return undefined
    }

    return this.components.cache.offer(found, this.ttlOf(found)).record
  }

  /** A record no lookup may return is believed only as long as an absence, so it is soon read again. */
  private ttlOf (record: RegistryRecord): number {
    return this.visible(record) == null ? this.negativeCacheTtl : this.cacheTtl
  }
}

function isLive (record: RegistryRecord | undefined): record is RegistryRecord {
  return record != null && !record.tombstone
}
