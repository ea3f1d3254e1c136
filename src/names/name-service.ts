// The name system of one node: takes and gives up the names of this node's actors, folds in what other nodes write,
// answers reads of the names it owns, and tells the actor that lost a name after a heal. Distributed actors write
// their entries through it too, so both kinds share one namespace and one table. Names live on every node, or in a
// large cluster with a few homes each (homed-names.ts).
import { TypedEventEmitter } from '@libp2p/interface'
import { DEFAULT_TOMBSTONE_TTL } from '../config/defaults.ts'
import { systemClock } from '../time/clock.ts'
import { conflictOf, isMine } from './conflicts.ts'
import { InvalidNameError, NamesNotStartedError, NameTakenError } from './errors.ts'
import { HomedNames } from './homed-names.ts'
import { NameEndpoint } from './name-endpoint.ts'
import { checkName, checkRef, compareVersions, refOf } from './name-entry.ts'
import { homeCandidates } from './name-homes.ts'
import { NameMembers } from './name-members.ts'
import { NameReads } from './name-reads.ts'
import { NameSync } from './name-sync.ts'
import { NameTable } from './name-table.ts'
import { NAMES_ENDPOINT } from './name-wire.ts'
import { VersionClock } from './version-clock.ts'
import { untilVisible } from './visibility.ts'
import type { NameEvents, NamePlacement, RegisterOptions } from './index.ts'
import type { LocalNameEntry, NameEntry, NameVersion } from './name-entry.ts'
import type { MemberNameCounts } from './name-reads.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { Clock, Timer } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

const SECOND = 1000
/** a local name's holder corrects stale writes of its names itself: its tombstone only outlives messages in flight */
const LOCAL_TOMBSTONE_TTL = 60 * SECOND
/** after a partition heals, how long members have to see each other again before every one is read */
const HEAL_SETTLE = SECOND
/** a member whose load report has not come this long after its join is read anyway */
const REPORT_WAIT = 3 * SECOND
/** how long `register(..., { visible: true })` waits for every member by default */
export const DEFAULT_VISIBILITY_TIMEOUT = 10 * SECOND

export interface NameServiceComponents {
  self: string
  membership: Pick<Membership, 'activeMembers' | 'isActive' | 'addEventListener' | 'removeEventListener'>
  /** how many names each member answers for, from its load report: one that answers for none is not read */
  reports: MemberNameCounts
  endpoints: {
    register(id: string, endpoint: { send?(target: string, body: unknown, from: string): boolean, call?(target: string, body: unknown, from: string): Promise<unknown> }): void
    unregister(id: string): void
  }
  messaging: {
    send(node: string, target: string, body: unknown): void
    call(node: string, target: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  }
  log: Logger
  /** time for versions, tombstone ages and every wait (default the process's clock; a simulator passes its own) */
  clock?: Clock
}

export interface NameServiceInit {
  /** how long a lookup of a name not known yet waits for the members being read */
  lookupTimeout: number
  /** how long `register(..., { visible: true })` waits for every member to keep the write (default 10 s) */
  visibilityTimeout?: number
  /** bound on one call to a member: a read page, a confirmation */
  callTimeout: number
  /** how long a stopped distributed actor's tombstone is kept (default 1 h, DEFAULT_TOMBSTONE_TTL) */
  tombstoneTtl?: number
}

export class NameService extends TypedEventEmitter<NameEvents> {
  private readonly components: NameServiceComponents
  private readonly init: Required<NameServiceInit>
  private readonly self: string
  private readonly log: Logger
  readonly table: NameTable
  private readonly sync: NameSync
  private readonly reads: NameReads
  private readonly versions: VersionClock
  private readonly time: Clock
  private readonly members: NameMembers
  /** set while names live with their homes (the partial-view shape) instead of on every node */
  private homed: HomedNames | undefined
  private running = false
  private tick: Timer | undefined

  private readonly endpoint: NameEndpoint

  private readonly onJoin = (evt: CustomEvent<Member>): void => {
    const member = evt.detail.id
    this.members.joined(member)
    if (member === this.self) { return }
    this.homed?.membersChanged()
    this.reads.joined(member)
  }

  /** a suspect that refuted: writes sent while it was cut off may be lost, so it is read again */
  private readonly onAlive = (evt: CustomEvent<Member>): void => {
    if (evt.detail.id === this.self) { return }
    this.members.joined(evt.detail.id)
    this.reads.refuted(evt.detail.id)
  }

