// The distributed actors' entries among the name table's: the parts of distribution see only these.
import type { DirectoryEntry } from './entry.ts'
import type { NameTable } from '../names/name-table.ts'

export class DistributedEntries {
  private readonly table: Pick<NameTable, 'live' | 'get' | 'all'>

  constructor (table: Pick<NameTable, 'live' | 'get' | 'all'>) {
    this.table = table
  }

  /** the live entry of a distributed actor of that name; undefined when free or held by a local actor */
  live (name: string): DirectoryEntry | undefined {
    const entry = this.table.live(name)
    return entry?.kind === 'distributed' ? entry : undefined
  }

  /** the entry of a distributed actor of that name, tombstone or not */
  get (name: string): DirectoryEntry | undefined {
    const entry = this.table.get(name)
    return entry?.kind === 'distributed' ? entry : undefined
  }

  /** every distributed actor's entry, tombstones included */
  * all (): Generator<DirectoryEntry> {
    for (const entry of this.table.all()) {
      if (entry.kind === 'distributed') { yield entry }
    }
  }
}
