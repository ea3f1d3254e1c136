// Every name of the cluster, held whole by every node and merged by version, so a lookup is a read of a local map.
// Sans-IO: the clock is injected, and it never sends anything; the name service around it does.
import { compareEntries } from './name-entry.ts'
import type { NameEntry } from './name-entry.ts'

export interface NameTableInit {
  /** this node's peer id: entries it holds or wrote are the ones it answers for */
  self: string
  /**
   * how long a tombstone is kept, by kind, so that an older write still travelling cannot revive the name. A local
   * name's holder corrects a stale write of its own names, so its tombstones need only outlive messages in flight;
   * a distributed actor's must outlive any partition expected to heal.
   */
  tombstoneTtl: { local: number, distributed: number }
  now(): number
}

export class NameTable {
  private readonly init: NameTableInit
  private readonly entries = new Map<string, NameEntry>()
  /** when each tombstone was learned: entries not in it are live */
  private readonly tombstones = new Map<string, number>()
  /** how many entries this node holds or wrote last: what it answers with when a member reads it */
  private owned = 0
  /** live entries by kind, kept as entries come and go */
  private readonly liveByKind = { local: 0, distributed: 0 }
  /** the names of the owned entries in order, for the pages of a read; dropped when one comes or goes, rebuilt on the next page */
  private sortedOwned: string[] | undefined

  constructor (init: NameTableInit) {
    this.init = init
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
    return this.owned
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
    this.entries.set(entry.name, entry)
    if (entry.stopped) { this.tombstones.set(entry.name, this.init.now()) } else { this.tombstones.delete(entry.name) }
    const wasOwned = known != null && this.isOwned(known)
    if (wasOwned !== this.isOwned(entry)) { this.ownedChanged(wasOwned ? -1 : 1) }
    return true
  }

  all (): IterableIterator<NameEntry> {
    return this.entries.values()
  }

  /** Entries this node answers for, in name order from after `after`, at most `limit`: pages of a read. */
  ownedPage (after: string | undefined, limit: number): { entries: NameEntry[], more: boolean } {
    this.sortedOwned ??= this.ownedNames()
    const names = this.sortedOwned
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

  clear (): void {
    this.entries.clear()
    this.tombstones.clear()
    this.owned = 0
    this.sortedOwned = undefined
    this.liveByKind.local = 0
    this.liveByKind.distributed = 0
    this.sortedOwned = undefined
  }

  private remove (name: string): void {
    const entry = this.entries.get(name)
    if (entry?.stopped === false) { this.liveByKind[entry.kind]-- }
    if (entry != null && this.isOwned(entry)) { this.ownedChanged(-1) }
    this.entries.delete(name)
    this.tombstones.delete(name)
  }

  /** Entries this node answers for: it holds the actor, or made the write (a tombstone of an actor held elsewhere). */
  private isOwned (entry: NameEntry): boolean {
    return entry.holder === this.init.self || entry.version.writer === this.init.self
  }

  private ownedChanged (by: number): void {
    this.owned += by
    this.sortedOwned = undefined
  }

  /** A walk of the whole table: reads of this node's names come when members join, not per write. */
  private ownedNames (): string[] {
    const names: string[] = []
    for (const entry of this.entries.values()) {
      if (this.isOwned(entry)) { names.push(entry.name) }
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
