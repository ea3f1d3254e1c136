// The groups of one node: local joins and leaves, queries on the replicated table, fan-out to the members.
import { TypedEventEmitter } from '@libp2p/interface'
import { ActorNotFoundError } from '../actors/errors.ts'
import { isActorRef } from '../actors/ref.ts'
import { NodeNotRunningError } from '../cluster/errors.ts'
import { DEFAULT_MAX_MESSAGE_SIZE } from '../config/defaults.ts'
import { AbortError } from '../messaging/errors.ts'
import { NotLocalActorError } from './errors.ts'
import { GroupSync } from './group-sync.ts'
import { GroupTable } from './group-table.ts'
import { assertGroupName } from './group-wire.ts'
import type { GroupSyncComponents } from './group-sync.ts'
import type { GroupChange, Version } from './group-table.ts'
import type { GroupEvents, Groups, MulticallOptions, MulticallResult } from './index.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { ComponentLogger, Logger } from '@libp2p/interface'

/** What groups need of the node's local actors. */
export interface GroupActors {
  get(id: string): { ref: ActorRef } | undefined
  named(name: string): { ref: ActorRef } | undefined
  /** calls the listener with each actor that stops; returns the call that removes the listener */
  onStopped(listener: (cell: { ref: ActorRef }) => void): () => void
}

export interface ProcessGroupsComponents {
  /** this node's peer id */
  self: string
  actors: GroupActors
  membership: GroupSyncComponents['membership']
  /** the version of its memberships each member reports: a replica behind it reads the member's snapshot */
  reports: GroupSyncComponents['reports']
  endpoints: GroupSyncComponents['endpoints']
  /** the direct protocol's send to a node's endpoint */
  sendDirect(node: string, target: string, body: unknown): void
  /** the node's delivery to an actor anywhere in the cluster */
  send(ref: ActorRef, message: unknown): void
  call(ref: ActorRef, message: unknown, options: MulticallOptions): Promise<unknown>
  logger: ComponentLogger
}

export interface ProcessGroupsInit {
  /** largest message the cluster carries (default DEFAULT_MAX_MESSAGE_SIZE, 1 MiB) */
  maxMessageSize?: number
  /** when this run of the node started, in ms: ranks its memberships above an earlier run's (default Date.now()) */
  epoch?: number
}

export class ProcessGroups extends TypedEventEmitter<GroupEvents> implements Groups {
  private readonly components: ProcessGroupsComponents
  private readonly table: GroupTable
  private readonly sync: GroupSync
  private readonly log: Logger
  private state: 'new' | 'running' | 'stopped' = 'new'
  private unwatchActors: (() => void) | undefined

  constructor (components: ProcessGroupsComponents, init: ProcessGroupsInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('foundation:groups')
    this.table = new GroupTable(components.self, init.epoch ?? Date.now())
    this.sync = new GroupSync({
      table: this.table,
      membership: components.membership,
      reports: components.reports,
      endpoints: components.endpoints,
      send: components.sendDirect,
      changed: (changes) => { this.announce(changes) },
      log: this.log
    }, { maxMessageSize: init.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE })
  }

  /** The version of this node's own memberships: its load report tells the others. */
  localVersion (): Version {
    return this.sync.localVersion()
  }

  get invalidMessages (): number {
    return this.sync.invalidMessages
  }

  start (): void {
    if (this.state !== 'new') { return }
    this.state = 'running'
    this.unwatchActors = this.components.actors.onStopped((cell) => { this.actorStopped(cell.ref) })
    this.sync.start()
  }

  /** Stops replicating; what other nodes' actors were in is forgotten, since nothing keeps it current anymore. */
  stop (): void {
    if (this.state !== 'running') { return }
    this.state = 'stopped'
    this.unwatchActors?.()
    this.sync.stop()
    for (const owner of this.table.remoteOwners()) { this.table.dropNode(owner) }
  }

  async join (group: string, actor: ActorRef | string): Promise<void> {
    this.assertRunning()
    assertGroupName(group)
    const ref = this.localRef(actor)
    if (this.components.actors.get(ref.id) == null) { throw new ActorNotFoundError(`${ref.node}/${ref.id}`) }
    await this.changed(this.table.join(group, ref.id))
  }

  async leave (group: string, actor: ActorRef | string): Promise<void> {
    this.assertRunning()
    assertGroupName(group)
    await this.changed(this.table.leave(group, this.localRef(actor).id))
  }

  members (group: string): ActorRef[] {
    assertGroupName(group)
    return this.table.members(group)
  }

  localMembers (group: string): ActorRef[] {
    assertGroupName(group)
    return this.table.localMembers(group)
  }

  which (): string[] {
    return this.table.which()
  }

  broadcast (group: string, message: unknown): number {
    let sent = 0
    for (const ref of this.members(group)) {
      this.components.send(ref, message)
      sent++
    }
    return sent
  }

  async multicall<R = unknown>(group: string, message: unknown, options: MulticallOptions = {}): Promise<Array<MulticallResult<R>>> {
    const refs = this.members(group)
    throwIfAborted(options.signal)
    const outcomes = await Promise.allSettled(refs.map(async ref => this.components.call(ref, message, options)))
    // the caller gave up on the whole: the members' outcomes would only be aborts
    throwIfAborted(options.signal)
    return outcomes.map((outcome, i): MulticallResult<R> => outcome.status === 'fulfilled'
      ? { ref: refs[i], ok: true, value: outcome.value as R }
      : { ref: refs[i], ok: false, error: toError(outcome.reason) })
  }

  private actorStopped (ref: ActorRef): void {
    if (this.state !== 'running') { return }
    const changes = this.table.leaveAll(ref.id)
    if (changes.length === 0) { return }
    this.announce(changes)
    this.sync.localChanged()
  }

  private async changed (change: GroupChange | undefined): Promise<void> {
    if (change == null) { return }
    this.announce([change])
    this.sync.localChanged()
    await this.sync.flushed()
  }

  /** A local name, or a ref of this node; a ref of another node cannot be joined from here. */
  private localRef (actor: ActorRef | string): ActorRef {
    if (typeof actor === 'string') {
      const cell = this.components.actors.named(actor)
      if (cell == null) { throw new ActorNotFoundError(`named "${actor}" on this node`) }
      return cell.ref
    }
    if (!isActorRef(actor)) { throw new TypeError('a group member is an actor ref or the name of an actor of this node') }
    if (actor.node !== this.components.self) { throw new NotLocalActorError(actor, this.components.self) }
    return actor
  }

  private announce (changes: GroupChange[]): void {
    for (const { kind, group, ref } of changes) {
      const type = kind === 'join' ? 'group:join' : 'group:leave'
      if (this.listenerCount(type) > 0) { this.safeDispatchEvent(type, { detail: { group, ref } }) }
    }
  }

  private assertRunning (): void {
    if (this.state !== 'running') { throw new NodeNotRunningError(this.state) }
  }
}

function throwIfAborted (signal?: AbortSignal): void {
  if (signal?.aborted === true) { throw new AbortError(signal.reason) }
}

function toError (reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason), { cause: reason })
}
