// The distributed-actor runtime of one node: runs the actors the name table assigns here, restarts a lost member's
// actors (when this node coordinates), and moves actors with their state on migrate, drain and rebalance. Their
// entries live in the name table every kind of actor shares, so a name is taken once whatever the actor's kind.
import { randomBytes } from 'node:crypto'
import { TypedEventEmitter } from '@libp2p/interface'
import { ActorNotFoundError } from '../actors/errors.ts'
import { DISTRIBUTED_PREFIX } from '../cluster/system-endpoints.ts'
import { AbortError, CallTimeoutError } from '../messaging/errors.ts'
import { NameTakenError } from '../names/errors.ts'
import { refOf as nameRefOf } from '../names/name-entry.ts'
import { Placer } from '../placement/index.ts'
import { Checkpoints } from './checkpoints.ts'
import { coordinatorOf, holderDuties, orphans, quorumHolds } from './duties.ts'
import { compareVersions, MAX_DISTRIBUTED_NAME } from './entry.ts'
import { DistributionOptionError, NoEligibleNodeError, NoQuorumError, PlacementFailedError, UnknownActorTypeError } from './errors.ts'
import { Parking } from './parking.ts'
import { DIST_ENDPOINT, validateDistMessage, validateStartAnswer } from './wire.ts'
import type { ClusterView } from './duties.ts'
import type { DirectoryEntry, PlacementKind, QuorumRule } from './entry.ts'
import type { DistributeOptions, DistributedActorInfo, DistributionEvents, DistributionInit } from './index.ts'
import type { ParkedLetter } from './parking.ts'
import type { DistMessage } from './wire.ts'
import type { ActorCell, Reply } from '../actors/actor-cell.ts'
import type { ActorClass } from '../actors/index.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { NodeLoad } from '../cluster/node-load.ts'
import type { SystemEndpoints } from '../cluster/system-endpoints.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { NameEntry } from '../names/name-entry.ts'
import type { NameService } from '../names/name-service.ts'
import type { PlacementCandidate, PlacementFunction } from '../placement/index.ts'
import type { Logger } from '@libp2p/interface'

const SECOND = 1000
const DEFAULT_DRAIN_TIMEOUT = 30 * SECOND
/** how often duties are checked even when nothing announced a change: a lost message costs at most this */
const TICK_INTERVAL = SECOND
/** a message passed on more often than this is in a loop between nodes whose views disagree */
const MAX_HOPS = 4
/** letters waiting for one actor; past this they are refused, so a stuck name cannot eat memory */
const MAX_PARKED_PER_NAME = 10_000
/** a failed start is not retried before this */
const START_RETRY_DELAY = 2 * SECOND
/** wait after a join before rebalancing, so a burst of joins moves each actor once */
const REBALANCE_DELAY = 500
/** how long a holder this node has never seen as a member counts as still joining, not as gone */
const UNKNOWN_HOLDER_GRACE = 10 * SECOND
/** a draining node leaves once it has passed no message on for this long */
const QUIET_PERIOD = 200
/** actors moved in one request */
const MOVE_BATCH = 256

