// Starts, halts and stops the instances of a supervisor's children: actors under a fixed ref, or nested supervisors.
import type { ChildSpec, ChildStatus, RestartPolicy } from './index.ts'
import type { ActorCell } from '../actors/actor-cell.ts'
import type { ActorClass, ActorRef, ExitReason } from '../actors/index.ts'
import type { CellOptions } from '../actors/local-actors.ts'
import type { Logger } from '@libp2p/interface'

/** What a supervisor uses of its node: the local actors and the registry's names. */
export interface SupervisorComponents {
  actors: {
    allocateId(): string
    spawn(actor: ActorClass, args: unknown[], name: string | undefined, options: CellOptions): Promise<ActorCell>
    get(id: string): ActorCell | undefined
    discard(cell: ActorCell): Promise<void>
  }
  register(name: string, ref: ActorRef): Promise<void>
  unregister(name: string): Promise<void>
  log: Logger
  /** clock of the restart intensity, in ms (default Date.now) */
  now?(): number
}

/** A nested supervisor as its parent drives it. */
export interface NestedSupervisor {
  /** counts its starts, so the parent tells an exit of this run from a stale one */
  readonly runs: number
  start(): Promise<void>
  /** stops it without telling the parent, which asked */
  terminate(): Promise<void>
}

export interface ChildRecord {
  readonly spec: ChildSpec
  readonly restart: RestartPolicy
  status: ChildStatus
  restarts: number
  /** the actor's id on this node, the same for every instance */
  actorId?: string
  ref?: ActorRef
  /** the name is registered cluster-wide */
  named: boolean
  nested?: NestedSupervisor
  /** the instance whose exit counts (an actor cell, or a nested supervisor's run); exits of older ones are stale */
  instance?: unknown
}

export type ExitListener = (record: ChildRecord, instance: unknown, reason: ExitReason, error?: Error) => void

export class ChildInstances {
  private readonly components: SupervisorComponents
  private readonly onExit: ExitListener

  constructor (components: SupervisorComponents, onExit: ExitListener) {
    this.components = components
    this.onExit = onExit
  }

  /** Starts a child's next instance under its old ref: queued messages of an ended instance pass to the new one. */
  async start (record: ChildRecord): Promise<void> {
    if (record.nested != null) {
      await record.nested.start()
      record.instance = record.nested.runs
      record.status = 'running'
      return
    }
    if (!('actor' in record.spec)) { return }
    const { actor, args, name } = record.spec
    record.actorId ??= this.components.actors.allocateId()
    const cell = await this.components.actors.spawn(actor, args ?? [], name, {
      id: record.actorId,
      crashOnError: true,
      onExit: (cell, reason, error) => { this.onExit(record, cell, reason, error) }
    })
    record.ref = cell.ref
    if (name != null && !record.named) {
      try {
        await this.components.register(name, cell.ref)
      } catch (err) {
        // ended, not stopped: a next attempt takes its queued messages over
        await cell.halt().catch(() => {})
        throw err
      }
      record.named = true
    }
    record.instance = cell
    record.status = 'running'
  }

  /** Ends a child that is about to be restarted, keeping its mailbox and its name. */
  async halt (record: ChildRecord): Promise<void> {
    record.status = 'restarting'
    record.instance = undefined
    if (record.nested != null) {
      await record.nested.terminate()
      return
    }
    await this.current(record)?.halt().catch((err: Error) => { this.components.log.error('child %s failed to stop: %s', record.spec.id, err.message) })
  }

  /** Ends a child for good: its queued calls fail with ActorStoppedError and its name is unregistered. */
  async stop (record: ChildRecord): Promise<void> {
    record.status = 'stopped'
    record.instance = undefined
    if (record.nested != null) {
      await record.nested.terminate()
      return
    }
    const cell = this.current(record)
    if (cell != null) {
      await this.components.actors.discard(cell).catch((err: Error) => { this.components.log.error('child %s failed to stop: %s', record.spec.id, err.message) })
    }
    const name = 'name' in record.spec ? record.spec.name : undefined
    if (record.named && name != null) {
      record.named = false
      await this.components.unregister(name).catch((err: Error) => { this.components.log.error('could not unregister %s: %s', name, err.message) })
    }
  }

  /** the child's actor on this node: running, or ended and holding its queued messages */
  current (record: ChildRecord): ActorCell | undefined {
    return record.actorId != null ? this.components.actors.get(record.actorId) : undefined
  }
}
