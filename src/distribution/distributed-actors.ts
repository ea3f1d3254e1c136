// The distributed-actor runtime of one node: runs the actors the name table assigns here, restarts a lost member's
// actors (when this node coordinates), and moves actors with their state on migrate, drain and rebalance. Their
// entries live in the name table every kind of actor shares, so a name is taken once whatever the actor's kind.
//
// It has no clock, timer, randomness or socket of its own: time and ids come from its components, messages go
// through the messaging, endpoints and membership it is given. The node hands it the real ones; the simulator hands
// it virtual ones, and a run there replays from its seed.
import { TypedEventEmitter } from '@libp2p/interface'
import { ActorNotFoundError } from '../actors/errors.ts'
import { DISTRIBUTED_PREFIX } from '../cluster/system-endpoints.ts'
import { NameTakenError } from '../names/errors.ts'
import { refOf as nameRefOf } from '../names/name-entry.ts'
import { systemClock } from '../time/clock.ts'
import { toHex } from '../wire/hex.ts'
import { createDistributionParts } from './distribution-parts.ts'
import { quorumHolds } from './duties.ts'
import { MAX_DISTRIBUTED_NAME } from './entry.ts'
import { DistributionOptionError, NoEligibleNodeError, NoQuorumError, PlacementFailedError } from './errors.ts'
import { LEAVING_REFUSAL } from './hosting.ts'
import { newEntry } from './spawn-options.ts'
import { DIST_ENDPOINT, validateDistMessage, validateStartAnswer } from './wire.ts'
import type { Checkpoints } from './checkpoints.ts'
import type { Delivery } from './delivery.ts'
import type { DistributedEntries } from './distributed-entries.ts'
import type { EntryPlacement } from './entry-placement.ts'
import type { DirectoryEntry, QuorumRule } from './entry.ts'
import type { Hosting } from './hosting.ts'
import type { DistributeOptions, DistributedActorInfo, DistributionEvents, DistributionInit } from './index.ts'
import type { Moves } from './moves.ts'
import type { Reconciler } from './reconciler.ts'
import type { ActorClass } from '../actors/index.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { NodeLoad } from '../cluster/load-report.ts'
import type { SystemEndpoints } from '../cluster/system-endpoints.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { NameEntry } from '../names/name-entry.ts'
import type { NameService } from '../names/name-service.ts'
import type { Clock, Timer } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

const SECOND = 1000
const DEFAULT_DRAIN_TIMEOUT = 30 * SECOND
/** wait after a join before rebalancing, so a burst of joins moves each actor once */
const REBALANCE_DELAY = 500
/**
 * up to this many other members, a drain is announced to each: in a full mesh every notice rides a connection that
 * exists. Past it most would be a dial for one message, 199 per node leaving a cluster of 200, so only the members
 * next in line to coordinate hear it, and a spawn that lands on the leaving node is placed again.
 */
const DRAIN_NOTICE_TO_ALL_AT_MOST = 48
/** members told of a drain in a larger cluster: those that take over coordinating failover should it be this one */
const DRAIN_NOTICE_SUCCESSORS = 2
/** placements of one spawn: each refusal by a leaving member places it again without that member */
const SPAWN_PLACEMENTS = 3

export interface DistributedActorsComponents {
  self: string
  membership: Pick<Membership, 'activeMembers' | 'get' | 'isActive' | 'addEventListener' | 'removeEventListener'>
  actors: Pick<LocalActors, 'spawn' | 'stop'>
  messaging: {
    send(node: string, actorId: string, body: unknown): void
    call(node: string, actorId: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  }
  endpoints: Pick<SystemEndpoints, 'register' | 'unregister'>
  /** a member's last reported load, this node's included */
  load(id: string): NodeLoad | undefined
  /** the name table every kind of actor shares: distributed actors' entries are written and read through it */
  names: Pick<NameService, 'table' | 'resolve' | 'write' | 'learn' | 'confirm' | 'flush' | 'nextVersion' | 'addEventListener' | 'removeEventListener'>
  hasQuorum(rule: QuorumRule): boolean
  /** counts a message that reached no actor */
  undeliverable(reason: string): void
  log: Logger
  /** time and timers (default the process's clock) */
  clock?: Clock
  /** the random part of an unnamed actor's name (default 8 random bytes in hex) */
  newId?(): string
}

export interface DistributedActorsInit extends DistributionInit {
  callTimeout: number
}

export class DistributedActors extends TypedEventEmitter<DistributionEvents> {
  private readonly components: DistributedActorsComponents
  private readonly init: Required<DistributedActorsInit>
  private readonly self: string
  private readonly log: Logger
  private readonly clock: Clock
  private readonly names: DistributedActorsComponents['names']
  private readonly entries: DistributedEntries
  private readonly placement: EntryPlacement
  private readonly checkpoints: Checkpoints
  private readonly hosting: Hosting
  private readonly delivery: Delivery
  private readonly moves: Moves
  private readonly types = new Map<string, ActorClass>()
  private readonly typeNames = new Map<ActorClass, string>()
  private readonly reconciler: Reconciler
  private running = false
  private rebalanceTimer: Timer | undefined
  private readonly onMemberJoin = (evt: CustomEvent<Member>): void => { this.memberJoined(evt.detail) }
  private readonly onMemberLeave = (evt: CustomEvent<Member>): void => {
    this.placement.draining.delete(evt.detail.id)
    this.reconciler.schedule()
  }

