// The local view of other nodes' names: newest record per name, bounded in size and age, dropped per node on demand.
import { compareRecords } from './record.ts'
import type { RegistryRecord } from './record.ts'

interface Entry {
  /** undefined when the DHT had nothing for the name */
  record?: RegistryRecord
  expiresAt: number
}

export type CacheHit = { found: true, record?: RegistryRecord } | { found: false }

export interface NameCacheInit {
  maxEntries: number
  now(): number
}

export class NameCache {
  private readonly entries = new Map<string, Entry>()
  private readonly maxEntries: number
  private readonly now: () => number

  constructor (init: NameCacheInit) {
    this.maxEntries = init.maxEntries
    this.now = init.now
  }

  get size (): number {
    return this.entries.size
  }

  /** Names with a live record held here (fresh or not), tombstones and "found nowhere" left out. */
  * liveNames (): Generator<string> {
    for (const [name, entry] of this.entries) {
      if (entry.record != null && !entry.record.tombstone) { yield name }
    }
  }

  /** A fresh entry; `record` undefined means the name is known to be absent. */
  get (name: string): CacheHit {
    const entry = this.entries.get(name)

    if (entry == null || entry.expiresAt <= this.now()) {
      return { found: false }
    }

    return { found: true, record: entry.record }
  }

  /** The newest record ever seen for the name, fresh or not: the floor for ordering later writes. */
  newest (name: string): RegistryRecord | undefined {
    return this.entries.get(name)?.record
  }

  /**
   * Keeps the record if it is at least as new as the one held (an expired entry still counts: a
   * stale DHT answer must not bring back an unregistered name). Returns the record now held and
   * whether it changed.
   */
  offer (record: RegistryRecord, ttl: number): { record: RegistryRecord, changed: boolean } {
    const held = this.entries.get(record.name)?.record

    if (held != null && compareRecords(record, held) < 0) {
      return { record: held, changed: false }
    }

    this.set(record.name, { record, expiresAt: this.now() + ttl })
    return { record, changed: held == null || compareRecords(record, held) !== 0 }
  }

  /** Remembers briefly that the name was found nowhere, unless a record for it is known. */
  offerAbsent (name: string, ttl: number): void {
    if (this.entries.get(name)?.record != null) {
      return
    }

    this.set(name, { expiresAt: this.now() + ttl })
  }

  /** Forgets every name held by an actor on the node; returns the records that were live. */
  dropNode (node: string): RegistryRecord[] {
    const dropped: RegistryRecord[] = []

    for (const [name, entry] of this.entries) {
      if (entry.record?.ref.node === node) {
        this.entries.delete(name)

        if (!entry.record.tombstone) {
          dropped.push(entry.record)
        }
      }
    }

    return dropped
  }

  /** Forgets every "found nowhere": a member that just joined may hold any of those names. */
  dropAbsent (): void {
    for (const [name, entry] of this.entries) {
      if (entry.record == null) {
        this.entries.delete(name)
      }
    }
  }

  clear (): void {
    this.entries.clear()
  }

  private set (name: string, entry: Entry): void {
    // re-inserting moves the name to the back, so the front is the least recently written
    this.entries.delete(name)
    this.entries.set(name, entry)

    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value

      if (oldest != null) {
        this.entries.delete(oldest)
      }
    }
  }
}
