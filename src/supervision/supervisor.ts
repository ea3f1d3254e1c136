// A supervisor of actors on this node: starts its children in order and restarts them by its strategy when they exit.
import { TypedEventEmitter } from '@libp2p/interface'
import { ChildInstances } from './child-instances.ts'
import { ChildStartError, RestartIntensityError, SupervisorSpecError, SupervisorStoppedError, UnknownChildError } from './errors.ts'
import { RestartIntensity } from './restart-intensity.ts'
import { checkChildSpec, resolveSupervisorSpec, restartPolicyOf } from './spec.ts'
import { planExit } from './supervisor-core.ts'
import type { ChildRecord, NestedSupervisor, SupervisorComponents } from './child-instances.ts'
import type { ChildInfo, ChildSpec, Supervisor, SupervisorEvents, SupervisorSpec } from './index.ts'
import type { ResolvedSupervisorSpec } from './spec.ts'
import type { ActorRef, ExitReason } from '../actors/index.ts'

export type { SupervisorComponents } from './child-instances.ts'

/** How a supervisor tells its owner (a parent supervisor, or the node) that it ended. */
export interface SupervisorHooks {
  /** it gave up after too many restarts and stopped every child */
  onFailed?(error: Error): void
  /** its owner's code stopped it on purpose */
  onStopped?(): void
}

interface Exit {
  record: ChildRecord
  reason: ExitReason
  error?: Error
}

export class LocalSupervisor extends TypedEventEmitter<SupervisorEvents> implements Supervisor, NestedSupervisor {
  readonly name?: string
  private readonly components: SupervisorComponents
  private readonly spec: ResolvedSupervisorSpec
  private readonly hooks: SupervisorHooks
  private readonly intensity: RestartIntensity
  private readonly instances: ChildInstances
  private records: ChildRecord[]
  private state: 'new' | 'running' | 'stopped' | 'failed' = 'new'
  /** every change of children runs here, one at a time: exits, restarts and the owner's calls */
  private queue: Promise<unknown> = Promise.resolve()
  private run = 0

  constructor (components: SupervisorComponents, spec: SupervisorSpec, hooks: SupervisorHooks = {}) {
    super()
    this.components = components
    this.spec = resolveSupervisorSpec(spec)
    this.name = this.spec.name
    this.hooks = hooks
    this.intensity = new RestartIntensity({ maxRestarts: this.spec.maxRestarts, withinMs: this.spec.withinMs, now: components.now })
    this.instances = new ChildInstances(components, (record, instance, reason, error) => { this.exited(record, instance, reason, error) })
    this.records = this.spec.children.map(child => this.record(child))
  }

  get runs (): number {
    return this.run
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
          await this.instances.start(record)
        } catch (err) {
          await this.instances.stop(record)
          for (const done of started.reverse()) { await this.instances.stop(done) }
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
      ...(r.nested instanceof LocalSupervisor ? { supervisor: r.nested } : {}),
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
        await this.instances.start(record)
      } catch (err) {
        await this.instances.stop(record)
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
      if (record.status !== 'stopped') { await this.instances.stop(record) }
      if (record.restart === 'temporary') { this.remove(record) }
    })
  }

  async restartChild (id: string): Promise<void> {
    await this.enqueue(async () => {
      this.assertRunning()
      const record = this.get(id)
      if (record.status !== 'stopped') { await this.instances.halt(record) }
      try {
        await this.instances.start(record)
      } catch (err) {
        await this.instances.stop(record)
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
      const nested = record.nested instanceof LocalSupervisor ? record.nested.childOf(actorId) : undefined
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
        onFailed: (error) => { this.exited(record, nested.runs, 'crash', error) },
        onStopped: () => { this.stoppedByOwner(record, nested.runs) }
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
      await this.instances.stop(exit.record)
      if (plan.remove) { this.remove(exit.record) }
      return []
    }
    if (plan.kind === 'escalate') {
      await this.fail(new RestartIntensityError(this.label, exit.record.spec.id, this.spec.maxRestarts, this.spec.withinMs, { cause: exit.error }))
      return []
    }
    for (const id of plan.stop) { await this.instances.halt(this.get(id)) }
    for (const id of plan.remove) {
      const record = this.get(id)
      await this.instances.stop(record)
      this.remove(record)
    }
    const failures: Exit[] = []
    for (const id of plan.start) {
      const record = this.get(id)
      try {
        await this.instances.start(record)
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

  /** Stops every child in reverse start order; temporary children are never restarted, so they go. */
  private async stopAll (): Promise<void> {
    for (const record of [...this.records].reverse()) {
      if (record.status !== 'stopped') { await this.instances.stop(record) }
    }
    this.records = this.records.filter(r => r.restart !== 'temporary')
  }

  private restarted (record: ChildRecord): void {
    record.restarts++
    this.safeDispatchEvent('child:restart', { detail: { id: record.spec.id, restarts: record.restarts } })
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