  private readonly onLeave = (evt: CustomEvent<Member>): void => {
    const member = evt.detail.id
    if (member === this.self) { return }
    this.reads.left(member, evt.detail.status === 'dead')
    // its actors are gone with it: its local names are free again; its distributed actors restart elsewhere
    this.members.left(member)
    this.table.dropLocalOf(member)
    this.homed?.membersChanged(member)
  }

  constructor (components: NameServiceComponents, init: NameServiceInit) {
    super()
    this.components = components
    this.init = { visibilityTimeout: DEFAULT_VISIBILITY_TIMEOUT, tombstoneTtl: DEFAULT_TOMBSTONE_TTL, ...init }
    this.self = components.self
    this.log = components.log
    this.time = components.clock ?? systemClock()
    const now = (): number => this.time.now()
    this.versions = new VersionClock(now)
    this.table = new NameTable({ self: this.self, tombstoneTtl: { local: LOCAL_TOMBSTONE_TTL, distributed: this.init.tombstoneTtl }, now })
    this.members = new NameMembers({ self: this.self, membership: components.membership, now })
    this.endpoint = new NameEndpoint({
      table: this.table,
      endpoints: components.endpoints,
      readBy: (reader, fromStart) => {
        // a member reading us from the start may have missed our writes as we missed its: read it back, once
        if (fromStart) { this.reads.readBack(reader) }
        this.members.readBy(reader)
      },
      // a node still sending finds has not switched yet, or this one has switched back: the table answers as it can
      find: (name, from) => this.homed?.answerFind(name, from) ?? this.table.get(name) ?? null,
      learn: (entries, from) => { this.learn(entries, from) },
      log: this.log
    })
    this.sync = new NameSync({
      peers: () => this.members.peers(),
      homesOf: (entry) => entry.kind === 'local' ? this.homed?.targets(entry) : undefined,
      send: (peer, message) => { components.messaging.send(peer, NAMES_ENDPOINT, message) },
      call: async (peer, message, timeout, signal) => components.messaging.call(peer, NAMES_ENDPOINT, message, { timeout, signal }),
      received: (entries, from) => { this.learn(entries, from) },
      ackTimeout: init.callTimeout,
      clock: this.time,
      log: this.log
    })
    this.reads = new NameReads({
      reports: components.reports,
      read: async (member) => {
        try {
          // with homes, a member's local names reach this node through their homes: only distributed ones are read
          await this.sync.pullFrom(member, init.callTimeout, this.homed != null ? 'distributed' : undefined)
          return true
        } catch (err: any) {
          this.log('could not read the names of %s - %e', member, err)
          return false
        }
      },
      others: () => this.components.membership.activeMembers().map(member => member.id).filter(id => id !== this.self),
      clock: this.time
    }, { reportWait: REPORT_WAIT, healSettle: HEAL_SETTLE })
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    this.endpoint.start()
    this.reads.start()
    const membership = this.components.membership
    membership.addEventListener('member:join', this.onJoin)
    membership.addEventListener('member:alive', this.onAlive)
    membership.addEventListener('member:leave', this.onLeave)
    this.tick = this.time.every(10 * SECOND, () => {
      this.table.prune()
      this.homed?.prune()
      this.members.prune()
    })
    // members that joined before this node ran
    for (const member of membership.activeMembers()) {
      this.members.joined(member.id)
      if (member.id !== this.self) { this.reads.want(member.id) }
    }
  }

  /** Stops without giving names up one by one: members drop this node's local names when it leaves. */
  stop (): void {
    if (!this.running) { return }
    this.running = false
    this.endpoint.stop()
    const membership = this.components.membership
    membership.removeEventListener('member:join', this.onJoin)
    membership.removeEventListener('member:alive', this.onAlive)
    membership.removeEventListener('member:leave', this.onLeave)
    this.tick?.cancel()
    this.homed?.stop()
    this.homed = undefined
    this.reads.onlyReported(false)
    this.reads.stop()
    this.sync.stop()
    this.members.clear()
    this.table.clear()
  }

