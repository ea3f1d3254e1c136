// Keeps every node's directory the same: changes go to every member in batches, and a member that joins (or comes
// back after a partition) is read whole, page by page, so both sides of a heal end with the same entries.
import { validatePage } from './wire.ts'
import type { Directory } from './directory.ts'
import type { DirectoryEntry } from './entry.ts'
import type { DistMessage } from './wire.ts'
import type { Logger } from '@libp2p/interface'

/** Entries per update or page: a few hundred bytes each, well under the smallest message size limit. */
export const ENTRIES_PER_MESSAGE = 500

export interface DirectorySyncComponents {
  directory: Directory
  /** the other active members */
  peers(): string[]
  send(peer: string, message: DistMessage): void
  call(peer: string, message: DistMessage, timeout: number): Promise<unknown>
  /** entries that changed this node's directory, from a pull */
  changed(entries: DirectoryEntry[]): void
  log: Logger
}

export class DirectorySync {
  private readonly components: DirectorySyncComponents
  private readonly outbox = new Map<string, DirectoryEntry>()
  private flushing: ReturnType<typeof setImmediate> | undefined

  constructor (components: DirectorySyncComponents) {
    this.components = components
  }

  /** Tells every member about an entry, with the other changes of this tick. */
  publish (entry: DirectoryEntry): void {
    this.outbox.set(entry.name, entry)
    this.flushing ??= setImmediate(() => { this.flush() })
  }

  flush (): void {
    clearImmediate(this.flushing)
    this.flushing = undefined
    if (this.outbox.size === 0) { return }
    const entries = [...this.outbox.values()]
    this.outbox.clear()
    const peers = this.components.peers()
    for (let i = 0; i < entries.length; i += ENTRIES_PER_MESSAGE) {
      const batch = entries.slice(i, i + ENTRIES_PER_MESSAGE)
      for (const peer of peers) {
        try {
          this.components.send(peer, ['update', batch])
        } catch (err: any) {
          // an entry too large to send: its args; the pull of a joining member meets the same limit
          this.components.log.error('could not send %d directory entries to %s - %e', batch.length, peer, err)
        }
      }
    }
  }

  /**
   * Tells every member about an entry now, instead of with the next batch, and waits for their acknowledgement (or
   * their failure), so that once this resolves every reachable member resolves the name.
   */
  async confirm (entry: DirectoryEntry, timeout: number): Promise<void> {
    // sent now, so not again with the next batch
    if (this.outbox.get(entry.name) === entry) { this.outbox.delete(entry.name) }
    await Promise.allSettled(this.components.peers().map(async peer => {
      await this.components.call(peer, ['update', [entry]], timeout)
    }))
  }

  /** Reads a member's whole directory into this one. */
  async pullFrom (peer: string, timeout: number): Promise<void> {
    let after: string | null = null
    for (let page = 0; page < 100_000; page++) {
      const [entries, more] = validatePage(await this.components.call(peer, ['pull', after], timeout))
      const changed = entries.filter(entry => this.components.directory.merge(entry))
      if (changed.length > 0) { this.components.changed(changed) }
      if (!more || entries.length === 0) { return }
      after = entries[entries.length - 1].name
    }
  }

  stop (): void {
    clearImmediate(this.flushing)
    this.flushing = undefined
    this.outbox.clear()
  }
}
