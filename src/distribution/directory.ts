// The directory of distributed actors: every node holds all entries, merged by version, so any node can tell
// where a name runs without asking anyone.
import { compareVersions } from './entry.ts'
import type { DirectoryEntry } from './entry.ts'

export interface DirectoryInit {
  /** how long a stopped entry is kept, so that an older write from a healed partition cannot revive it */
  tombstoneTtl: number
  now(): number
}

export class Directory {
  private readonly init: DirectoryInit
  private readonly entries = new Map<string, DirectoryEntry>()
  /** when each tombstone was learned: entries not in it are live */
  private readonly tombstones = new Map<string, number>()
  /** every name in order, for the pages of a pull; dropped when a name comes or goes, rebuilt on the next page */
  private sortedNames: string[] | undefined

  constructor (init: DirectoryInit) {
    this.init = init
  }

  get size (): number {
    return this.entries.size
  }

  /** entries of actors that run (not stopped) */
  get liveCount (): number {
    return this.entries.size - this.tombstones.size
  }

  get (name: string): DirectoryEntry | undefined {
    return this.entries.get(name)
  }

  /** the entry of a name that runs (not stopped) */
  live (name: string): DirectoryEntry | undefined {
    const entry = this.entries.get(name)
    return entry?.stopped === false ? entry : undefined
  }

  /** Keeps `entry` when it is newer than what is known of its name; true when it changed something. */
  merge (entry: DirectoryEntry): boolean {
    const known = this.entries.get(entry.name)
    if (known != null && compareVersions(entry.version, known.version) <= 0) { return false }
    if (known == null) { this.sortedNames = undefined }
    this.entries.set(entry.name, entry)
    if (entry.stopped) { this.tombstones.set(entry.name, this.init.now()) } else { this.tombstones.delete(entry.name) }
    return true
  }

  all (): IterableIterator<DirectoryEntry> {
    return this.entries.values()
  }

  /** Entries in name order from after `after`, at most `limit`: pages of a pull. */
  page (after: string | undefined, limit: number): { entries: DirectoryEntry[], more: boolean } {
    this.sortedNames ??= [...this.entries.keys()].sort()
    const names = this.sortedNames
    const start = after == null ? 0 : upperBound(names, after)
    const slice = names.slice(start, start + limit)
    return { entries: slice.map(name => this.entries.get(name) as DirectoryEntry), more: start + limit < names.length }
  }

  /** Forgets tombstones older than the ttl. */
  prune (): void {
    const oldest = this.init.now() - this.init.tombstoneTtl
    for (const [name, learned] of this.tombstones) {
      if (learned < oldest) {
        this.tombstones.delete(name)
        this.entries.delete(name)
        this.sortedNames = undefined
      }
    }
  }

  clear (): void {
    this.sortedNames = undefined
    this.entries.clear()
    this.tombstones.clear()
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