  /**
   * Gives a name to an actor of this node, cluster-wide, and resolves once every reachable member has it (each
   * acknowledged the batch of writes that carried it, at most the call timeout). The same ref again is a no-op; a
   * name any other live actor holds, local or distributed, anywhere in the cluster, is a NameTakenError.
   */
  async register (name: string, ref: ActorRef, options: RegisterOptions = {}): Promise<void> {
    this.assertRunning()
    checkName(name)
    checkRef(ref)
    if (ref.node !== this.self) { throw new InvalidNameError(`only an actor of this node takes a name here, not one of ${ref.node}`) }
    let entry = this.mine(name)
    if (entry == null || entry.id !== ref.id) {
      // with homes, this node may not hold the name: its homes say who does
      if (this.homed != null && this.mine(name) == null) { await this.homed.find(name, options.signal) }
      const held = this.resolve(name)
      if (held != null) { throw new NameTakenError(name, refOf(held)) }
      entry = { kind: 'local', name, id: ref.id, holder: this.self, stopped: false, version: this.nextVersion(this.table.get(name)?.version) }
      this.table.merge(entry)
      this.changed([entry])
      // visible: the confirmation below carries the write itself
      if (options.visible !== true) { await this.sync.published(entry) }
    }
    if (options.visible === true) {
      try {
        const written = entry
        await untilVisible({
          peers: () => this.targets(written),
          isActive: (member) => this.components.membership.isActive(member),
          confirm: async (write, peers, timeout, signal) => this.sync.confirm(write, peers, timeout, signal),
          current: (name) => this.table.get(name),
          learn: (kept) => { this.learn([kept]) },
          clock: this.time
        }, { timeout: this.init.visibilityTimeout, callTimeout: this.init.callTimeout }, entry, options.signal)
      } catch (err) {
        if (this.table.get(name) === entry) { this.unregister(name) }
        throw err
      }
    }
  }

  /** Gives up a name an actor of this node holds; a no-op for any other name. */
  unregister (name: string): void {
    const entry = this.mine(name)
    if (entry == null || !this.running) { return }
    this.write({ ...entry, stopped: true, taken: entry.version, version: this.nextVersion(entry.version) })
  }

  /**
   * The entry a name stands for, or undefined when it is free. A name not known yet is waited for while members
   * that joined are still being read (at most the lookup timeout), so a name held before a join is found after it.
   */
  async lookup (name: string, signal?: AbortSignal): Promise<NameEntry | undefined> {
    this.assertRunning()
    checkName(name)
    if (this.homed != null && !this.homed.answers(name) && this.table.get(name)?.kind !== 'distributed') {
      await this.homed.find(name, signal)
      return this.resolve(name)
    }
    const entry = this.resolve(name)
    if (entry != null || !this.reads.pending) { return entry }
    await this.reads.settled(this.init.lookupTimeout, signal)
    return this.resolve(name)
  }

  /** The live entry of a name, without waiting; a local name whose holder is no longer a member counts as free. */
  resolve (name: string): NameEntry | undefined {
    const entry = this.table.live(name)
    if (entry?.kind === 'local' && entry.holder !== this.self && !this.components.membership.isActive(entry.holder)) { return undefined }
    return entry
  }

  /** A write of this node (a distributed actor's claim or tombstone): kept here and sent to every member. */
  write (entry: NameEntry): void {
    if (!this.table.merge(entry)) { return }
    this.sync.publish(entry)
    this.changed([entry])
  }

  /**
   * Writes another node made that reached this one another way (an answer to a start), or that `from` sent or
   * answered a read with: kept when newer. Those of `from` that lose are answered with the entries kept here: `from`
   * may have missed them. A member that others declared dead across a partition refutes as the cut heals and never
   * sees a heal itself, so it reads no one again; the others read it, and this is how it learns that its actors'
   * names went to the ones that took over, and stops its own.
   */
  learn (entries: NameEntry[], from?: string): void {
    const changed: NameEntry[] = []
    const kept: NameEntry[] = []
    for (const entry of entries) {
      if (this.members.heldByDeparted(entry)) { continue }
      this.members.share(entry)
      const previous = this.table.get(entry.name)
      if (!this.table.merge(entry)) {
        if (previous != null && compareVersions(previous.version, entry.version) > 0) { kept.push(previous) }
        continue
      }
      changed.push(entry)
      this.checkConflict(entry, previous)
      if (entry.kind === 'local') { this.homed?.changed(entry, from) }
    }
    this.changed(changed)
    if (from != null && kept.length > 0) { this.components.messaging.send(from, NAMES_ENDPOINT, ['update', kept]) }
  }

