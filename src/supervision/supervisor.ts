// A supervisor of actors on this node: starts its children in order and restarts them by its strategy when they exit.
import { TypedEventEmitter } from '@libp2p/interface'
import { ChildStartError, RestartIntensityError, SupervisorSpecError, SupervisorStoppedError, UnknownChildError } from './errors.ts'
import { RestartIntensity } from './restart-intensity.ts'
import { checkChildSpec, resolveSupervisorSpec, restartPolicyOf } from './spec.ts'
import { planExit } from './supervisor-core.ts'
import type { ChildInfo, ChildSpec, ChildStatus, RestartPolicy, Supervisor, SupervisorEvents, SupervisorSpec } from './index.ts'
import type { ResolvedSupervisorSpec } from './spec.ts'
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

/** How a supervisor tells its owner (a parent supervisor, or the node) that it ended. */
export interface SupervisorHooks {
  /** it gave up after too many restarts and stopped every child */
  onFailed?(error: Error): void
  /** its owner's code stopped it on purpose */
  onStopped?(): void
}

interface ChildRecord {
  readonly spec: ChildSpec
  readonly restart: RestartPolicy
  status: ChildStatus
  restarts: number
  /** the actor's id on this node, the same for every instance */
  actorId?: string
  ref?: ActorRef
  /** the name is registered cluster-wide */
  named: boolean
  nested?: LocalSupervisor
  /** the instance whose exit counts (an actor cell, or a nested supervisor's run); exits of older ones are stale */
  instance?: unknown
}

interface Exit {
  record: ChildRecord
  reason: ExitReason
  error?: Error
}

export class LocalSupervisor extends TypedEventEmitter<SupervisorEvents> implements Supervisor {
  readonly name?: string
  private readonly components: SupervisorComponents
  private readonly spec: ResolvedSupervisorSpec
  private readonly hooks: SupervisorHooks
  private readonly intensity: RestartIntensity
  private records: ChildRecord[]
  private state: 'new' | 'running' | 'stopped' | 'failed' = 'new'
  /** every change of children runs here, one at a time: exits, restarts and the owner's calls */
  private queue: Promise<unknown> = Promise.resolve()
  /** counts starts, so a parent tells an exit of this run from a stale one */
  private run = 0

  constructor (components: SupervisorComponents, spec: SupervisorSpec, hooks: SupervisorHooks = {}) {
    super()
    this.components = components
    this.spec = resolveSupervisorSpec(spec)
    this.name = this.spec.name
    this.hooks = hooks
    this.intensity = new RestartIntensity({ maxRestarts: this.spec.maxRestarts, withinMs: this.spec.withinMs, now: components.now })
    this.records = this.spec.children.map(child => this.record(child))
  }

  /** Starts every child in order; if one fails, those started are stopped again and ChildStartError is thrown. */
  async start (): Promise<void> {
    await this.enqueue(async () => {
      if (this.state === 'running') { return }
      this.state = 'running'
      this.run++
      this.intensity.reset()
      const started: ChildRecord[] = []
      for (const record of this.records) {
        try {
          await this.startInstance(record)
        } catch (err) {
          await this.stopInstance(record)
          for (const done of started.reverse()) { await this.stopInstance(done) }
          this.state = 'stopped'
          throw new ChildStartError(this.label, record.spec.id, { cause: err })
        }
        started.push(record)
      }
    })
  }

  children (): ChildInfo[] {
    return this.records.map(r => ({
      id: r.spec.id,
      ...(r.ref != null ? { ref: r.ref } : {}),
      ...(r.nested != null ? { supervisor: r.nested } : {}),
      restarts: r.restarts,
      status: r.status
    }))
  }

  async startChild (spec: ChildSpec): Promise<ActorRef | undefined> {
    checkChildSpec(spec, 'child')
    return this.enqueue(async () => {
      this.assertRunning()
      if (this.records.some(r => r.spec.id === spec.id)) { throw new SupervisorSpecError('child.id', `"${spec.id}" is used by another child`) }
      const record = this.record(spec)
      this.records.push(record)
      try {
        await this.startInstance(record)
      } catch (err) {
        await this.stopInstance(record)
        this.remove(record)
        throw new ChildStartError(this.label, spec.id, { cause: err })
      }
      return record.ref
    })
  }

