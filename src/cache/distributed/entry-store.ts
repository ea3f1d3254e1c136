// One node's entries of one distributed cache, by partition: encoded values with the version their owner gave them,
// so copies from anywhere merge the same way (the higher version wins), and deletes kept as tombstones for a while
// so a late copy cannot bring an entry back.
import { LRUCache } from 'lru-cache'
import type { Clock } from '../../time/clock.ts'
import type { CacheCounts } from '../cache-counters.ts'
import type { EvictedDetail } from '../index.ts'

/** A version: the partition's counter at the write, then a number standing for the owner that gave it. */
export interface Version {
  counter: number
  tie: number
}

export interface StoredEntry {
  partition: number
  /** the encoded value; null for a tombstone */
  value: Uint8Array | null
  counter: number
  tie: number
  /** ms on this node's clock; 0 for none */
  expiresAt: number
}

/** An entry as it travels: key, value (null: deleted), counter, tie, ms left to live (0: no ttl). */
export type WireEntry = [key: string, value: Uint8Array | null, counter: number, tie: number, ttl: number]

/** how long a delete is remembered: longer than any handoff or fill takes, so no copy in flight outlives it */
export const TOMBSTONE_TTL = 5 * 60_000
/** sweeps expired entries out of memory; reads never see them in between */
const SWEEP_INTERVAL = 30_000

export interface EntryStoreInit {
  maxEntries: number
  maxBytes: number | undefined
}

export function newer (a: Version, b: Version): boolean {
  return a.counter > b.counter || (a.counter === b.counter && a.tie > b.tie)
}

export class EntryStore {
  private readonly entries: LRUCache<string, StoredEntry>
  private readonly byPartition = new Map<number, Set<string>>()
  /** the highest counter seen per partition: an owner numbers its next write above it */
  private readonly highwater = new Map<number, number>()
  /** per partition, entries with a lower counter were cleared */
  private readonly floors = new Map<number, number>()
  private readonly clock: Clock
  private readonly counts: CacheCounts
  private readonly evicted: (detail: EvictedDetail) => void
  private readonly sweep
  private liveEntries = 0
  private liveBytes = 0

  constructor (init: EntryStoreInit, clock: Clock, counts: CacheCounts, evicted: (detail: EvictedDetail) => void) {
    this.clock = clock
    this.counts = counts
    this.evicted = evicted
    this.entries = new LRUCache<string, StoredEntry>({
      max: init.maxEntries,
      ...(init.maxBytes !== undefined ? { maxSize: init.maxBytes, sizeCalculation: (entry) => Math.max(1, entry.value?.byteLength ?? 1) } : {}),
      dispose: (entry, key, reason) => { this.disposed(entry, key, reason) }
    })
    this.sweep = clock.every(SWEEP_INTERVAL, () => { this.sweepExpired() })
  }

  close (): void {
    this.sweep.cancel()
  }

  /** The live entry of `key`: not a tombstone, not expired, not cleared. Marks it recently used. */
  read (key: string): StoredEntry | undefined {
    const entry = this.entries.get(key)
    if (entry == null) { return undefined }
    if (this.expired(entry)) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value === null ? undefined : entry
  }

  /** The entry as stored, tombstones included, without touching its recency. */
  peek (key: string): StoredEntry | undefined {
    const entry = this.entries.peek(key)
    return entry != null && !this.expired(entry) ? entry : undefined
  }

  /** Stores a copy unless the one here is as new; true when stored. */
  merge (key: string, entry: StoredEntry): boolean {
    this.raiseHighwater(entry.partition, entry.counter)
    if (entry.counter < (this.floors.get(entry.partition) ?? 0)) { return false }
    const held = this.entries.peek(key)
    if (held != null && !this.expired(held) && !newer(entry, held)) { return false }
    const live = entry.value !== null ? entry : { ...entry, expiresAt: this.clock.now() + TOMBSTONE_TTL }
    const replaced = this.entries.peek(key, { allowStale: true })
    this.entries.set(key, live)
    // a value larger than maxBytes is not kept at all
    if (this.entries.peek(key, { allowStale: true }) !== live) { return false }
    // the entry replaced was disposed of as 'set', which counts nothing: it leaves the totals here
    if (replaced != null) { this.count(replaced, -1) }
    this.count(live, 1)
    let keys = this.byPartition.get(entry.partition)
    if (keys == null) {
      keys = new Set()
      this.byPartition.set(entry.partition, keys)
    }
    keys.add(key)
    return true
  }

