// Piggybacked news: what each outgoing message carries, so membership changes spread infection-style.
import { DisseminationQueue } from './dissemination-queue.ts'
import { copyMember } from './member-table.ts'
import type { MemberTable } from './member-table.ts'
import type { Outbox } from './outbox.ts'
import type { SwimConfig } from './swim-config.ts'
import type { Member } from '../index.ts'

export interface GossipInit {
  config: Pick<SwimConfig, 'retransmitMult' | 'maxPiggyback'>
  table: MemberTable
  outbox: Outbox
}

export class Gossip {
  private readonly config: GossipInit['config']
  private readonly table: MemberTable
  private readonly outbox: Outbox
  private readonly queue = new DisseminationQueue()

  constructor (init: GossipInit) {
    this.config = init.config
    this.table = init.table
    this.outbox = init.outbox
  }

  /** Queues news to ride on the next messages, replacing older news about the same member. */
  spread (member: Member): void {
    this.queue.enqueue(member)
  }

  /** News for one recipient: first our doubt about the recipient itself, so it can refute at once. */
  piggyback (to: string): Member[] {
    const updates: Member[] = []
    const about = this.table.get(to)?.member
    if (about != null && about.status !== 'alive') { updates.push(copyMember(about)) }
    const skip = updates.length > 0 ? new Set([to]) : undefined
    updates.push(...this.queue.take(this.config.maxPiggyback - updates.length, this.retransmitLimit(), skip))
    return updates
  }

  /** News with no probe attached, for a member that needs it now (it is suspected, or doubted us). */
  send (to: string): void {
    this.outbox.send(to, { type: 'gossip', updates: this.piggyback(to) })
  }

  /** Sends news that cannot wait for a probe to carry it (a leave), with whatever else is queued. */
  announce (news: Member, to: string[]): void {
    const skip = new Set([news.id])
    for (const id of to) {
      const updates = [news, ...this.queue.take(this.config.maxPiggyback - 1, this.retransmitLimit(), skip)]
      this.outbox.send(id, { type: 'gossip', updates })
    }
  }

  private retransmitLimit (): number {
    return Math.max(1, this.config.retransmitMult * Math.ceil(Math.log2(this.table.activeCount() + 2)))
  }
}