  async stopChild (id: string): Promise<void> {
    await this.enqueue(async () => {
      this.assertRunning()
      const record = this.get(id)
      if (record.status !== 'stopped') { await this.stopInstance(record) }
      if (record.restart === 'temporary') { this.remove(record) }
    })
  }

  async restartChild (id: string): Promise<void> {
    await this.enqueue(async () => {
      this.assertRunning()
      const record = this.get(id)
      if (record.status !== 'stopped') { await this.haltInstance(record) }
      try {
        await this.startInstance(record)
      } catch (err) {
        await this.stopInstance(record)
        throw new ChildStartError(this.label, id, { cause: err })
      }
      this.restarted(record)
    })
  }

  async stop (): Promise<void> {
    await this.enqueue(async () => {
      if (this.state !== 'running') { return }
      await this.stopAll()
      this.state = 'stopped'
      this.hooks.onStopped?.()
    })
  }

  /** Stops it for a parent, which knows why: the parent is not told. */
  async terminate (): Promise<void> {
    await this.enqueue(async () => {
      if (this.state !== 'running') { return }
      await this.stopAll()
      this.state = 'stopped'
    })
  }

  /** The supervisor (this one or a nested one) and child id of an actor, so stopping it by ref goes through them. */
  childOf (actorId: string): { supervisor: LocalSupervisor, id: string } | undefined {
    for (const record of this.records) {
      if (record.actorId === actorId) { return { supervisor: this, id: record.spec.id } }
      const nested = record.nested?.childOf(actorId)
      if (nested != null) { return nested }
    }
    return undefined
  }

  private get label (): string {
    return this.name != null ? `"${this.name}"` : '(unnamed)'
  }

  private record (spec: ChildSpec): ChildRecord {
    const record: ChildRecord = { spec, restart: restartPolicyOf(spec), status: 'stopped', restarts: 0, named: false }
    if ('supervisor' in spec) {
      const nested: LocalSupervisor = new LocalSupervisor(this.components, spec.supervisor, {
        onFailed: (error) => { this.exited(record, nested.run, 'crash', error) },
        onStopped: () => { this.stoppedByOwner(record, nested.run) }
      })
      record.nested = nested
    }
    return record
  }

  /** An instance ended by itself; handled in turn, and only if it is still the child's current instance. */
  private exited (record: ChildRecord, instance: unknown, reason: ExitReason, error?: Error): void {
    this.enqueue(async () => {
      if (this.state !== 'running' || record.instance !== instance || !this.records.includes(record)) { return }
      this.markExit(record, reason, error)
      await this.handleExits(record, reason, error)
    }).catch((err) => { this.components.log.error('supervisor %s could not handle the exit of %s: %e', this.label, record.spec.id, err) })
  }

  private stoppedByOwner (record: ChildRecord, instance: unknown): void {
    void this.enqueue(async () => {
      if (record.instance !== instance) { return }
      record.status = 'stopped'
      record.instance = undefined
    })
  }

  private markExit (record: ChildRecord, reason: ExitReason, error?: Error): void {
    record.status = 'restarting'
    record.instance = undefined
    if (reason === 'crash') { this.components.log('supervisor %s: child %s crashed: %s', this.label, record.spec.id, error?.message) }
    this.safeDispatchEvent('child:exit', { detail: { id: record.spec.id, reason, ...(error != null ? { error } : {}) } })
  }

  /** A restart whose start fails is one more exit, decided in turn, so a child failing to start cannot loop past the intensity. */
  private async handleExits (record: ChildRecord, reason: ExitReason, error?: Error): Promise<void> {
    const pending: Exit[] = [{ record, reason, error }]
    for (let exit = pending.shift(); exit != null && this.state === 'running'; exit = pending.shift()) {
      if (exit.record.status !== 'restarting' || !this.records.includes(exit.record)) { continue }
      pending.push(...await this.apply(exit))
    }
  }

