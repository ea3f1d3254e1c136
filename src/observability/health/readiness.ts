// Whether a node is ready to take traffic, check by check, so an operator reading /readyz sees why not.
import { JoinCheck } from './join-check.ts'
import type { JoinCheckComponents } from './join-check.ts'

/** Where a node is in its life. */
export type NodeLifecycle = 'new' | 'running' | 'stopping' | 'stopped'

export interface ReadinessCheck {
  name: 'started' | 'joined' | 'names' | 'cache' | 'not-draining'
  ok: boolean
  detail: string
}

export interface ReadinessReport {
  ready: boolean
  checks: ReadinessCheck[]
}

export interface ReadinessComponents extends JoinCheckComponents {
  lifecycle(): NodeLifecycle
  /** distributed actors are being handed off (distribution.drain()) */
  draining(): boolean
  /** the names of every member that joined have been read */
  namesSynced(): boolean
  /** cache partitions this node should keep and is still receiving */
  cacheUnsynced(): number
}

export class Readiness {
  private readonly components: ReadinessComponents
  private readonly join: JoinCheck

  constructor (components: ReadinessComponents, joinGrace?: number) {
    this.components = components
    this.join = new JoinCheck(components, joinGrace)
  }

  /** whether the node has joined the cluster (or found it is the first member): it knows the other members */
  joined (): boolean {
    return this.join.check().joined
  }

  report (): ReadinessReport {
    const lifecycle = this.components.lifecycle()
    const started = lifecycle === 'running' || lifecycle === 'stopping'
    const checks: ReadinessCheck[] = [{ name: 'started', ok: started, detail: lifecycle }]
    if (started) {
      const join = this.join.check()
      checks.push({ name: 'joined', ok: join.joined, detail: join.detail })
      const synced = this.components.namesSynced()
      checks.push({ name: 'names', ok: synced, detail: synced ? 'names read from every active member' : 'reading the names of members that joined' })
      // a rolling restart that stops the next node before this one holds its partitions would leave them one copy short
      const unsynced = this.components.cacheUnsynced()
      checks.push({ name: 'cache', ok: unsynced === 0, detail: unsynced === 0 ? 'every cache partition this node keeps is in sync' : `receiving ${unsynced} cache partition(s)` })
    }
    checks.push(this.drainCheck(lifecycle))
    return { ready: checks.every(c => c.ok), checks }
  }

  private drainCheck (lifecycle: NodeLifecycle): ReadinessCheck {
    if (lifecycle === 'stopping') { return { name: 'not-draining', ok: false, detail: 'stopping: handing actors off and leaving' } }
    if (this.components.draining()) { return { name: 'not-draining', ok: false, detail: 'handing distributed actors off' } }
    return { name: 'not-draining', ok: true, detail: 'serving' }
  }
}

/** Liveness: the process serves and the node has not stopped (it is alive while it drains and leaves). */
export function healthOf (lifecycle: NodeLifecycle, uptime: number): { status: number, body: { status: 'ok' | 'stopped', lifecycle: NodeLifecycle, uptime: number } } {
  const alive = lifecycle !== 'stopped'
  return { status: alive ? 200 : 503, body: { status: alive ? 'ok' : 'stopped', lifecycle, uptime } }
}
