// SWIM failure detection and membership as a pure state machine: feed it time and messages, send what it returns.
import { DisseminationQueue } from './dissemination-queue.ts'
import { MemberTable, copyMember, isActiveStatus, supersedes } from './member-table.ts'
import { randomInt, sample, shuffle } from './random.ts'
import type { Outbound, SwimMessage } from './messages.ts'
import type { Random } from './random.ts'
import type { Member } from '../index.ts'

export interface SwimConfig {
  /** ms between two probes started by this node */
  probeInterval: number
  /** ms to wait for a direct ack before asking others to probe */
  probeTimeout: number
  /** ms a suspect has to refute before this node declares it dead */
  suspectTimeout: number
  /** members asked to probe a silent target */
  indirectProbes: number
  /** ms a dead or left member is remembered, so stale news cannot bring it back */
  tombstoneTimeout: number
  /** ms between anti-entropy syncs with one random member; 0 turns them off */
  syncInterval: number
  /** each update is sent about retransmitMult * log2(n + 1) times */
  retransmitMult: number
  /** most updates carried by one message */
  maxPiggyback: number
}

export type SwimEventType = 'join' | 'suspect' | 'alive' | 'leave'

export interface SwimEvent {
  type: SwimEventType
  member: Member
}

/** Everything one call produced: messages for the caller to deliver, view changes for it to announce. */
export interface SwimOutput {
  send: Outbound[]
  events: SwimEvent[]
}

export interface SwimCoreInit {
  self: Pick<Member, 'id' | 'name' | 'roles' | 'addresses'>
  config: SwimConfig
  random: Random
  now: number
}

export type SelfUpdate = Partial<Pick<Member, 'name' | 'roles' | 'addresses'>>

interface Probe {
  target: string
  seq: number
  startedAt: number
  indirect: boolean
}

/** A ping we send on behalf of a member that asked us to (ping-req). */
interface Relay {
  requester: string
  requesterSeq: number
  expiresAt: number
}

export class SwimCore {
  private readonly selfMember: Member
  private readonly config: SwimConfig
  private readonly random: Random
  private readonly table = new MemberTable()
  private readonly queue = new DisseminationQueue()
  private readonly relays = new Map<number, Relay>()
  private readonly lastSyncTo = new Map<string, number>()
  private probe?: Probe
  private probeOrder: string[] = []
  private probeIndex = 0
  private nextProbeAt: number
  private nextSyncAt: number
  private seq = 0
  /** set while handling a message that made us raise our incarnation */
  private refuted = false
  private neighbours?: Set<string>
  private out: SwimOutput = { send: [], events: [] }

  constructor (init: SwimCoreInit) {
    this.config = init.config
    this.random = init.random
    this.selfMember = {
      id: init.self.id,
      name: init.self.name,
      roles: [...init.self.roles],
      addresses: [...init.self.addresses],
      status: 'alive',
      incarnation: 0
    }
    // nodes started together should not probe in lockstep
    this.nextProbeAt = init.now + randomInt(this.random, this.config.probeInterval)
    this.nextSyncAt = init.now + this.config.syncInterval + randomInt(this.random, Math.max(1, this.config.syncInterval))
  }

  self (): Member {
    return copyMember(this.selfMember)
  }

  members (): Member[] {
    return this.view()
  }

  get (id: string): Member | undefined {
    if (id === this.selfMember.id) { return this.self() }
    const entry = this.table.get(id)
    return entry == null ? undefined : copyMember(entry.member)
  }

  isActive (id: string): boolean {
    const member = id === this.selfMember.id ? this.selfMember : this.table.get(id)?.member
    return member != null && isActiveStatus(member.status)
  }

  get hasLeft (): boolean {
    return this.selfMember.status === 'left'
  }

  /**
   * Restricts probing, relaying and leave announcements to these members; undefined means every known member
   * (full mesh). News still spreads to the whole cluster by gossip between neighbours.
   */
  setNeighbours (ids?: Iterable<string>): void {
    this.neighbours = ids == null ? undefined : new Set(ids)
    this.probeIndex = this.probeOrder.length
  }

  /** Advances timers: starts probes, escalates silent ones, expires suspects and tombstones. */
  tick (now: number): SwimOutput {
    if (this.hasLeft) { return this.drain() }
    this.advanceProbe(now)
    if (now >= this.nextProbeAt) {
      this.nextProbeAt = now + this.config.probeInterval
      this.startProbe(now)
    }
    for (const [seq, relay] of this.relays) {
      if (now >= relay.expiresAt) { this.relays.delete(seq) }
    }
    for (const entry of this.table.values()) {
      const { member, changedAt } = entry
      if (member.status === 'suspect' && now >= changedAt + this.config.suspectTimeout) {
        this.apply({ ...member, status: 'dead' }, now)
      } else if ((member.status === 'dead' || member.status === 'left') && now >= changedAt + this.config.tombstoneTimeout) {
        this.table.delete(member.id)
        this.lastSyncTo.delete(member.id)
      }
    }
    if (this.config.syncInterval > 0 && now >= this.nextSyncAt) {
      this.nextSyncAt = now + this.config.syncInterval
      const alive = this.eligible().filter(id => this.table.get(id)?.member.status === 'alive')
      if (alive.length > 0) { this.syncWith(alive[randomInt(this.random, alive.length)], now, true) }
    }
    return this.drain()
  }