  private readonly onMemberAlive = (evt: CustomEvent<Member>): void => { this.placement.draining.delete(evt.detail.id) }
  /**
   * Reconciles when a distributed actor's entry changed, or a local actor took the name of one running here; other
   * local names are none of this part's business, and a reconcile walks every distributed entry.
   */
  private readonly onNamesChanged = (evt: CustomEvent<NameEntry[]>): void => {
    let relevant = false
    for (const entry of evt.detail) {
      if (entry.kind === 'distributed') {
        relevant = true
        if (entry.stopped) { this.checkpoints.forget(entry.name) }
      } else if (this.hosting.has(entry.name)) {
        relevant = true
      }
    }
    if (relevant) { this.reconciler.schedule() }
  }

  constructor (components: DistributedActorsComponents, init: DistributedActorsInit) {
    super()
    this.components = components
    this.init = { rebalance: false, drainTimeout: DEFAULT_DRAIN_TIMEOUT, ...init }
    this.self = components.self
    this.log = components.log
    this.clock = components.clock ?? systemClock()
    this.names = components.names
    const parts = createDistributionParts(components, {
      clock: this.clock,
      callTimeout: init.callTimeout,
      classOf: (type) => this.types.get(type),
      running: () => this.running,
      emit: (type, detail) => { this.safeDispatchEvent(type, { detail } as any) }
    })
    this.entries = parts.entries
    this.placement = parts.placement
    this.checkpoints = parts.checkpoints
    this.hosting = parts.hosting
    this.delivery = parts.delivery
    this.moves = parts.moves
    this.reconciler = parts.reconciler
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    this.components.endpoints.register(DIST_ENDPOINT, {
      send: (_target, body, from) => {
        this.receive(body, from, false).catch(err => { this.log('dropped a distribution message from %s - %e', from, err) })
        return true
      },
      call: async (_target, body, from) => this.receive(body, from, true)
    })
    this.components.endpoints.register(DISTRIBUTED_PREFIX, {
      send: (target, body) => this.delivery.deliver(target.slice(1), { message: body }, 0),
      call: async (target, body) => new Promise((resolve, reject) => { this.delivery.deliver(target.slice(1), { message: body, reply: { resolve, reject } }, 0) })
    })
    const membership = this.components.membership
    this.names.addEventListener('names:changed', this.onNamesChanged)
    membership.addEventListener('member:join', this.onMemberJoin)
    membership.addEventListener('member:leave', this.onMemberLeave)
    membership.addEventListener('member:alive', this.onMemberAlive)
    this.reconciler.start()
  }

  stop (): void {
    if (!this.running) { return }
    this.running = false
    this.components.endpoints.unregister(DIST_ENDPOINT)
    this.components.endpoints.unregister(DISTRIBUTED_PREFIX)
    const membership = this.components.membership
    membership.removeEventListener('member:join', this.onMemberJoin)
    membership.removeEventListener('member:leave', this.onMemberLeave)
    membership.removeEventListener('member:alive', this.onMemberAlive)
    this.names.removeEventListener('names:changed', this.onNamesChanged)
    this.reconciler.stop()
    this.rebalanceTimer?.cancel()
    this.checkpoints.stop()
    this.delivery.dropAll()
    this.hosting.clear()
  }