  /** Sends a write to every member that keeps it now and waits, at most `timeout`, for each to answer (or fail). */
  async confirm (entry: NameEntry, timeout: number): Promise<void> {
    await this.sync.confirm(entry, this.targets(entry), timeout)
  }

  /**
   * Where names live: on every node (a small cluster, where every lookup is local), or with a few homes each (a
   * large one, where every node holding every name would cost each write a message to every member). Going back to
   * every node reads every member again, as after a heal.
   */
  setPlacement (placement: NamePlacement): void {
    if (!this.running || (placement === 'homes') === (this.homed != null)) { return }
    if (placement === 'homes') {
      this.homed = new HomedNames({
        self: this.self,
        table: this.table,
        members: () => homeCandidates(this.components.membership.activeMembers()),
        send: (peer, message) => { this.components.messaging.send(peer, NAMES_ENDPOINT, message) },
        call: async (peer, message, timeout, signal) => this.components.messaging.call(peer, NAMES_ENDPOINT, message, { timeout, signal }),
        learn: (entries, from) => { this.learn(entries, from) },
        clock: this.time,
        log: this.log
      }, { callTimeout: this.init.callTimeout })
      this.homed.start()
      this.reads.onlyReported(true)
    } else {
      this.homed?.stop()
      this.homed = undefined
      this.reads.onlyReported(false)
      this.reads.rereadAll()
    }
  }

  /** where names live now */
  get placement (): NamePlacement {
    return this.homed == null ? 'everywhere' : 'homes'
  }

  /** What a member reading this node would get: every owned entry, or with homes only the distributed ones. */
  readableCount (): number {
    return this.homed == null ? this.table.ownedCount : this.table.ownedOf('distributed')
  }

  /** Sends the writes of this tick now. */
  flush (): void {
    this.sync.flush()
  }

  /** A version newer than `after` and than every one this node handed out. */
  nextVersion (after?: NameVersion): NameVersion {
    return { ...this.versions.next(after), writer: this.self }
  }

  /** names the local actors of this node hold (a walk of the whole table) */
  localNames (): string[] {
    const names: string[] = []
    for (const entry of this.table.all()) {
      if (isMine(entry, this.self)) { names.push(entry.name) }
    }
    return names
  }

  /** The live entry of a name an actor of this node holds. */
  private mine (name: string): LocalNameEntry | undefined {
    const entry = this.table.get(name)
    return entry?.kind === 'local' && isMine(entry, this.self) ? entry : undefined
  }

  /** names of live actors this node's table holds, of every node and kind */
  knownNames (): number {
    return this.table.liveCount
  }

  /** names of stopped actors kept so that older writes cannot revive them (1 min for a local name, 1 h for a distributed one) */
  tombstones (): number {
    return this.table.size - this.table.liveCount
  }

  /** name messages from the network that were malformed and dropped */
  get invalidMessages (): number {
    return this.endpoint.invalidMessages
  }

  /** True once every member that joined has been read, or said it holds no names. */
  synced (): boolean {
    return this.running && !this.reads.pending
  }

  /** A newer write of a name replaced `previous`: an actor of this node may have lost its name. */
  private checkConflict (entry: NameEntry, previous: NameEntry | undefined): void {
    const outcome = conflictOf(entry, previous, this.self)
    if (outcome?.kind === 'reassert') {
      this.write({ ...outcome.entry, version: this.nextVersion(entry.version) })
    } else if (outcome?.kind === 'withdraw') {
      this.write({ ...outcome.entry, stopped: true, taken: outcome.entry.version, version: this.nextVersion(outcome.entry.version) })
    } else if (outcome?.kind === 'conflict') {
      const { detail } = outcome
      this.log('conflict on %s: %s/%s won over %s/%s', detail.name, detail.winner.node, detail.winner.id, detail.loser.node, detail.loser.id)
      this.safeDispatchEvent('name:conflict', { detail })
    }
  }

  private changed (entries: NameEntry[]): void {
    if (entries.length > 0) { this.safeDispatchEvent('names:changed', { detail: entries }) }
  }

  /** the members that keep a write: its name's homes, or every other member */
  private targets (entry: NameEntry): string[] {
    return entry.kind === 'local' && this.homed != null ? this.homed.targets(entry) : this.members.peers()
  }

  private assertRunning (): void {
    if (!this.running) { throw new NamesNotStartedError() }
  }
}