  /** Handles one validated message; `from` must be the authenticated sender, never a field of the message. */
  receive (from: string, message: SwimMessage, now: number): SwimOutput {
    if (this.hasLeft || from === this.selfMember.id) { return this.drain() }
    this.refuted = false
    const sender = this.table.get(from)?.member
    // a stranger, or a member we think dead, needs our whole view (it may have to refute)
    const needsSync = sender == null || sender.status === 'dead'

    switch (message.type) {
      case 'ping':
        this.merge(message.updates, now)
        this.sendTo(from, { type: 'ack', seq: message.seq, updates: this.piggyback(from) })
        break
      case 'ack':
        this.merge(message.updates, now)
        this.onAck(message.seq)
        break
      case 'ping-req':
        this.merge(message.updates, now)
        this.relay(from, message.seq, message.target, now)
        break
      case 'sync':
        this.merge(message.members, now)
        this.sendTo(from, { type: 'sync-ack', members: this.view() })
        this.lastSyncTo.set(from, now)
        return this.drain()
      case 'sync-ack':
        this.merge(message.members, now)
        if (this.refuted) { this.sendTo(from, { type: 'gossip', updates: this.piggyback(from) }) }
        return this.drain()
      case 'gossip':
        this.merge(message.updates, now)
        break
      default:
        // the validator lets no other type through
        return this.drain()
    }
    if (needsSync) {
      this.syncWith(from, now, false)
    } else if (this.refuted && message.type !== 'ping') {
      // the sender doubts us and no ack is going back to carry the answer
      this.sendTo(from, { type: 'gossip', updates: this.piggyback(from) })
    }
    return this.drain()
  }

  /** Push-pull sync with a member we just connected to: how a joining node learns the full view. */
  join (peer: string, now: number): SwimOutput {
    if (!this.hasLeft && peer !== this.selfMember.id) { this.syncWith(peer, now, false) }
    return this.drain()
  }

  /** A strong hint that a member is gone (its connection closed): counts as a failed probe. */
  connectionLost (peer: string, now: number): SwimOutput {
    if (!this.hasLeft && this.isEligible(peer)) {
      if (this.probe?.target === peer) { this.probe = undefined }
      this.suspect(peer, now)
    }
    return this.drain()
  }

  /** Marks this node as left and announces it to every member it probes; the node should stop soon after. */
  leave (now: number): SwimOutput {
    if (this.hasLeft) { return this.drain() }
    this.selfMember.status = 'left'
    this.probe = undefined
    this.relays.clear()
    const news = copyMember(this.selfMember)
    const skip = new Set([news.id])
    for (const id of this.eligible()) {
      const updates = [news, ...this.queue.take(this.config.maxPiggyback - 1, this.retransmitLimit(), skip)]
      this.out.send.push({ to: id, message: { type: 'gossip', updates } })
    }
    return this.drain()
  }

  /** Changes this node's own record (e.g. new listen addresses); a new incarnation makes the news win. */
  updateSelf (update: SelfUpdate, now: number): SwimOutput {
    if (this.hasLeft) { return this.drain() }
    if (update.name != null) { this.selfMember.name = update.name }
    if (update.roles != null) { this.selfMember.roles = [...update.roles] }
    if (update.addresses != null) { this.selfMember.addresses = [...update.addresses] }
    this.selfMember.incarnation++
    this.queue.enqueue(this.selfMember)
    return this.drain()
  }

  private drain (): SwimOutput {
    const out = this.out
    this.out = { send: [], events: [] }
    return out
  }

  private view (): Member[] {
    const all = [copyMember(this.selfMember)]
    for (const entry of this.table.values()) { all.push(copyMember(entry.member)) }
    return all
  }

  private isEligible (id: string): boolean {
    if (id === this.selfMember.id) { return false }
    if (this.neighbours != null && !this.neighbours.has(id)) { return false }
    const entry = this.table.get(id)
    return entry != null && isActiveStatus(entry.member.status)
  }

  private eligible (): string[] {
    const ids: string[] = []
    for (const entry of this.table.values()) {
      if (this.isEligible(entry.member.id)) { ids.push(entry.member.id) }
    }
    return ids
  }

  /** Round-robin over a shuffled list bounds the time until any member is probed (SWIM section 4.3). */
  private nextTarget (): string | undefined {
    for (;;) {
      if (this.probeIndex >= this.probeOrder.length) {
        this.probeOrder = shuffle(this.random, this.eligible())
        this.probeIndex = 0
        if (this.probeOrder.length === 0) { return undefined }
      }
      const id = this.probeOrder[this.probeIndex++]
      if (this.isEligible(id)) { return id }
    }
  }

  /** A newcomer goes at a random place in the rest of the round, so it is probed within this round. */
  private addProbeTarget (id: string): void {
    const remaining = this.probeOrder.length - this.probeIndex
    this.probeOrder.splice(this.probeIndex + randomInt(this.random, remaining + 1), 0, id)
  }

