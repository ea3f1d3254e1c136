// The names a node knows, merged by version: every name of the cluster while it is small, so a lookup is a read of a
// local map; once it is large, the names this node holds, is home to, or read a moment ago.
// Sans-IO: the clock is injected, and it never sends anything; the name service around it does.
import { TextInterner } from '../wire/owned-text.ts'
import { keptTombstone } from './kept-tombstone.ts'
import { compareEntries } from './name-entry.ts'
import type { NameEntry } from './name-entry.ts'

/** most tombstones kept: past it the oldest go before their ttl, so a burst of stops cannot grow the table without end */
export const DEFAULT_MAX_TOMBSTONES = 100_000
/** peer ids and actor types kept once for all tombstones */
const INTERNED_IDS = 4096

export interface NameTableInit {
  /** this node's peer id: entries it holds or wrote are the ones it answers for */
  self: string
  /**
   * how long a tombstone is kept, by kind, so that an older write still travelling cannot revive the name. A local
   * name's holder corrects a stale write of its own names, so its tombstones need only outlive messages in flight;
   * a distributed actor's must outlive any partition expected to heal.
   */
  tombstoneTtl: { local: number, distributed: number }
  /** most tombstones kept (default DEFAULT_MAX_TOMBSTONES); the oldest go first */
  maxTombstones?: number
  now(): number
}

export class NameTable {
  private readonly init: NameTableInit
  private readonly entries = new Map<string, NameEntry>()
  /** when each tombstone was learned: entries not in it are live */
  private readonly tombstones = new Map<string, number>()
  private readonly maxTombstones: number
  private readonly ids = new TextInterner(INTERNED_IDS)
  /** how many entries of each kind this node holds or wrote last: what it answers with when a member reads it */
  private readonly owned = { local: 0, distributed: 0 }
  /** live entries by kind, kept as entries come and go */
  private readonly liveByKind = { local: 0, distributed: 0 }
  /**
   * the names of the owned entries in order, of every kind and of distributed ones only, for the pages of a read;
   * dropped when one comes or goes, rebuilt on the next page
   */
  private sortedOwned: { all?: string[], distributed?: string[] } = {}

  constructor (init: NameTableInit) {
    this.init = init
    this.maxTombstones = Math.max(1, init.maxTombstones ?? DEFAULT_MAX_TOMBSTONES)
  }

  get size (): number {
    return this.entries.size
  }

  /** entries that are not tombstones */
  get liveCount (): number {
    return this.entries.size - this.tombstones.size
  }

  /** live entries of one kind */
  liveOf (kind: NameEntry['kind']): number {
    return this.liveByKind[kind]
  }

  /** entries this node holds or wrote last, tombstones included */
  get ownedCount (): number {
    return this.owned.local + this.owned.distributed
  }

  /** entries of one kind this node holds or wrote last, tombstones included */
  ownedOf (kind: NameEntry['kind']): number {
    return this.owned[kind]
  }

  get (name: string): NameEntry | undefined {
    return this.entries.get(name)
  }

  /** the entry of a name that is taken (not a tombstone) */
  live (name: string): NameEntry | undefined {
    const entry = this.entries.get(name)
    return entry?.stopped === false ? entry : undefined
  }

  /** Keeps `entry` when it is newer than what is known of its name (see compareEntries); true when it changed something. */
  merge (entry: NameEntry): boolean {
    const known = this.entries.get(entry.name)
    if (known != null && compareEntries(entry, known) <= 0) { return false }
    if (known?.stopped === false) { this.liveByKind[known.kind]-- }
    if (!entry.stopped) { this.liveByKind[entry.kind]++ }
    // a tombstone is learned anew: it goes to the back of the line, which is kept oldest first
    this.tombstones.delete(entry.name)
    if (entry.stopped) {
      // keyed by the kept name too: a key lives as long as its entry, and a map keeps the key it was first given
      const kept = keptTombstone(entry, this.ids)
      this.entries.delete(entry.name)
      this.entries.set(kept.name, kept)
      this.tombstones.set(kept.name, this.init.now())
      if (this.tombstones.size > this.maxTombstones) { this.dropOldestTombstone() }
    } else {
      this.entries.set(entry.name, entry)
    }
    const wasOwned = known != null && this.isOwned(known)
    const isOwned = this.isOwned(entry)
    // the same name owned before and after, of the same kind, leaves the counts and the sorted names as they were
    if (wasOwned !== isOwned || (isOwned && known?.kind !== entry.kind)) {
      if (wasOwned && known != null) { this.ownedChanged(known.kind, -1) }
      if (isOwned) { this.ownedChanged(entry.kind, 1) }
    }
    return true
  }

