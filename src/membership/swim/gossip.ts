// Piggybacked news: what each outgoing message carries, so membership changes spread infection-style.
import { DisseminationQueue } from './dissemination-queue.ts'
import { copyMember } from './member-table.ts'
import type { MemberTable } from './member-table.ts'
import type { Piggyback, Witnesses } from './messages.ts'
import type { Outbox } from './outbox.ts'
import type { WitnessReport } from './suspicion.ts'
import type { SwimConfig } from './swim-config.ts'
import type { MemberRecord } from '../index.ts'

export interface GossipInit {
  config: Pick<SwimConfig, 'retransmitMult' | 'maxPiggyback'>
  /** this node's own record, as it changes */
  self: MemberRecord
  table: MemberTable
  outbox: Outbox
  /** who this node knows to suspect `id` at `incarnation` */
  witnesses(id: string, incarnation: number): WitnessReport | undefined
}

export class Gossip {
  private readonly config: GossipInit['config']
  private readonly self: MemberRecord
  private readonly table: MemberTable
  private readonly outbox: Outbox
  private readonly witnesses: GossipInit['witnesses']
  private readonly queue = new DisseminationQueue()
  /** members that doubted us, or missed our refutation: the next message to each carries our record */
  private readonly owed = new Set<string>()

  constructor (init: GossipInit) {
    this.config = init.config
    this.self = init.self
    this.table = init.table
    this.outbox = init.outbox
    this.witnesses = init.witnesses
  }

  /** True while some news has not yet been sent as often as it must be. */
  get hasNews (): boolean {
    return this.queue.size > 0
  }

  /**
   * Queues news to ride on the next messages, replacing older news about the same member. News this node knows
   * first-hand (its own record, its own verdict, a member's word about itself) is also handed to the caller, whose
   * broadcast tree can take it to every member within a few hops: piggybacking alone crosses partial views one
   * neighbour at a time.
   */
  spread (member: MemberRecord, firstHand = false): void {
    this.queue.enqueue(member)
    if (firstHand) { this.outbox.news(this.vouch([copyMember(member)])) }
  }

  /** The next message to `to` carries our own record, however busy the queue: `to` holds an old one. */
  owe (to: string): void {
    this.owed.add(to)
  }

  /**
   * News for one recipient. First our doubt about the recipient itself, so it can refute at once: a ping to a
   * suspect is what tells it (Lifeguard's buddy system); then our own record if the recipient doubted us. Each
   * suspicion travels with the witnesses we know of.
   */
  piggyback (to: string): Piggyback {
    const updates: MemberRecord[] = []
    const skip = new Set<string>()
    const about = this.table.get(to)?.member
    if (about != null && about.status !== 'alive') {
      updates.push(copyMember(about))
      skip.add(to)
    }
    if (this.owed.delete(to)) {
      updates.push(copyMember(this.self))
      skip.add(this.self.id)
    }
    updates.push(...this.queue.take(this.config.maxPiggyback - updates.length, this.retransmitLimit(), skip))
    return this.vouch(updates)
  }

  /** News with no probe attached, for a member that needs it now (it is suspected, or doubted us). */
  send (to: string): void {
    this.outbox.send(to, { type: 'gossip', ...this.piggyback(to) })
  }

  /** Sends news that cannot wait for a probe to carry it (a leave), with whatever else is queued. */
  announce (news: MemberRecord, to: string[]): void {
    const skip = new Set([news.id])
    for (const id of to) {
      const updates = [news, ...this.queue.take(this.config.maxPiggyback - 1, this.retransmitLimit(), skip)]
      this.outbox.send(id, { type: 'gossip', ...this.vouch(updates) })
    }
  }

  private vouch (updates: MemberRecord[]): Piggyback {
    const witnesses: Witnesses[] = []
    for (const u of updates) {
      const report = u.status === 'suspect' ? this.witnesses(u.id, u.incarnation) : undefined
      if (report != null) { witnesses.push({ id: u.id, ...report }) }
    }
    return witnesses.length > 0 ? { updates, witnesses } : { updates }
  }

  private retransmitLimit (): number {
    return Math.max(1, this.config.retransmitMult * Math.ceil(Math.log2(this.table.activeCount() + 2)))
  }
}
