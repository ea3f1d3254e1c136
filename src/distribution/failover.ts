// Restarting the actors of members that are gone, on the node that coordinates: each is placed again and the
// chosen members are asked, in batches, to start it (from its freshest checkpoint when it keeps some).
import { orphans } from './duties.ts'
import { appendTo, MOVE_BATCH } from './moves.ts'
import { validateStartAnswer } from './wire.ts'
import type { ClusterView } from './duties.ts'
import type { EntryPlacement } from './entry-placement.ts'
import type { DirectoryEntry } from './entry.ts'
import type { FailoverDetail } from './index.ts'
import type { DistMessage } from './wire.ts'
import type { Logger } from '@libp2p/interface'

export interface FailoverComponents {
  self: string
  placement: Pick<EntryPlacement, 'placeQuietly'>
  /** every distributed actor's entry, tombstones included */
  entries(): Iterable<DirectoryEntry>
  /** starts actors on this node, as a 'start' message from another would */
  startHere(entries: DirectoryEntry[]): Promise<unknown>
  call(peer: string, message: DistMessage, timeout: number): Promise<unknown>
  learn(entries: DirectoryEntry[]): void
  failedOver(detail: FailoverDetail): void
  /** an assignment ended: duties may have changed */
  settled(): void
  callTimeout: number
  log: Logger
}

export class Failover {
  private readonly components: FailoverComponents
  /** names this node asked another member to start, until it answers */
  private readonly assigning = new Set<string>()

  constructor (components: FailoverComponents) {
    this.components = components
  }

  /** Places every actor whose holder is gone, and asks the chosen members to start them. */
  run (view: ClusterView): void {
    const lost = orphans(this.components.entries(), view, this.assigning)
    if (lost.length === 0) { return }
    const byTarget = new Map<string, DirectoryEntry[]>()
    for (const entry of lost) {
      const target = this.components.placement.placeQuietly(entry)
      // the holder may yet turn out to be alive, across a partition: the new write says whom it replaced
      if (target != null) { appendTo(byTarget, target, { ...entry, failedOverFrom: { holder: entry.holder, version: entry.version } }) }
    }
    for (const [target, entries] of byTarget) {
      for (let i = 0; i < entries.length; i += MOVE_BATCH) {
        const batch = entries.slice(i, i + MOVE_BATCH)
        for (const entry of batch) { this.assigning.add(entry.name) }
        this.assign(target, batch).finally(() => {
          for (const entry of batch) { this.assigning.delete(entry.name) }
          this.components.settled()
        }).catch(() => {})
      }
    }
  }

  private async assign (target: string, entries: DirectoryEntry[]): Promise<void> {
    const { log } = this.components
    let started: DirectoryEntry[]
    try {
      const answer = target === this.components.self
        ? await this.components.startHere(entries)
        : await this.components.call(target, ['start', entries, null, false], this.components.callTimeout)
      const [ok, failed] = validateStartAnswer(answer)
      started = ok
      for (const [name, reason] of failed) { log('failover of %s to %s failed: %s', name, target, reason) }
    } catch (err) {
      log('failover of %d actors to %s failed - %e', entries.length, target, err)
      return
    }
    const from = new Map(entries.map(entry => [entry.name, entry.holder]))
    this.components.learn(started)
    for (const entry of started) {
      this.components.failedOver({ name: entry.name, from: from.get(entry.name) ?? '', to: target })
    }
  }
}
