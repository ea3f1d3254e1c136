// The name system of one node: takes and gives up the names of this node's actors, folds in what other nodes write,
// answers reads of the names it owns, and tells the actor that lost a name after a heal. Distributed actors write
// their entries through it too, so both kinds share one namespace and one table.
import { TypedEventEmitter } from '@libp2p/interface'
import { systemClock } from '../time/clock.ts'
import { conflictOf, isMine } from './conflicts.ts'
import { InvalidNameError, NamesNotStartedError, NameTakenError } from './errors.ts'
import { checkName, checkRef, compareVersions, refOf } from './name-entry.ts'
import { NameReads } from './name-reads.ts'
import { NameSync } from './name-sync.ts'
import { NameTable } from './name-table.ts'
import { ENTRIES_PER_MESSAGE, NAMES_ENDPOINT, validateNameMessage } from './name-wire.ts'
import { VersionClock } from './version-clock.ts'
import { untilVisible } from './visibility.ts'
import type { NameEvents, RegisterOptions } from './index.ts'
import type { LocalNameEntry, NameEntry, NameVersion } from './name-entry.ts'
import type { MemberNameCounts } from './name-reads.ts'
import type { ConfirmAnswer, NameMessage, NamePage } from './name-wire.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { Clock, Timer } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

const SECOND = 1000
/** a distributed actor's tombstone outlives any partition expected to heal (the dead-redial window is 10 minutes) */
const DISTRIBUTED_TOMBSTONE_TTL = 60 * 60 * SECOND
/** a local name's holder corrects stale writes of its names itself: its tombstone only outlives messages in flight */
const LOCAL_TOMBSTONE_TTL = 60 * SECOND
/** after a partition heals, how long members have to see each other again before every one is read */
const HEAL_SETTLE = SECOND
/** a member whose load report has not come this long after its join is read anyway */
const REPORT_WAIT = 3 * SECOND
/** how long `register(..., { visible: true })` waits for every member by default */
export const DEFAULT_VISIBILITY_TIMEOUT = 10 * SECOND
/** how long a node that read this one's names before this one counted it as a member is sent its writes anyway */
const EARLY_READER_WINDOW = 30 * SECOND

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
  /** the peer ids of members, so entries read from the network share one string per node instead of one each */
  private readonly peerIds = new Map<string, string>()
  /**
   * nodes that read this node's names before this node counted them as members, and until when: writes made until
   * it does would reach them neither in that read nor in a batch
   */
  private readonly earlyReaders = new Map<string, number>()
  private running = false
  private tick: Timer | undefined

  /** name messages from the network that were malformed and dropped */
  invalidMessages = 0

  private readonly onJoin = (evt: CustomEvent<Member>): void => {
    const member = evt.detail.id
    this.peerIds.set(member, member)
    if (member === this.self) { return }
    this.reads.joined(member)
  }

  /** a suspect that refuted: writes sent while it was cut off may be lost, so it is read again */
  private readonly onAlive = (evt: CustomEvent<Member>): void => {
    if (evt.detail.id !== this.self) { this.reads.refuted(evt.detail.id) }
  }

  private readonly onLeave = (evt: CustomEvent<Member>): void => {
    const member = evt.detail.id
    if (member === this.self) { return }
    this.reads.left(member, evt.detail.status === 'dead')
    // its actors are gone with it: its local names are free again; its distributed actors restart elsewhere
    this.table.dropLocalOf(member)
  }

  constructor (components: NameServiceComponents, init: NameServiceInit) {
    super()
    this.components = components
    this.init = { visibilityTimeout: DEFAULT_VISIBILITY_TIMEOUT, ...init }
    this.self = components.self
    this.log = components.log
    this.time = components.clock ?? systemClock()
    const now = (): number => this.time.now()
    this.versions = new VersionClock(now)
    this.table = new NameTable({ self: this.self, tombstoneTtl: { local: LOCAL_TOMBSTONE_TTL, distributed: DISTRIBUTED_TOMBSTONE_TTL }, now })
    this.sync = new NameSync({
      peers: () => this.peers(),
      send: (peer, message) => { components.messaging.send(peer, NAMES_ENDPOINT, message) },
      call: async (peer, message, timeout, signal) => components.messaging.call(peer, NAMES_ENDPOINT, message, { timeout, signal }),
      received: (entries) => { this.learn(entries) },
      ackTimeout: init.callTimeout,
      clock: this.time,
      log: this.log
    })
    this.reads = new NameReads({
      reports: components.reports,
      read: async (member) => {
        try {
          await this.sync.pullFrom(member, init.callTimeout)
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
    this.components.endpoints.register(NAMES_ENDPOINT, {
      send: (_target, body, from) => {
        try {
          this.receive(body, from, false)
        } catch {
          // counted in receive: a send has no one to answer
        }
        return true
      },
      call: async (_target, body, from) => this.receive(body, from, true)
    })
    this.reads.start()
    const membership = this.components.membership
    membership.addEventListener('member:join', this.onJoin)
    membership.addEventListener('member:alive', this.onAlive)
    membership.addEventListener('member:leave', this.onLeave)
    this.tick = this.time.every(10 * SECOND, () => { this.table.prune() })
    this.peerIds.set(this.self, this.self)
    // members that joined before this node ran
    for (const member of membership.activeMembers()) {
      this.peerIds.set(member.id, member.id)
      if (member.id !== this.self) { this.reads.want(member.id) }
    }
  }

  /** Stops without giving names up one by one: members drop this node's local names when it leaves. */
  stop (): void {
    if (!this.running) { return }
    this.running = false
    this.components.endpoints.unregister(NAMES_ENDPOINT)
    const membership = this.components.membership
    membership.removeEventListener('member:join', this.onJoin)
    membership.removeEventListener('member:alive', this.onAlive)
    membership.removeEventListener('member:leave', this.onLeave)
    this.tick?.cancel()
    this.reads.stop()
    this.sync.stop()
    this.earlyReaders.clear()
    this.peerIds.clear()
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
        await untilVisible({
          peers: () => this.peers(),
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

  /** Writes another node made that reached this one another way (an answer to a start): kept when newer. */
  learn (entries: NameEntry[]): void {
    const changed: NameEntry[] = []
    for (const entry of entries) {
      this.shareIds(entry)
      const previous = this.table.get(entry.name)
      if (!this.table.merge(entry)) { continue }
      changed.push(entry)
      this.checkConflict(entry, previous)
    }
    this.changed(changed)
  }

  /** Sends a write to every member now and waits, at most `timeout`, for each to answer (or fail). */
  async confirm (entry: NameEntry, timeout: number): Promise<void> {
    await this.sync.confirm(entry, this.peers(), timeout)
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

  /**
   * Points the entry's peer ids at the strings this node already holds for those members: decoded from the network,
   * each entry would otherwise keep copies of its own (about 70 bytes each, two or three per entry).
   */
  private shareIds (entry: NameEntry): void {
    entry.holder = this.peerIds.get(entry.holder) ?? entry.holder
    entry.version.writer = this.peerIds.get(entry.version.writer) ?? entry.version.writer
    if (entry.taken != null) { entry.taken.writer = this.peerIds.get(entry.taken.writer) ?? entry.taken.writer }
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

  /** True once every member that joined has been read, or said it holds no names. */
  synced (): boolean {
    return this.running && !this.reads.pending
  }

  /** `answered` is false for a send: nobody waits for what this node now keeps */
  private receive (body: unknown, from: string, answered: boolean): ConfirmAnswer | NamePage | null {
    let message: NameMessage
    try {
      message = validateNameMessage(body)
    } catch (err: any) {
      // counted and dropped; a caller hears why
      this.invalidMessages++
      this.log.error('dropped a name message from %s: %s', from, err.message)
      throw err
    }
    if (message[0] === 'pull') {
      // a member reading us from the start may have missed our writes as we missed its: read it back, once
      if (message[1] === null) { this.reads.readBack(from) }
      if (!this.components.membership.isActive(from)) { this.earlyReaders.set(from, this.time.now() + EARLY_READER_WINDOW) }
      const { entries, more } = this.table.ownedPage(message[1] ?? undefined, ENTRIES_PER_MESSAGE)
      return [entries, more]
    }
    const entries = message[1]
    this.learn(entries)
    if (!answered) { return null }
    return entries.map(entry => {
      const kept = this.table.get(entry.name)
      return kept == null || compareVersions(kept.version, entry.version) === 0 ? null : kept
    })
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

  /** the other active members, and nodes that read this one before it counted them */
  private peers (): string[] {
    const peers = this.components.membership.activeMembers().map(member => member.id).filter(id => id !== this.self)
    if (this.earlyReaders.size === 0) { return peers }
    const now = this.time.now()
    for (const [reader, until] of this.earlyReaders) {
      if (until < now || peers.includes(reader)) { this.earlyReaders.delete(reader) } else { peers.push(reader) }
    }
    return peers
  }

  private assertRunning (): void {
    if (!this.running) { throw new NamesNotStartedError() }
  }
}