  private startProbe (now: number): void {
    const target = this.nextTarget()
    if (target == null) { return }
    const seq = ++this.seq
    this.probe = { target, seq, startedAt: now, indirect: false }
    this.sendTo(target, { type: 'ping', seq, updates: this.piggyback(target) })
  }

  private advanceProbe (now: number): void {
    const probe = this.probe
    if (probe == null) { return }
    if (!probe.indirect && now >= probe.startedAt + this.config.probeTimeout) {
      probe.indirect = true
      const helpers = this.eligible().filter(id => id !== probe.target && this.table.get(id)?.member.status === 'alive')
      for (const helper of sample(this.random, helpers, this.config.indirectProbes)) {
        this.sendTo(helper, { type: 'ping-req', seq: probe.seq, target: probe.target, updates: this.piggyback(helper) })
      }
    }
    if (now >= probe.startedAt + this.config.probeInterval) {
      this.probe = undefined
      this.suspect(probe.target, now)
    }
  }

  private onAck (seq: number): void {
    if (this.probe?.seq === seq) {
      this.probe = undefined
      return
    }
    const relay = this.relays.get(seq)
    if (relay == null) { return }
    this.relays.delete(seq)
    this.sendTo(relay.requester, { type: 'ack', seq: relay.requesterSeq, updates: this.piggyback(relay.requester) })
  }

  private relay (requester: string, requesterSeq: number, target: string, now: number): void {
    if (target === this.selfMember.id) {
      this.sendTo(requester, { type: 'ack', seq: requesterSeq, updates: this.piggyback(requester) })
      return
    }
    const seq = ++this.seq
    this.relays.set(seq, { requester, requesterSeq, expiresAt: now + this.config.probeInterval })
    this.sendTo(target, { type: 'ping', seq, updates: this.piggyback(target) })
  }

  private syncWith (peer: string, now: number, force: boolean): void {
    const last = this.lastSyncTo.get(peer)
    // both ends of a new connection may ask at once; one exchange per probe interval is plenty
    if (!force && last != null && now - last < this.config.probeInterval) { return }
    this.lastSyncTo.set(peer, now)
    this.sendTo(peer, { type: 'sync', members: this.view() })
  }

  /** Our own suspicion (failed probe or lost connection). */
  private suspect (id: string, now: number): void {
    const member = this.table.get(id)?.member
    if (member?.status !== 'alive') { return }
    this.apply({ ...member, status: 'suspect' }, now)
    // tell the suspect at once: if it is alive it refutes now instead of when gossip happens to reach it
    this.sendTo(id, { type: 'gossip', updates: this.piggyback(id) })
  }

  private merge (updates: Member[], now: number): void {
    for (const update of updates) { this.apply(update, now) }
  }

  private apply (update: Member, now: number): void {
    if (update.id === this.selfMember.id) {
      this.refute(update)
      return
    }
    const entry = this.table.get(update.id)
    if (entry != null && !supersedes(update, entry.member)) { return }
    const before = entry?.member.status
    const member = this.table.set(update, now).member
    // whoever learns news passes it on: that is what makes the spread infection-style
    this.queue.enqueue(member)

    const wasActive = before != null && isActiveStatus(before)
    const isActive = isActiveStatus(member.status)
    if (!wasActive && isActive) {
      this.addProbeTarget(member.id)
      this.emit('join', member)
      if (member.status === 'suspect') { this.emit('suspect', member) }
    } else if (wasActive && !isActive) {
      this.emit('leave', member)
    } else if (before === 'alive' && member.status === 'suspect') {
      this.emit('suspect', member)
    } else if (before === 'suspect' && member.status === 'alive') {
      this.emit('alive', member)
    }
  }

  /** Only this node may speak for itself: any doubt at our incarnation or above is answered with a higher one. */
  private refute (update: Member): void {
    const self = this.selfMember
    if (self.status === 'left' || update.incarnation < self.incarnation) { return }
    if (update.status === 'alive' && update.incarnation === self.incarnation) { return }
    self.incarnation = update.incarnation + 1
    this.queue.enqueue(self)
    this.refuted = true
  }

  /** News for one recipient: first our doubt about the recipient itself, so it can refute at once. */
  private piggyback (to: string): Member[] {
    const updates: Member[] = []
    const about = this.table.get(to)?.member
    if (about != null && about.status !== 'alive') { updates.push(copyMember(about)) }
    const skip = updates.length > 0 ? new Set([to]) : undefined
    updates.push(...this.queue.take(this.config.maxPiggyback - updates.length, this.retransmitLimit(), skip))
    return updates
  }

  private retransmitLimit (): number {
    return Math.max(1, this.config.retransmitMult * Math.ceil(Math.log2(this.table.activeCount() + 2)))
  }

  private sendTo (to: string, message: SwimMessage): void {
    this.out.send.push({ to, message })
  }

  private emit (type: SwimEventType, member: Member): void {
    this.out.events.push({ type, member: copyMember(member) })
  }
}