  /** Entries of one partition as they travel, tombstones included, for a fill or a handoff. */
  wireEntries (partition: number, keys: Iterable<string>): WireEntry[] {
    const now = this.clock.now()
    const out: WireEntry[] = []
    for (const key of keys) {
      const entry = this.peek(key)
      if (entry == null || entry.partition !== partition) { continue }
      out.push([key, entry.value, entry.counter, entry.tie, entry.expiresAt === 0 ? 0 : Math.max(1, entry.expiresAt - now)])
    }
    return out
  }

  /** Merges entries that arrived from another member; returns those stored, newer than what was here. */
  mergeWire (partition: number, entries: readonly WireEntry[]): WireEntry[] {
    const now = this.clock.now()
    const stored: WireEntry[] = []
    for (const entry of entries) {
      const [key, value, counter, tie, ttl] = entry
      if (this.merge(key, { partition, value, counter, tie, expiresAt: ttl === 0 ? 0 : now + ttl })) { stored.push(entry) }
    }
    return stored
  }

  keysOf (partition: number): string[] {
    return [...this.byPartition.get(partition) ?? []]
  }

  /** live entries of a partition */
  countOf (partition: number): number {
    let count = 0
    for (const key of this.byPartition.get(partition) ?? []) {
      const entry = this.peek(key)
      if (entry?.value != null) { count++ }
    }
    return count
  }

  highwaterOf (partition: number): number {
    return this.highwater.get(partition) ?? 0
  }

  raiseHighwater (partition: number, counter: number): void {
    if (counter > this.highwaterOf(partition)) { this.highwater.set(partition, counter) }
  }

  floorOf (partition: number): number {
    return this.floors.get(partition) ?? 0
  }

  /** Forgets every entry of the partition below `floor`: a clear, here or copied from the owner. */
  raiseFloor (partition: number, floor: number): void {
    if (floor <= this.floorOf(partition)) { return }
    this.floors.set(partition, floor)
    this.raiseHighwater(partition, floor)
    for (const key of this.keysOf(partition)) {
      const entry = this.entries.peek(key)
      if (entry != null && entry.counter < floor) { this.entries.delete(key) }
    }
  }

  /** Forgets a partition this node no longer keeps. */
  drop (partition: number): void {
    for (const key of this.keysOf(partition)) { this.entries.delete(key) }
    this.byPartition.delete(partition)
    this.highwater.delete(partition)
    this.floors.delete(partition)
  }

  /** entries held, tombstones not counted (expired ones until swept or read) */
  get size (): number {
    return this.liveEntries
  }

  /** encoded bytes of the values held */
  get bytes (): number {
    return this.liveBytes
  }

  private count (entry: StoredEntry, sign: 1 | -1): void {
    if (entry.value === null) { return }
    this.liveEntries += sign
    this.liveBytes += sign * entry.value.byteLength
  }

  private expired (entry: StoredEntry): boolean {
    return entry.expiresAt !== 0 && entry.expiresAt <= this.clock.now()
  }

  private sweepExpired (): void {
    for (const [key, entry] of this.entries.entries()) {
      if (this.expired(entry)) { this.entries.delete(key) }
    }
  }

  private disposed (entry: StoredEntry, key: string, reason: LRUCache.DisposeReason): void {
    if (reason === 'set') { return }
    this.count(entry, -1)
    this.byPartition.get(entry.partition)?.delete(key)
    if (entry.value === null) { return }
    if (reason === 'evict') {
      this.counts.evictions++
      this.evicted({ key, reason: 'evicted' })
    } else if (reason === 'delete' && this.expired(entry)) {
      this.counts.expirations++
      this.evicted({ key, reason: 'expired' })
    }
  }
}