  /** Makes an actor class startable here by name; every node that may host it must define it. */
  define (actor: ActorClass, type = actor.name): string {
    if (type === '' || type.length > 256) { throw new DistributionOptionError('an actor type needs a name of 1 to 256 characters: pass one to define()') }
    const known = this.types.get(type)
    if (known != null && known !== actor) { throw new DistributionOptionError(`actor type "${type}" is already defined by another class`) }
    this.types.set(type, actor)
    this.typeNames.set(actor, type)
    return type
  }

  /** true when the name belongs to a live distributed actor */
  has (name: string): boolean {
    return this.entries.live(name) != null
  }

  lookup (name: string): ActorRef | undefined {
    const entry = this.entries.live(name)
    return entry != null ? refOf(entry) : undefined
  }

  list (): DistributedActorInfo[] {
    const list: DistributedActorInfo[] = []
    for (const entry of this.entries.all()) {
      if (!entry.stopped) { list.push({ name: entry.name, type: entry.type, node: entry.holder, ref: refOf(entry) }) }
    }
    return list
  }

  /** distributed actors running anywhere in the cluster, as this node's table has them */
  get liveCount (): number {
    return this.names.table.liveOf('distributed')
  }

  /** names of the distributed actors running on this node */
  hostedNames (): string[] {
    return [...this.hosting.names()]
  }

  get localCount (): number {
    return this.hosting.size
  }

  async spawn (actor: ActorClass, name: string | undefined, args: unknown[], options: DistributeOptions): Promise<ActorRef> {
    const type = this.typeNames.get(actor) ?? this.define(actor)
    const key = name ?? `${type}-${this.components.newId?.() ?? toHex(crypto.getRandomValues(new Uint8Array(8)))}`
    if (key.length > MAX_DISTRIBUTED_NAME) { throw new DistributionOptionError(`a distributed actor's name is at most ${MAX_DISTRIBUTED_NAME} characters`) }
    // any live actor's name, local or distributed: one namespace
    const held = this.names.resolve(key)
    if (held != null) { throw new NameTakenError(key, nameRefOf(held)) }
    const entry = newEntry(this.self, key, type, args, options)
    if (typeof options.placement === 'function') { this.placement.useFunction(key, options.placement) }
    if (!quorumHolds(entry, this.reconciler.view())) { throw new NoQuorumError(key, String(entry.quorum)) }
    let refusal = 'no answer'
    for (let placement = 0; placement < SPAWN_PLACEMENTS; placement++) {
      const target = this.placement.placeOf(entry)
      if (target == null) { throw new NoEligibleNodeError(key, entry.roles) }
      // the holder tells every member before it answers: a spawn that returned is visible everywhere, so a call by
      // name from any member finds it at once
      const answer = target === this.self
        ? await this.hosting.startPlaced([entry], null, true)
        : await this.components.messaging.call(target, DIST_ENDPOINT, ['start', [entry], null, true], { timeout: this.init.callTimeout })
      const [started, failed] = validateStartAnswer(answer)
      if (started.length > 0) {
        this.names.learn(started)
        return refOf(started[0])
      }
      refusal = failed[0]?.[1] ?? 'no answer'
      // a member leaving before its drain notice reached this node: never place here again while it leaves
      if (refusal !== LEAVING_REFUSAL || target === this.self) { throw new PlacementFailedError(key, target, refusal) }
      this.placement.draining.add(target)
    }
    throw new PlacementFailedError(key, `${SPAWN_PLACEMENTS} members in turn`, refusal)
  }

  /** Stops a distributed actor wherever it runs; its name is free again. */
  async stopActor (name: string): Promise<void> {
    const entry = this.entries.live(name)
    if (entry == null) { throw new ActorNotFoundError(`named "${name}"`) }
    this.names.write({ ...entry, stopped: true, taken: entry.taken ?? entry.version, version: this.names.nextVersion(entry.version) })
    await this.hosting.end(name)
    this.checkpoints.forget(name)
  }