  private async apply (exit: Exit): Promise<Exit[]> {
    const view = this.records.map(r => ({ id: r.spec.id, restart: r.restart, status: r.status }))
    const plan = planExit(this.spec.strategy, view, exit.record.spec.id, exit.reason, this.intensity)
    if (plan.kind === 'keep-stopped') {
      await this.stopInstance(exit.record)
      if (plan.remove) { this.remove(exit.record) }
      return []
    }
    if (plan.kind === 'escalate') {
      await this.fail(new RestartIntensityError(this.label, exit.record.spec.id, this.spec.maxRestarts, this.spec.withinMs, { cause: exit.error }))
      return []
    }
    for (const id of plan.stop) { await this.haltInstance(this.get(id)) }
    for (const id of plan.remove) {
      const record = this.get(id)
      await this.stopInstance(record)
      this.remove(record)
    }
    const failures: Exit[] = []
    for (const id of plan.start) {
      const record = this.get(id)
      try {
        await this.startInstance(record)
        this.restarted(record)
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err))
        this.markExit(record, 'crash', error)
        failures.push({ record, reason: 'crash', error })
      }
    }
    return failures
  }

  private async fail (error: Error): Promise<void> {
    this.state = 'failed'
    this.components.log.error('supervisor %s failed: %s', this.label, error.message)
    await this.stopAll()
    this.safeDispatchEvent('failed', { detail: error })
    this.hooks.onFailed?.(error)
  }

  /** Starts a child's next instance under its old ref: queued messages of an ended instance pass to the new one. */
  private async startInstance (record: ChildRecord): Promise<void> {
    if (record.nested != null) {
      await record.nested.start()
      record.instance = record.nested.run
      record.status = 'running'
      return
    }
    if (!('actor' in record.spec)) { return }
    const { actor, args, name } = record.spec
    record.actorId ??= this.components.actors.allocateId()
    const cell = await this.components.actors.spawn(actor, args ?? [], name, {
      id: record.actorId,
      crashOnError: true,
      onExit: (cell, reason, error) => { this.exited(record, cell, reason, error) }
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
  private async haltInstance (record: ChildRecord): Promise<void> {
    record.status = 'restarting'
    record.instance = undefined
    if (record.nested != null) {
      await record.nested.terminate()
      return
    }
    await this.current(record)?.halt().catch((err: Error) => { this.components.log.error('child %s failed to stop: %s', record.spec.id, err.message) })
  }

  /** Ends a child for good: its queued calls fail with ActorStoppedError and its name is unregistered. */
  private async stopInstance (record: ChildRecord): Promise<void> {
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

  /** Stops every child in reverse start order; temporary children are never restarted, so they go. */
  private async stopAll (): Promise<void> {
    for (const record of [...this.records].reverse()) {
      if (record.status !== 'stopped') { await this.stopInstance(record) }
    }
    this.records = this.records.filter(r => r.restart !== 'temporary')
  }

  private restarted (record: ChildRecord): void {
    record.restarts++
    this.safeDispatchEvent('child:restart', { detail: { id: record.spec.id, restarts: record.restarts } })
  }

  private current (record: ChildRecord): ActorCell | undefined {
    return record.actorId != null ? this.components.actors.get(record.actorId) : undefined
  }

  private get (id: string): ChildRecord {
    const record = this.records.find(r => r.spec.id === id)
    if (record == null) { throw new UnknownChildError(this.label, id) }
    return record
  }

  private remove (record: ChildRecord): void {
    this.records = this.records.filter(r => r !== record)
  }

  private assertRunning (): void {
    if (this.state !== 'running') { throw new SupervisorStoppedError(this.label) }
  }

  private async enqueue<T>(op: () => Promise<T>): Promise<T> {
    const result = this.queue.then(op)
    this.queue = result.catch(() => {})
    return result
  }
}