  all (): IterableIterator<NameEntry> {
    return this.entries.values()
  }

  /** Entries this node answers for, of every kind or one, in name order from after `after`, at most `limit`: pages of a read. */
  ownedPage (after: string | undefined, limit: number, kind?: 'distributed'): { entries: NameEntry[], more: boolean } {
    const names = kind == null ? (this.sortedOwned.all ??= this.ownedNames()) : (this.sortedOwned.distributed ??= this.ownedNames(kind))
    const start = after == null ? 0 : upperBound(names, after)
    const slice = names.slice(start, start + limit)
    return { entries: slice.map(name => this.entries.get(name) as NameEntry), more: start + limit < names.length }
  }

  /**
   * Forgets the local names a member held (it left, so its actors are gone), tombstones included: nobody writes
   * them any more. Returns the live ones. Distributed entries stay: their actors restart elsewhere.
   */
  dropLocalOf (member: string): NameEntry[] {
    const dropped: NameEntry[] = []
    for (const entry of this.entries.values()) {
      if (entry.kind !== 'local' || entry.holder !== member) { continue }
      this.remove(entry.name)
      if (!entry.stopped) { dropped.push(entry) }
    }
    return dropped
  }

  /** Forgets tombstones older than their kind's ttl. */
  prune (): void {
    const now = this.init.now()
    const { local, distributed } = this.init.tombstoneTtl
    for (const [name, learned] of this.tombstones) {
      const ttl = this.entries.get(name)?.kind === 'local' ? local : distributed
      if (learned < now - ttl) { this.remove(name) }
    }
  }

  private dropOldestTombstone (): void {
    const oldest = this.tombstones.keys().next().value
    if (oldest !== undefined) { this.remove(oldest) }
  }

  clear (): void {
    this.entries.clear()
    this.tombstones.clear()
    this.owned.local = 0
    this.owned.distributed = 0
    this.sortedOwned = {}
    this.liveByKind.local = 0
    this.liveByKind.distributed = 0
  }

  /** Drops a copy of a name this node need not keep (a cache entry gone stale): nothing is written. */
  forget (name: string): void {
    this.remove(name)
  }

  private remove (name: string): void {
    const entry = this.entries.get(name)
    if (entry?.stopped === false) { this.liveByKind[entry.kind]-- }
    if (entry != null && this.isOwned(entry)) { this.ownedChanged(entry.kind, -1) }
    this.entries.delete(name)
    this.tombstones.delete(name)
  }

  /** Entries this node answers for: it holds the actor, or made the write (a tombstone of an actor held elsewhere). */
  private isOwned (entry: NameEntry): boolean {
    return entry.holder === this.init.self || entry.version.writer === this.init.self
  }

  private ownedChanged (kind: NameEntry['kind'], by: number): void {
    this.owned[kind] += by
    this.sortedOwned = {}
  }

  /** A walk of the whole table: reads of this node's names come when members join, not per write. */
  private ownedNames (kind?: NameEntry['kind']): string[] {
    const names: string[] = []
    for (const entry of this.entries.values()) {
      if (this.isOwned(entry) && (kind == null || entry.kind === kind)) { names.push(entry.name) }
    }
    return names.sort()
  }
}

function upperBound (sorted: string[], value: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] <= value) { lo = mid + 1 } else { hi = mid }
  }
  return lo
}