  /** Moves an actor to another member with its state; returns its new ref. */
  async migrate (name: string, to: string, signal?: AbortSignal): Promise<ActorRef> {
    const entry = this.entries.live(name)
    if (entry == null) { throw new ActorNotFoundError(`named "${name}"`) }
    const target = this.resolveMember(to)
    if (entry.holder === target) { return refOf(entry) }
    if (entry.holder !== this.self) {
      const moved = await this.components.messaging.call(entry.holder, DIST_ENDPOINT, ['migrate', name, target], { timeout: this.init.callTimeout, signal })
      if (typeof moved !== 'string') { throw new PlacementFailedError(name, target, 'the holder gave no new location') }
      // the holder's answer, not this node's table: the new holder's update may reach us after the answer does
      return { node: moved, id: DISTRIBUTED_PREFIX + name }
    }
    const moved = await this.moves.moveBatch(target, [name])
    if (!moved.includes(name)) { throw new PlacementFailedError(name, target, 'the move was refused or timed out; the actor keeps running here') }
    return this.lookup(name) ?? { node: target, id: DISTRIBUTED_PREFIX + name }
  }

  /** true from the start of drain(): this node hands its actors off and takes no new ones */
  get isDraining (): boolean {
    return this.placement.selfDraining
  }

  /**
   * Moves every actor of this node to other members with its state, before a graceful stop. Members are told
   * first, so they neither place new actors here nor restart these from scratch. It then stays a member until the
   * calls it passed on to the actors' new holders are answered and senders have stopped using it as a relay: were
   * it to leave first, their callers would get NodeDownError for calls that did reach the actor.
   */
  async drain (): Promise<void> {
    if (!this.running || this.placement.selfDraining) { return }
    this.placement.selfDraining = true
    for (const peer of this.drainNoticeTargets()) { this.components.messaging.send(peer, DIST_ENDPOINT, ['drain']) }
    const deadline = this.clock.now() + this.init.drainTimeout
    await this.moves.drain(deadline)
    this.names.flush()
    if (this.hosting.size > 0) { this.log('%d distributed actors could not be moved before leaving', this.hosting.size) }
    await this.delivery.quiesce(Math.min(deadline, this.clock.now() + this.init.callTimeout))
  }

  /** Sends a message to a distributed actor by name, from this node. */
  send (name: string, message: unknown): void {
    this.delivery.send(name, message)
  }

  async call (name: string, message: unknown, timeout: number, signal?: AbortSignal): Promise<unknown> {
    return this.delivery.call(name, message, timeout, signal)
  }

  /** `answered` is false for a send: a forwarded send must stay a send, so a handler's throw is not an answer. */
  private async receive (body: unknown, from: string, answered: boolean): Promise<unknown> {
    const message = validateDistMessage(body)
    switch (message[0]) {
      case 'start':
        return this.hosting.startPlaced(message[1], message[2], message[3])
      case 'drain':
        this.placement.draining.add(from)
        this.reconciler.schedule()
        return null
      case 'migrate':
        return (await this.migrate(message[1], message[2])).node
      case 'checkpoint':
        this.checkpoints.keep(message[1], message[2], message[3])
        return null
      case 'checkpoints':
        return this.checkpoints.local(message[1])
      case 'forward':
        return this.delivery.forwarded(message[1], message[2], message[3], answered)
      default:
        // validateDistMessage lets no other kind through
        return null
    }
  }

  private memberJoined (member: Member): void {
    this.placement.draining.delete(member.id)
    if (member.id === this.self || !this.init.rebalance) { return }
    this.rebalanceTimer?.cancel()
    this.rebalanceTimer = this.clock.after(REBALANCE_DELAY, () => {
      this.moves.rebalance().catch(err => { this.log('rebalance failed - %e', err) })
    })
  }

  /** Every other member in a small cluster; past that the members that coordinate failover once this one is gone. */
  private drainNoticeTargets (): string[] {
    const peers = this.peers()
    if (peers.length <= DRAIN_NOTICE_TO_ALL_AT_MOST) { return peers }
    return peers.filter(id => !this.placement.draining.has(id)).sort().slice(0, DRAIN_NOTICE_SUCCESSORS)
  }

  private peers (): string[] {
    return this.components.membership.activeMembers().map(member => member.id).filter(id => id !== this.self)
  }

  private resolveMember (to: string): string {
    const member = this.components.membership.activeMembers().find(m => m.id === to || m.name === to)
    if (member == null) { throw new DistributionOptionError(`no active member with the id or name "${to}"`) }
    return member.id
  }
}

function refOf (entry: DirectoryEntry): ActorRef {
  return { node: entry.holder, id: DISTRIBUTED_PREFIX + entry.name }
}
