// SWIM failure detection and membership as a pure state machine: feed it time and messages, send what it returns.
import { Gossip } from './gossip.ts'
import { MemberTable, copyMember } from './member-table.ts'
import { NewsMerger } from './merge-news.ts'
import { Outbox } from './outbox.ts'
import { ProbeOrder } from './probe-order.ts'
import { Prober } from './prober.ts'
import { Sync } from './sync.ts'
import { View } from './view.ts'
import type { SwimMessage } from './messages.ts'
import type { SwimOutput } from './outbox.ts'
import type { Random } from './random.ts'
import type { SwimConfig } from './swim-config.ts'
import type { SelfUpdate } from './view.ts'
import type { Member } from '../index.ts'

export type { SwimEvent, SwimEventType, SwimOutput } from './outbox.ts'
export type { SwimConfig } from './swim-config.ts'
export type { SelfUpdate } from './view.ts'

export interface SwimCoreInit {
  self: Pick<Member, 'id' | 'name' | 'roles' | 'addresses'>
  config: SwimConfig
  random: Random
  now: number
}

/** Routes time and messages to the part that handles them; every part writes what it produces to one outbox. */
export class SwimCore {
  private readonly outbox = new Outbox()
  private readonly view: View
  private readonly gossip: Gossip
  private readonly news: NewsMerger
  private readonly order: ProbeOrder
  private readonly prober: Prober
  private readonly sync: Sync

  constructor (init: SwimCoreInit) {
    const { config, random, now } = init
    const outbox = this.outbox
    const table = new MemberTable()
    this.view = new View(init.self, table)
    this.gossip = new Gossip({ config, table, outbox })
    this.order = new ProbeOrder(random, this.view)
    this.news = new NewsMerger({
      config,
      view: this.view,
      gossip: this.gossip,
      outbox,
      onJoin: (id) => { this.order.add(id) }
    })
    // the prober draws its first probe time before sync draws its first sync: another order changes every seeded run
    this.prober = new Prober({
      config,
      random,
      now,
      view: this.view,
      order: this.order,
      gossip: this.gossip,
      outbox,
      suspect: (id, at) => { this.news.suspect(id, at) }
    })
    this.sync = new Sync({ config, random, now, view: this.view, outbox })
  }

  self (): Member {
    return copyMember(this.view.self)
  }

  members (): Member[] {
    return this.view.members()
  }

  get (id: string): Member | undefined {
    return this.view.get(id)
  }

  isActive (id: string): boolean {
    return this.view.isActive(id)
  }

  get hasLeft (): boolean {
    return this.view.hasLeft
  }

  /**
   * Restricts probing, relaying and leave announcements to these members; undefined means every known member
   * (full mesh). News still spreads to the whole cluster by gossip between neighbours.
   */
  setNeighbours (ids?: Iterable<string>): void {
    this.view.setNeighbours(ids)
    this.order.restart()
  }

  /** Advances timers: starts probes, escalates silent ones, expires suspects and tombstones. */
  tick (now: number): SwimOutput {
    if (this.hasLeft) { return this.outbox.drain() }
    this.prober.tick(now)
    for (const id of this.news.expire(now)) { this.sync.forget(id) }
    this.sync.tick(now)
    return this.outbox.drain()
  }

  /** Handles one validated message; `from` must be the authenticated sender, never a field of the message. */
  receive (from: string, message: SwimMessage, now: number): SwimOutput {
    if (this.hasLeft || from === this.view.self.id) { return this.outbox.drain() }
    const sender = this.view.statusOf(from)
    // a stranger, or a member we think dead, needs our whole view (it may have to refute)
    const needsSync = sender == null || sender === 'dead'
    let refuted: boolean

    switch (message.type) {
      case 'ping':
        refuted = this.news.merge(message.updates, now)
        this.prober.answer(from, message.seq)
        break
      case 'ack':
        refuted = this.news.merge(message.updates, now)
        this.prober.onAck(message.seq)
        break
      case 'ping-req':
        refuted = this.news.merge(message.updates, now)
        this.prober.relay(from, message.seq, message.target, now)
        break
      case 'sync':
        this.news.merge(message.members, now)
        this.sync.answer(from, now)
        return this.outbox.drain()
      case 'sync-ack':
        if (this.news.merge(message.members, now)) { this.gossip.send(from) }
        return this.outbox.drain()
      case 'gossip':
        refuted = this.news.merge(message.updates, now)
        break
      default:
        // the validator lets no other type through
        return this.outbox.drain()
    }
    if (needsSync) {
      this.sync.with(from, now, false)
    } else if (refuted && message.type !== 'ping') {
      // the sender doubts us and no ack is going back to carry the answer
      this.gossip.send(from)
    }
    return this.outbox.drain()
  }

  /** Push-pull sync with a member we just connected to: how a joining node learns the full view. */
  join (peer: string, now: number): SwimOutput {
    if (!this.hasLeft && peer !== this.view.self.id) { this.sync.with(peer, now, false) }
    return this.outbox.drain()
  }

  /** A strong hint that a member is gone (its connection closed): counts as a failed probe. */
  connectionLost (peer: string, now: number): SwimOutput {
    if (!this.hasLeft && this.view.isEligible(peer)) {
      this.prober.cancel(peer)
      this.news.suspect(peer, now)
    }
    return this.outbox.drain()
  }

  /** Marks this node as left and announces it to every member it probes; the node should stop soon after. */
  leave (now: number): SwimOutput {
    if (this.hasLeft) { return this.outbox.drain() }
    this.view.markLeft()
    this.prober.stop()
    this.gossip.announce(this.self(), this.view.eligible())
    return this.outbox.drain()
  }

  /** Changes this node's own record (e.g. new listen addresses); a new incarnation makes the news win. */
  updateSelf (update: SelfUpdate, now: number): SwimOutput {
    if (this.hasLeft) { return this.outbox.drain() }
    this.view.updateSelf(update)
    this.gossip.spread(this.view.self)
    return this.outbox.drain()
  }
}