export interface DistributedActorsComponents {
  self: string
  membership: Membership
  actors: LocalActors
  messaging: {
    send(node: string, actorId: string, body: unknown): void
    call(node: string, actorId: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  }
  endpoints: SystemEndpoints
  /** a member's last reported load, this node's included */
  load(id: string): NodeLoad | undefined
  /** the name table every kind of actor shares: distributed actors' entries are written and read through it */
  names: Pick<NameService, 'table' | 'resolve' | 'write' | 'learn' | 'confirm' | 'flush' | 'nextVersion' | 'addEventListener' | 'removeEventListener'>
  hasQuorum(rule: QuorumRule): boolean
  /** counts a message that reached no actor */
  undeliverable(reason: string): void
  log: Logger
}

export interface DistributedActorsInit extends DistributionInit {
  callTimeout: number
}

export class DistributedActors extends TypedEventEmitter<DistributionEvents> {
  private readonly components: DistributedActorsComponents
  private readonly init: Required<DistributedActorsInit>
  private readonly self: string
  private readonly log: Logger
  private readonly names: DistributedActorsComponents['names']
  private readonly checkpoints: Checkpoints
  private readonly parking: Parking
  /** keeps hash rings between calls: a failover places thousands of names over the same members */
  private readonly placer = new Placer()
  private readonly types = new Map<string, ActorClass>()
  private readonly typeNames = new Map<ActorClass, string>()
  /** placement functions of actors spawned here: a function cannot travel with the entry */
  private readonly customPlacements = new Map<string, PlacementFunction>()
  /** the distributed actors running here */
  private readonly hosted = new Map<string, ActorCell>()
  private readonly starting = new Map<string, Promise<DirectoryEntry>>()
  /** names this node asked another member to start, until it answers */
  private readonly assigning = new Set<string>()
  /** names whose start failed here, and when to try again */
  private readonly startFailed = new Map<string, number>()
  /** other members that announced they are moving their actors away */
  private readonly draining = new Set<string>()
  private selfDraining = false
  /** calls this node passed on to an actor's new holder and still waits to answer */
  private forwardsInFlight = 0
  private lastForward = 0
  private running = false
  private startedAt = 0
  private reconcileScheduled: ReturnType<typeof setImmediate> | undefined
  private tick: ReturnType<typeof setInterval> | undefined
  private rebalanceTimer: ReturnType<typeof setTimeout> | undefined
  private readonly onMemberJoin = (evt: CustomEvent<Member>): void => { this.memberJoined(evt.detail) }
  private readonly onMemberLeave = (evt: CustomEvent<Member>): void => {
    this.draining.delete(evt.detail.id)
    this.scheduleReconcile()
  }

