// SWIM failure detection and membership as a pure state machine: feed it time and messages, send what it returns.
import { GossipRounds } from './gossip-rounds.ts'
import { Gossip } from './gossip.ts'
import { LocalHealth } from './local-health.ts'
import { MemberTable, copyMember } from './member-table.ts'
import { NewsMerger } from './merge-news.ts'
import { Outbox } from './outbox.ts'
import { ProbeOrder } from './probe-order.ts'
import { Prober } from './prober.ts'
import { sample } from './random.ts'
import { RunClock } from './run-clock.ts'
import { Suspicions } from './suspicion.ts'
import { Sync } from './sync.ts'
import { View } from './view.ts'
import type { Piggyback, SwimMessage } from './messages.ts'
import type { SwimOutput } from './outbox.ts'
import type { Random } from './random.ts'
import type { SwimConfig } from './swim-config.ts'
import type { SelfSigner, SelfUpdate } from './view.ts'
import type { MemberRecord } from '../index.ts'

export type { SwimEvent, SwimEventType, SwimOutput } from './outbox.ts'
export type { SwimConfig } from './swim-config.ts'
export type { SelfUpdate } from './view.ts'

export interface SwimCoreInit {
  self: Pick<MemberRecord, 'id' | 'name' | 'roles' | 'addresses'>
  config: SwimConfig
  random: Random
  now: number
  /** signs each new version of this node's record; without it records carry no proof (the simulator) */
  sign?: SelfSigner
}

/**
 * Routes time and messages to the part that handles them; every part writes what it produces to one outbox.
 *
 * Every entry point takes the caller's wall time and reads it through a clock that stands still while this node
 * did not run (see RunClock): a node whose event loop was blocked raises its local health multiplier and, for one
 * probe timeout after it resumes, judges no one, so that the answers queued while it was stalled are read first.
 */
export class SwimCore {
  private readonly config: SwimConfig
  private readonly random: Random
  private readonly outbox = new Outbox()
  private readonly clock: RunClock
  private readonly health: LocalHealth
  private readonly view: View
  private readonly gossip: Gossip
  private readonly news: NewsMerger
  private readonly order: ProbeOrder
  private readonly prober: Prober
  private readonly sync: Sync
  private readonly rounds: GossipRounds
  /** local time until which no verdict is made: this node just resumed from a stall */
  private quietUntil = -Infinity
  /** local time of the last stall that raised local health */
  private lastStallRaise = -Infinity

  constructor (init: SwimCoreInit) {
    const { config, random, now } = init
    const outbox = this.outbox
    const table = new MemberTable()
    this.config = config
    this.random = random
    // a stall as long as a probe timeout could fail a probe on its own; shorter lags are a busy process's normal
    this.clock = new RunClock({ tickInterval: config.tickInterval, lateAfter: config.probeTimeout, now })
    this.health = new LocalHealth(config.localHealthMax)
    this.view = new View(init.self, table, init.sign)
    const suspicions = new Suspicions(init.self.id)
    this.gossip = new Gossip({
      config,
      self: this.view.self,
      table,
      outbox,
      witnesses: (id, incarnation) => suspicions.reportOf(id, incarnation)
    })
    this.order = new ProbeOrder(random, this.view, config)
    this.news = new NewsMerger({
      config,
      view: this.view,
      gossip: this.gossip,
      outbox,
      suspicions,
      health: this.health,
      onJoin: (id, at) => { this.order.add(id, at) },
      verify: (id, at) => { this.prober.check(id, at, false) }
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
      health: this.health,
      suspect: (id, at, closed) => { this.news.suspect(id, at, closed) },
      answered: (id, at) => { this.news.answered(id, at) }
    })
    this.sync = new Sync({ config, random, now, view: this.view, outbox })
    this.rounds = new GossipRounds({ config, random, view: this.view, gossip: this.gossip })
  }

  self (): MemberRecord {
    return copyMember(this.view.self)
  }

  members (): MemberRecord[] {
    return this.view.members()
  }

  get (id: string): MemberRecord | undefined {
    return this.view.get(id)
  }

  isActive (id: string): boolean {
    return this.view.isActive(id)
  }

  get hasLeft (): boolean {
    return this.view.hasLeft
  }

  /** Lifeguard's local health score, 0 when healthy: probe timing is stretched by this plus one. */
  get localHealth (): number {
    return this.health.score
  }

  /**
   * A connection to the member opened. A member that joined is probed only once its connection had linkSettle to
   * settle, or once its joinGrace ran out: probing it sooner would time the dial, the handshake and the new
   * connection's own setup traffic rather than the member.
   */
  linked (id: string, now: number): void {
    this.order.linked(id, this.time(now, false))
  }

  /**
   * Restricts probing, relaying and leave announcements to these members; undefined means every known member
   * (full mesh). News still spreads to the whole cluster by gossip between neighbours.
   */
  setNeighbours (ids?: Iterable<string>): void {
    this.view.setNeighbours(ids)
    this.order.restart()
  }

  /**
   * Advances timers: starts probes, escalates silent ones, expires suspects and tombstones. Call it every
   * `tickInterval` ms; a call that comes much later tells the core that this node itself was not running.
   */
  tick (wall: number): SwimOutput {
    const now = this.time(wall, true)
    if (this.hasLeft || now < this.quietUntil) { return this.outbox.drain() }
    this.prober.tick(now)
    for (const id of this.news.expire(now)) {
      this.sync.forget(id)
      this.outbox.forget(id)
    }
    this.sync.tick(now)
    this.rounds.tick(now)
    return this.outbox.drain()
  }

