// Merging membership news: which record wins, what each status change announces, and refuting doubts about self.
import { isActiveStatus, supersedes } from './member-table.ts'
import type { Gossip } from './gossip.ts'
import type { Outbox } from './outbox.ts'
import type { SwimConfig } from './swim-config.ts'
import type { View } from './view.ts'
import type { Member } from '../index.ts'

export interface NewsMergerInit {
  config: Pick<SwimConfig, 'suspectTimeout' | 'tombstoneTimeout'>
  view: View
  gossip: Gossip
  outbox: Outbox
  /** a member became active: probing should reach it within the current round */
  onJoin(id: string): void
}

export class NewsMerger {
  private readonly config: NewsMergerInit['config']
  private readonly view: View
  private readonly gossip: Gossip
  private readonly outbox: Outbox
  private readonly onJoin: (id: string) => void

  constructor (init: NewsMergerInit) {
    this.config = init.config
    this.view = init.view
    this.gossip = init.gossip
    this.outbox = init.outbox
    this.onJoin = init.onJoin
  }

  /** Applies news from a peer; true when some of it doubted us and we raised our incarnation. */
  merge (updates: Member[], now: number): boolean {
    let refuted = false
    for (const update of updates) {
      if (this.apply(update, now)) { refuted = true }
    }
    return refuted
  }

  /** Our own suspicion (failed probe or lost connection). */
  suspect (id: string, now: number): void {
    const member = this.view.table.get(id)?.member
    if (member?.status !== 'alive') { return }
    this.apply({ ...member, status: 'suspect' }, now)
    // tell the suspect at once: if it is alive it refutes now instead of when gossip happens to reach it
    this.gossip.send(id)
  }

  /** Declares suspects that did not refute in time dead; returns the tombstones old enough to forget. */
  expire (now: number): string[] {
    const forgotten: string[] = []
    for (const entry of this.view.table.values()) {
      const { member, changedAt } = entry
      if (member.status === 'suspect' && now >= changedAt + this.config.suspectTimeout) {
        this.apply({ ...member, status: 'dead' }, now)
      } else if ((member.status === 'dead' || member.status === 'left') && now >= changedAt + this.config.tombstoneTimeout) {
        this.view.table.delete(member.id)
        forgotten.push(member.id)
      }
    }
    return forgotten
  }

  /** Returns true when the update was about us and made us refute. */
  private apply (update: Member, now: number): boolean {
    if (update.id === this.view.self.id) { return this.refute(update) }
    const entry = this.view.table.get(update.id)
    if (entry != null && !supersedes(update, entry.member)) { return false }
    const before = entry?.member.status
    const member = this.view.table.set(update, now).member
    // whoever learns news passes it on: that is what makes the spread infection-style
    this.gossip.spread(member)

    const wasActive = before != null && isActiveStatus(before)
    const isActive = isActiveStatus(member.status)
    if (!wasActive && isActive) {
      this.onJoin(member.id)
      this.outbox.emit('join', member)
      if (member.status === 'suspect') { this.outbox.emit('suspect', member) }
    } else if (wasActive && !isActive) {
      this.outbox.emit('leave', member)
    } else if (before === 'alive' && member.status === 'suspect') {
      this.outbox.emit('suspect', member)
    } else if (before === 'suspect' && member.status === 'alive') {
      this.outbox.emit('alive', member)
    }
    return false
  }

  /** Only this node may speak for itself: any doubt at our incarnation or above is answered with a higher one. */
  private refute (update: Member): boolean {
    const self = this.view.self
    if (self.status === 'left' || update.incarnation < self.incarnation) { return false }
    if (update.status === 'alive' && update.incarnation === self.incarnation) { return false }
    self.incarnation = update.incarnation + 1
    this.gossip.spread(self)
    return true
  }
}