  private readonly onMemberAlive = (evt: CustomEvent<Member>): void => { this.draining.delete(evt.detail.id) }
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
      } else if (this.hosted.has(entry.name)) {
        relevant = true
      }
    }
    if (relevant) { this.scheduleReconcile() }
  }

  constructor (components: DistributedActorsComponents, init: DistributedActorsInit) {
    super()
    this.components = components
    this.init = { rebalance: false, drainTimeout: DEFAULT_DRAIN_TIMEOUT, ...init }
    this.self = components.self
    this.log = components.log
    const send = (peer: string, message: DistMessage): void => { components.messaging.send(peer, DIST_ENDPOINT, message) }
    const call = async (peer: string, message: DistMessage, timeout: number): Promise<unknown> =>
      components.messaging.call(peer, DIST_ENDPOINT, message, { timeout })
    const peers = (): string[] => this.peers()
    this.names = components.names
    this.checkpoints = new Checkpoints({
      replicasOf: (name, count) => this.placer.rank(name, this.candidates(this.get(name)?.roles ?? []).filter(c => c.id !== this.self)).slice(0, count).map(c => c.id),
      peers,
      send,
      call,
      now: Date.now,
      log: this.log
    })
    this.parking = new Parking({
      timeout: init.callTimeout,
      maxPerName: MAX_PARKED_PER_NAME,
      now: Date.now,
      onDropped: (name, letter) => {
        if (letter.reply != null) {
          letter.reply.reject(new ActorNotFoundError(`named "${name}" (not running anywhere within ${init.callTimeout} ms)`))
        } else {
          this.components.undeliverable(`distributed actor "${name}" was not running anywhere in time`)
        }
      }
    })
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    this.startedAt = Date.now()
    this.components.endpoints.register(DIST_ENDPOINT, {
      send: (_target, body, from) => {
        this.receive(body, from, false).catch(err => { this.log('dropped a distribution message from %s - %e', from, err) })
        return true
      },
      call: async (_target, body, from) => this.receive(body, from, true)
    })
    this.components.endpoints.register(DISTRIBUTED_PREFIX, {
      send: (target, body) => this.deliver(target.slice(1), { message: body }, 0),
      call: async (target, body) => new Promise((resolve, reject) => { this.deliver(target.slice(1), { message: body, reply: { resolve, reject } }, 0) })
    })
    const membership = this.components.membership
    this.names.addEventListener('names:changed', this.onNamesChanged)
    membership.addEventListener('member:join', this.onMemberJoin)
    membership.addEventListener('member:leave', this.onMemberLeave)
    membership.addEventListener('member:alive', this.onMemberAlive)
    this.tick = setInterval(() => { this.onTick() }, TICK_INTERVAL)
    this.tick.unref?.()
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
    clearInterval(this.tick)
    clearTimeout(this.rebalanceTimer)
    clearImmediate(this.reconcileScheduled)
    this.reconcileScheduled = undefined
    this.checkpoints.stop()
    this.parking.dropAll()
    this.hosted.clear()
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
    return this.live(name) != null
  }

  lookup (name: string): ActorRef | undefined {
    const entry = this.live(name)
    return entry != null ? refOf(entry) : undefined
  }

  list (): DistributedActorInfo[] {
    const list: DistributedActorInfo[] = []
    for (const entry of this.entries()) {
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
    return [...this.hosted.keys()]
  }

  get localCount (): number {
    return this.hosted.size
  }

  async spawn (actor: ActorClass, name: string | undefined, args: unknown[], options: DistributeOptions): Promise<ActorRef> {
    const type = this.typeNames.get(actor) ?? this.define(actor)
    const key = name ?? `${type}-${randomBytes(8).toString('hex')}`
    if (key.length > MAX_DISTRIBUTED_NAME) { throw new DistributionOptionError(`a distributed actor's name is at most ${MAX_DISTRIBUTED_NAME} characters`) }
    // any live actor's name, local or distributed: one namespace
    const held = this.names.resolve(key)
    if (held != null) { throw new NameTakenError(key, nameRefOf(held)) }
    const entry = this.newEntry(key, type, args, options)
    if (!quorumHolds(entry, this.view())) { throw new NoQuorumError(key, String(entry.quorum)) }
    const target = this.placeOf(entry)
    if (target == null) { throw new NoEligibleNodeError(key, entry.roles) }
    // the holder tells every member before it answers: a spawn that returned is visible everywhere, so a call by
    // name from any member finds it at once
    const answer = target === this.self
      ? await this.startBatch([entry], null, true)
      : await this.components.messaging.call(target, DIST_ENDPOINT, ['start', [entry], null, true], { timeout: this.init.callTimeout })
    const [started, failed] = validateStartAnswer(answer)
    if (started.length === 0) { throw new PlacementFailedError(key, target, failed[0]?.[1] ?? 'no answer') }
    this.names.learn(started)
    return refOf(started[0])
  }

  /** Stops a distributed actor wherever it runs; its name is free again. */
  async stopActor (name: string): Promise<void> {
    const entry = this.live(name)
    if (entry == null) { throw new ActorNotFoundError(`named "${name}"`) }
    this.names.write({ ...entry, stopped: true, taken: entry.taken ?? entry.version, version: this.names.nextVersion(entry.version) })
    await this.end(name)
    this.checkpoints.forget(name)
  }

  /** Moves an actor to another member with its state; returns its new ref. */
  async migrate (name: string, to: string, signal?: AbortSignal): Promise<ActorRef> {
    const entry = this.live(name)
    if (entry == null) { throw new ActorNotFoundError(`named "${name}"`) }
    const target = this.resolveMember(to)
    if (entry.holder === target) { return refOf(entry) }
    if (entry.holder !== this.self) {
      const moved = await this.components.messaging.call(entry.holder, DIST_ENDPOINT, ['migrate', name, target], { timeout: this.init.callTimeout, signal })
      if (typeof moved !== 'string') { throw new PlacementFailedError(name, target, 'the holder gave no new location') }
      // the holder's answer, not this node's table: the new holder's update may reach us after the answer does
      return { node: moved, id: DISTRIBUTED_PREFIX + name }
    }
    const moved = await this.moveBatch(target, [name])
    if (!moved.includes(name)) { throw new PlacementFailedError(name, target, 'the move was refused or timed out; the actor keeps running here') }
    return this.lookup(name) ?? { node: target, id: DISTRIBUTED_PREFIX + name }
  }

  /** true from the start of drain(): this node hands its actors off and takes no new ones */
  get isDraining (): boolean {
    return this.selfDraining
  }

  /**
   * Moves every actor of this node to other members with its state, before a graceful stop. Members are told
   * first, so they neither place new actors here nor restart these from scratch.
   */
  async drain (): Promise<void> {
    if (!this.running || this.selfDraining) { return }
    this.selfDraining = true
    for (const peer of this.peers()) { this.components.messaging.send(peer, DIST_ENDPOINT, ['drain']) }
    const deadline = Date.now() + this.init.drainTimeout
    for (let round = 0; round < 3 && this.hosted.size > 0 && Date.now() < deadline; round++) {
      const byTarget = new Map<string, string[]>()
      for (const name of this.hosted.keys()) {
        const entry = this.get(name)
        const target = entry != null ? this.placeQuietly(entry) : undefined
        if (target == null) { continue }
        appendTo(byTarget, target, name)
      }
      if (byTarget.size === 0) { break }
      await Promise.allSettled([...byTarget].map(async ([target, names]) => {
        for (let i = 0; i < names.length && Date.now() < deadline; i += MOVE_BATCH) {
          await this.moveBatch(target, names.slice(i, i + MOVE_BATCH))
        }
      }))
    }
    this.names.flush()
    if (this.hosted.size > 0) { this.log('%d distributed actors could not be moved before leaving', this.hosted.size) }
    await this.quiesce(deadline)
  }

  /**
   * Stays a member until the calls this node passed on to the actors' new holders are answered and senders have
   * stopped using it as a relay: were it to leave first, their callers would get NodeDownError for calls that
   * did reach the actor.
   */
  private async quiesce (deadline: number): Promise<void> {
    const until = Math.min(deadline, Date.now() + this.init.callTimeout)
    while (Date.now() < until && (this.forwardsInFlight > 0 || Date.now() - this.lastForward < QUIET_PERIOD)) {
      await new Promise(resolve => setTimeout(resolve, QUIET_PERIOD / 4))
    }
  }

  /** Sends a message to a distributed actor by name, from this node. */
  send (name: string, message: unknown): void {
    if (!this.deliver(name, { message }, 0)) { this.components.undeliverable(`no distributed actor named "${name}"`) }
  }

  async call (name: string, message: unknown, timeout: number, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { done(); reject(new CallTimeoutError(`${DISTRIBUTED_PREFIX}${name}`, timeout)) }, timeout)
      const onAbort = (): void => { done(); reject(new AbortError(signal?.reason)) }
      const done = (): void => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort) }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.deliver(name, {
        message,
        reply: {
          resolve: (value) => { done(); resolve(value) },
          reject: (err) => { done(); reject(err) }
        }
      }, 0)
    })
  }

  /**
   * Hands a message to the named actor: here when it runs here, parked while it starts, moves or waits for
   * failover, passed on to its holder otherwise. False when no such actor exists.
   */
  private deliver (name: string, letter: { message: unknown, reply?: Reply }, hops: number): boolean {
    const cell = this.hosted.get(name)
    if (cell != null) {
      cell.deliver(letter.message, letter.reply)
      return true
    }
    const entry = this.live(name)
    if (entry == null) {
      letter.reply?.reject(new ActorNotFoundError(`named "${name}"`))
      return false
    }
    if (entry.holder === this.self || this.starting.has(name) || !this.components.membership.isActive(entry.holder)) {
      this.parking.park(name, { ...letter, hops })
      return true
    }
    if (hops >= MAX_HOPS) {
      letter.reply?.reject(new ActorNotFoundError(`named "${name}" (passed between nodes ${hops} times)`))
      return false
    }
    const forward: DistMessage = ['forward', name, letter.message, hops + 1]
    if (letter.reply == null) {
      this.components.messaging.send(entry.holder, DIST_ENDPOINT, forward)
      this.lastForward = Date.now()
    } else {
      const reply = letter.reply
      this.forwardsInFlight++
      this.lastForward = Date.now()
      this.components.messaging.call(entry.holder, DIST_ENDPOINT, forward, { timeout: this.init.callTimeout })
        .then(reply.resolve, reply.reject)
        .finally(() => { this.forwardsInFlight-- })
    }
    return true
  }

  /** `answered` is false for a send: a forwarded send must stay a send, so a handler's throw is not an answer. */
  private async receive (body: unknown, from: string, answered: boolean): Promise<unknown> {
    const message = validateDistMessage(body)
    switch (message[0]) {
      case 'start':
        return this.startBatch(message[1], message[2], message[3])
      case 'drain':
        this.draining.add(from)
        this.scheduleReconcile()
        return null
      case 'migrate':
        return (await this.migrate(message[1], message[2])).node
      case 'checkpoint':
        this.checkpoints.keep(message[1], message[2], message[3])
        return null
      case 'checkpoints':
        return this.checkpoints.local(message[1])
      case 'forward':
        if (!answered) {
          if (!this.deliver(message[1], { message: message[2] }, message[3])) { this.components.undeliverable(`no distributed actor named "${message[1]}"`) }
          return null
        }
        return new Promise((resolve, reject) => { this.deliver(message[1], { message: message[2], reply: { resolve, reject } }, message[3]) })
      default:
        // validateDistMessage lets no other kind through
        return null
    }
  }

  /**
   * Starts actors placed here; `states` came with a move, else checkpoints are looked for. With `visible`, every
   * member has the new entries before this resolves.
   */
  private async startBatch (entries: DirectoryEntry[], states: unknown[] | null, visible = false): Promise<unknown> {
    if (this.selfDraining || !this.running) {
      return [[], entries.map(entry => [entry.name, 'the node is leaving'])]
    }
    let resumed = new Map<string, unknown>()
    if (states != null) {
      resumed = new Map(entries.map((entry, i) => [entry.name, states[i]]))
    } else {
      const checkpointed = entries.filter(entry => entry.checkpoint != null).map(entry => entry.name)
      if (checkpointed.length > 0) { resumed = await this.checkpoints.freshest(checkpointed, SECOND) }
    }
    const started: DirectoryEntry[] = []
    const failed: Array<[string, string]> = []
    await Promise.all(entries.map(async (entry) => {
      try {
        started.push(await this.startHere(entry, resumed.get(entry.name)))
      } catch (err: any) {
        failed.push([entry.name, `${err.name}: ${err.message}`])
      }
    }))
    // half the call timeout: the spawner's own call to this node must not time out while a slow member is waited for
    if (visible) { await Promise.all(started.map(async entry => { await this.names.confirm(entry, this.init.callTimeout / 2) })) }
    return [started, failed]
  }

  /** Runs an actor here and writes this node as its holder; the same start twice is one start. */
  private async startHere (entry: DirectoryEntry, state: unknown): Promise<DirectoryEntry> {
    const running = this.starting.get(entry.name)
    if (running != null) { return running }
    if (this.hosted.has(entry.name)) { return this.claim(entry) }
    const starting = this.spawnHere(entry, state)
    this.starting.set(entry.name, starting)
    try {
      return await starting
    } finally {
      this.starting.delete(entry.name)
      this.flushParked(entry.name)
    }
  }

  private async spawnHere (entry: DirectoryEntry, state: unknown): Promise<DirectoryEntry> {
    const actor = this.types.get(entry.type)
    if (actor == null) { throw new UnknownActorTypeError(entry.type) }
    const cell = await this.components.actors.spawn(actor, entry.args, undefined, { id: DISTRIBUTED_PREFIX + entry.name, state })
    this.hosted.set(entry.name, cell)
    this.startFailed.delete(entry.name)
    if (entry.checkpoint != null) { this.checkpoints.follow(entry.name, cell, entry.checkpoint.interval, entry.checkpoint.replicas) }
    return this.claim(entry)
  }

  /** Writes this node as an entry's holder, newer than any write of the name seen here. */
  private claim (entry: DirectoryEntry): DirectoryEntry {
    const known = this.names.table.get(entry.name)
    const after = known != null && compareVersions(known.version, entry.version) > 0 ? known.version : entry.version
    const version = this.names.nextVersion(after)
    // the first claim is when the actor took its name; a failover or a move keeps that moment
    const claimed: DirectoryEntry = { ...entry, holder: this.self, stopped: false, version, taken: entry.version.time === 0 ? version : entry.taken ?? entry.version }
    this.names.write(claimed)
    return claimed
  }

  /** Moves actors running here to `target` with their state; returns the names that moved. */
  private async moveBatch (target: string, names: string[]): Promise<string[]> {
    const cells = names.map(name => [name, this.hosted.get(name)] as const).filter((pair): pair is readonly [string, ActorCell] => pair[1] != null)
    await Promise.all(cells.map(async ([, cell]) => { await cell.pause() }))
    let answer: [DirectoryEntry[], Array<[string, string]>]
    let states: unknown[]
    try {
      states = await Promise.all(cells.map(async ([, cell]) => cell.handoffState()))
      const entries = cells.map(([name]) => this.get(name) as DirectoryEntry)
      answer = validateStartAnswer(await this.components.messaging.call(target, DIST_ENDPOINT, ['start', entries, states, false], { timeout: this.init.callTimeout }))
    } catch (err) {
      this.log('moving %d actors to %s failed - %e', cells.length, target, err)
      for (const [, cell] of cells) { cell.unpause() }
      return []
    }
    const [started, failed] = answer
    for (const [name, reason] of failed) {
      this.log('%s did not move to %s: %s', name, target, reason)
      this.hosted.get(name)?.unpause()
    }
    const moved: string[] = []
    this.names.learn(started)
    for (const entry of started) {
      const cell = this.hosted.get(entry.name)
      if (cell == null) { continue }
      this.hosted.delete(entry.name)
      this.checkpoints.unfollow(entry.name)
      const letters = cell.takeLetters()
      await this.components.actors.stop(cell.ref.id)
      // what arrived during the move goes after it, in arrival order
      for (const letter of letters) { this.deliver(entry.name, letter, 0) }
      moved.push(entry.name)
      this.safeDispatchEvent('actor:moved', { detail: { name: entry.name, from: this.self, to: target, withState: true } })
    }
    return moved
  }

  /** Ends the instance running here, if any; its waiting messages go to wherever the name table now says. */
  private async end (name: string): Promise<void> {
    const cell = this.hosted.get(name)
    if (cell == null) { return }
    this.hosted.delete(name)
    this.checkpoints.unfollow(name)
    const letters = cell.takeLetters()
    await this.components.actors.stop(cell.ref.id)
    for (const letter of letters) { this.deliver(name, letter, 0) }
  }

  private scheduleReconcile (): void {
    if (!this.running || this.reconcileScheduled != null) { return }
    this.reconcileScheduled = setImmediate(() => {
      this.reconcileScheduled = undefined
      this.reconcile()
    })
  }

  private onTick (): void {
    this.parking.expire()
    this.reconcile()
  }

  /** Brings this node in line with the name table, and restarts lost members' actors when it coordinates. */
  private reconcile (): void {
    if (!this.running) { return }
    const view = this.view()
    const now = Date.now()
    const duties = holderDuties(this.entries(), this.hosted.keys(), name => this.names.table.get(name), view)
    for (const entry of duties.start) {
      if ((this.startFailed.get(entry.name) ?? 0) > now || this.starting.has(entry.name)) { continue }
      this.startHere(entry, undefined).catch((err: Error) => { this.startFailedFor(entry.name, err) })
    }
    for (const { name, reason, entry } of duties.end) {
      const ended = this.hosted.get(name)?.ref
      this.end(name).catch((err: Error) => { this.log('ending %s failed - %e', name, err) })
      if (reason === 'duplicate' && entry != null && ended != null) {
        this.log('%s runs on %s too: this instance ends', name, entry.holder)
        this.safeDispatchEvent('actor:duplicate', { detail: { name, kept: nameRefOf(entry), ended } })
      } else if (reason === 'quorum') {
        this.safeDispatchEvent('actor:quorum-lost', { detail: { name } })
      }
    }
    for (const entry of duties.claim) { this.claim(entry) }
    for (const name of this.parking.names()) { this.flushParked(name) }
    if (coordinatorOf(view) === this.self && !this.selfDraining) { this.failover(view) }
  }

  /** Places every actor whose holder is gone, and asks the chosen members to start them. */
  private failover (view: ClusterView): void {
    const lost = orphans(this.entries(), view, this.assigning)
    if (lost.length === 0) { return }
    const byTarget = new Map<string, DirectoryEntry[]>()
    for (const entry of lost) {
      const target = this.placeQuietly(entry)
      if (target == null) { continue }
      appendTo(byTarget, target, entry)
    }
    for (const [target, entries] of byTarget) {
      for (let i = 0; i < entries.length; i += MOVE_BATCH) {
        const batch = entries.slice(i, i + MOVE_BATCH)
        for (const entry of batch) { this.assigning.add(entry.name) }
        this.assign(target, batch).finally(() => {
          for (const entry of batch) { this.assigning.delete(entry.name) }
          this.scheduleReconcile()
        }).catch(() => {})
      }
    }
  }

  private async assign (target: string, entries: DirectoryEntry[]): Promise<void> {
    let started: DirectoryEntry[]
    try {
      const answer = target === this.self
        ? await this.startBatch(entries, null)
        : await this.components.messaging.call(target, DIST_ENDPOINT, ['start', entries, null, false], { timeout: this.init.callTimeout })
      const [ok, failed] = validateStartAnswer(answer)
      started = ok
      for (const [name, reason] of failed) { this.log('failover of %s to %s failed: %s', name, target, reason) }
    } catch (err) {
      this.log('failover of %d actors to %s failed - %e', entries.length, target, err)
      return
    }
    const from = new Map(entries.map(entry => [entry.name, entry.holder]))
    this.names.learn(started)
    for (const entry of started) {
      this.safeDispatchEvent('actor:failover', { detail: { name: entry.name, from: from.get(entry.name) ?? '', to: target } })
    }
  }

  private startFailedFor (name: string, err: Error): void {
    this.startFailed.set(name, Date.now() + START_RETRY_DELAY)
    this.log.error('could not start distributed actor %s - %e', name, err)
  }

  /** Parked letters go where the name table now says, or keep waiting. */
  private flushParked (name: string): void {
    const entry = this.live(name)
    if (entry == null) {
      for (const letter of this.parking.take(name)) { this.dropParked(name, letter) }
      return
    }
    const ready = this.hosted.has(name) || (entry.holder !== this.self && !this.starting.has(name) && this.components.membership.isActive(entry.holder))
    if (!ready) { return }
    for (const letter of this.parking.take(name)) { this.deliver(name, letter, letter.hops) }
  }

  private dropParked (name: string, letter: ParkedLetter): void {
    if (letter.reply != null) { letter.reply.reject(new ActorNotFoundError(`named "${name}"`)) } else { this.components.undeliverable(`no distributed actor named "${name}"`) }
  }

  private memberJoined (member: Member): void {
    this.draining.delete(member.id)
    if (member.id === this.self) { return }
    if (this.init.rebalance) {
      clearTimeout(this.rebalanceTimer)
      this.rebalanceTimer = setTimeout(() => { this.rebalance().catch(err => { this.log('rebalance failed - %e', err) }) }, REBALANCE_DELAY)
    }
  }

  /** Moves actors placed by hash to the member their placement now prefers. */
  private async rebalance (): Promise<void> {
    const byTarget = new Map<string, string[]>()
    for (const name of this.hosted.keys()) {
      const entry = this.get(name)
      if (entry == null || (entry.placement !== 'rendezvous' && entry.placement !== 'hash-ring')) { continue }
      const target = this.placeQuietly(entry)
      if (target == null || target === this.self) { continue }
      appendTo(byTarget, target, name)
    }
    for (const [target, names] of byTarget) {
      for (let i = 0; i < names.length; i += MOVE_BATCH) { await this.moveBatch(target, names.slice(i, i + MOVE_BATCH)) }
    }
  }

  private newEntry (name: string, type: string, args: unknown[], options: DistributeOptions): DirectoryEntry {
    let placement: PlacementKind = 'rendezvous'
    if (typeof options.placement === 'function') {
      placement = 'custom'
      this.customPlacements.set(name, options.placement)
    } else if (options.placement != null) {
      if (!['rendezvous', 'hash-ring', 'least-loaded'].includes(options.placement)) {
        throw new DistributionOptionError(`placement must be 'rendezvous', 'hash-ring', 'least-loaded' or a function, not ${JSON.stringify(options.placement)}`)
      }
      placement = options.placement
    }
    const quorum = options.quorum === true ? 'majority' : options.quorum === false || options.quorum == null ? 0 : options.quorum
    if (quorum !== 'majority' && !(Number.isSafeInteger(quorum) && quorum >= 0)) { throw new DistributionOptionError('quorum must be true, false or a whole number of members') }
    const checkpoint = options.checkpoint
    if (checkpoint != null && !(checkpoint.interval > 0 && (checkpoint.replicas == null || (Number.isSafeInteger(checkpoint.replicas) && checkpoint.replicas >= 0)))) {
      throw new DistributionOptionError('checkpoint needs an interval in ms above 0 and a whole number of replicas')
    }
    return {
      kind: 'distributed',
      name,
      type,
      args,
      placement,
      roles: options.roles ?? [],
      quorum,
      ...(checkpoint != null ? { checkpoint: { interval: checkpoint.interval, replicas: checkpoint.replicas ?? 1 } } : {}),
      holder: this.self,
      stopped: false,
      version: { time: 0, counter: 0, writer: this.self }
    }
  }

  /** The member that should run an entry now, among active members that are not leaving. */
  private placeOf (entry: DirectoryEntry): string | undefined {
    const candidates = this.candidates(entry.roles)
    const custom = entry.placement === 'custom' ? this.customPlacements.get(entry.name) : undefined
    const strategy = custom ?? (entry.placement === 'custom' ? 'rendezvous' : entry.placement)
    return this.placer.place(entry.name, strategy, candidates, { roles: entry.roles })
  }

  /** placeOf for the node's own decisions: a custom function that throws leaves the actor where it is, logged */
  private placeQuietly (entry: DirectoryEntry): string | undefined {
    try {
      return this.placeOf(entry)
    } catch (err) {
      this.log.error('placement of %s failed - %e', entry.name, err)
      return undefined
    }
  }

  private candidates (roles: readonly string[]): PlacementCandidate[] {
    return this.components.membership.activeMembers()
      .filter(member => !this.draining.has(member.id) && !(member.id === this.self && this.selfDraining))
      .filter(member => roles.every(role => member.roles.includes(role)))
      .map(member => ({ id: member.id, name: member.name, roles: member.roles, load: this.components.load(member.id) }))
  }

  private view (): ClusterView {
    return {
      self: this.self,
      active: new Set(this.components.membership.activeMembers().map(member => member.id)),
      draining: this.selfDraining ? new Set([...this.draining, this.self]) : this.draining,
      hasQuorum: (rule) => this.components.hasQuorum(rule),
      gone: (id) => {
        const member = this.components.membership.get(id)
        if (member != null) { return member.status === 'dead' || member.status === 'left' }
        return Date.now() - this.startedAt > UNKNOWN_HOLDER_GRACE
      }
    }
  }

  private peers (): string[] {
    return this.components.membership.activeMembers().map(member => member.id).filter(id => id !== this.self)
  }

  private resolveMember (to: string): string {
    const member = this.components.membership.activeMembers().find(m => m.id === to || m.name === to)
    if (member == null) { throw new DistributionOptionError(`no active member with the id or name "${to}"`) }
    return member.id
  }

  /** the live entry of a distributed actor of that name; undefined when free or held by a local actor */
  private live (name: string): DirectoryEntry | undefined {
    const entry = this.names.table.live(name)
    return entry?.kind === 'distributed' ? entry : undefined
  }

  /** the entry of a distributed actor of that name, tombstone or not */
  private get (name: string): DirectoryEntry | undefined {
    const entry = this.names.table.get(name)
    return entry?.kind === 'distributed' ? entry : undefined
  }

  /** every distributed actor's entry, tombstones included */
  private * entries (): Generator<DirectoryEntry> {
    for (const entry of this.names.table.all()) {
      if (entry.kind === 'distributed') { yield entry }
    }
  }
}

function refOf (entry: DirectoryEntry): ActorRef {
  return { node: entry.holder, id: DISTRIBUTED_PREFIX + entry.name }
}

/** Adds a value to the list kept under a key; copying the list on every add would cost the square of its length. */
function appendTo<K, V> (lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key)
  if (list == null) { lists.set(key, [value]) } else { list.push(value) }
}