  /** Handles one validated message; `from` must be the authenticated sender, never a field of the message. */
  receive (from: string, message: SwimMessage, wall: number): SwimOutput {
    const now = this.time(wall)
    if (this.hasLeft || from === this.view.self.id) { return this.outbox.drain() }
    const sender = this.view.statusOf(from)
    // a stranger, or a member we think dead, needs our whole view (it may have to refute)
    const needsSync = sender == null || sender === 'dead'
    let refuted: boolean

    switch (message.type) {
      case 'ping':
        refuted = this.merge(from, message, now)
        this.prober.answer(from, message.seq)
        break
      case 'ack':
        refuted = this.merge(from, message, now)
        this.prober.onAck(from, message.seq, now)
        break
      case 'nack':
        this.prober.onNack(from, message.seq)
        return this.outbox.drain()
      case 'ping-req':
        refuted = this.merge(from, message, now)
        this.prober.relay(from, message.seq, message.target, message.nack === true, now)
        break
      case 'sync':
        this.news.merge(from, message.members, now)
        this.sync.answer(from, now)
        return this.outbox.drain()
      case 'sync-ack':
        if (this.news.merge(from, message.members, now)) {
          this.gossip.owe(from)
          this.gossip.send(from)
        }
        return this.outbox.drain()
      case 'gossip':
        refuted = this.merge(from, message, now)
        break
      default:
        // the validator lets no other type through
        return this.outbox.drain()
    }
    if (needsSync) {
      this.sync.with(from, now, false)
    } else if (refuted && message.type !== 'ping') {
      // the sender doubts us, or missed our refutation, and no ack is going back to carry our record
      this.gossip.send(from)
    }
    return this.outbox.drain()
  }

  /**
   * Push-pull sync with a member we just connected to: how a joining node learns the full view. In partial views a
   * connection to a member we hold active is one dialled on demand (a call, a probe of a stranger): the views already
   * meet through the neighbours' gossip, and a full view each way would cost more than the call.
   */
  join (peer: string, wall: number): SwimOutput {
    const now = this.time(wall)
    const known = this.view.watchesNeighboursOnly && this.view.isActive(peer)
    if (!this.hasLeft && peer !== this.view.self.id && !known) { this.sync.with(peer, now, false) }
    return this.outbox.drain()
  }

  /** Push-pull sync with a member that just became a neighbour in the overlay's partial views. */
  meet (peer: string, wall: number): SwimOutput {
    const now = this.time(wall)
    if (!this.hasLeft && peer !== this.view.self.id) { this.sync.with(peer, now, false) }
    return this.outbox.drain()
  }

  /**
   * A hint that a member may be gone (its last connection closed): it is pinged at once, out of turn, and
   * suspected if that ping goes unanswered for a probe timeout. A live member answers and nothing happens; a
   * crashed one is suspected within a probe timeout by every member it was connected to, and those independent
   * suspicions confirm each other down to the shortest suspicion timeout.
   */
  connectionLost (peer: string, wall: number): SwimOutput {
    const now = this.time(wall)
    if (!this.hasLeft && this.view.isEligible(peer)) { this.prober.check(peer, now, true) }
    return this.outbox.drain()
  }

  /** Marks this node as left and announces it to every member it probes; the node should stop soon after. */
  leave (wall: number): SwimOutput {
    this.time(wall)
    if (this.hasLeft) { return this.outbox.drain() }
    this.view.markLeft()
    this.prober.stop()
    // in partial views the neighbours may be leaving too (a scale-down): a few members beyond them hear it as well
    const strangers = this.config.strangerProbeEvery > 0 ? sample(this.random, this.view.strangers(), this.config.indirectProbes) : []
    this.gossip.announce(this.self(), [...this.view.eligible(), ...strangers])
    return this.outbox.drain()
  }

  /** Changes this node's own record (e.g. new listen addresses); a new incarnation makes the news win. */
  updateSelf (update: SelfUpdate, wall: number): SwimOutput {
    this.time(wall)
    if (this.hasLeft) { return this.outbox.drain() }
    this.view.updateSelf(update)
    this.gossip.spread(this.view.self, true)
    return this.outbox.drain()
  }

  /**
   * Merges the news a message carried, then counts the suspicions its sender vouched for as confirmations. A
   * sender that doubted us gets our record with whatever we send it next, the ack to its ping included.
   */
  private merge (from: string, message: Piggyback, now: number): boolean {
    const refuted = this.news.merge(from, message.updates, now)
    if (refuted) { this.gossip.owe(from) }
    this.news.confirm(from, message.updates, message.witnesses)
    return refuted
  }

  /**
   * Local time for wall time `wall`; a stall holds verdicts a while and raises the local health multiplier, at most
   * once per probe interval: a busy process (many nodes in one, a heavy job) stalls often, and a successful probe,
   * which lowers it by one, comes once per interval; more raises would pin it at its maximum on a healthy node.
   */
  private time (wall: number, tick = false): number {
    const { local, stalled } = this.clock.read(wall, tick)
    if (stalled) {
      if (local - this.lastStallRaise >= this.health.scale(this.config.probeInterval)) {
        this.health.raise()
        this.lastStallRaise = local
      }
      this.quietUntil = local + this.health.scale(this.config.probeTimeout)
    }
    return local
  }
}
