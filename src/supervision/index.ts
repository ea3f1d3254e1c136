// Supervision: supervisors that restart the actors of this node when they crash, as OTP's do.
import { SECOND } from '../config/units.ts'
import type { ActorClass, ActorRef, ExitReason } from '../actors/index.ts'
import type { TypedEventTarget } from '@libp2p/interface'

export type { ExitReason } from '../actors/index.ts'

/** Which children restart when one of them exits and is restarted. */
export type SupervisorStrategy = 'one-for-one' | 'one-for-all' | 'rest-for-one'
/** When a child that exited is restarted: always, only after a crash, never. */
export type RestartPolicy = 'permanent' | 'transient' | 'temporary'
export type ChildStatus = 'running' | 'restarting' | 'stopped'

export const SUPERVISOR_STRATEGIES: readonly SupervisorStrategy[] = ['one-for-one', 'one-for-all', 'rest-for-one']
export const RESTART_POLICIES: readonly RestartPolicy[] = ['permanent', 'transient', 'temporary']
export const DEFAULT_STRATEGY: SupervisorStrategy = 'one-for-one'
export const DEFAULT_RESTART_POLICY: RestartPolicy = 'permanent'
/** restarts allowed within the window; one more and the supervisor fails */
export const DEFAULT_MAX_RESTARTS = 3
export const DEFAULT_RESTART_WINDOW = 5 * SECOND

/**
 * What a supervisor runs and how it restarts. Children start in order; when one exits, `strategy` decides which
 * restart: 'one-for-one' only that child, 'one-for-all' every child, 'rest-for-one' it and those started after
 * it. More than `maxRestarts` restarts within `withinMs` and the supervisor gives up: it stops every child and
 * fails with {@link RestartIntensityError}.
 *
 * @example
 * ```ts
 * const spec: SupervisorSpec = {
 *   name: 'billing',
 *   strategy: 'rest-for-one',
 *   children: [
 *     { id: 'ledger', actor: Counter, name: 'ledger' },
 *     { id: 'workers', supervisor: { children: [{ id: 'w1', actor: Counter, restart: 'transient' }] } }
 *   ]
 * }
 * await cluster.supervise(spec)
 * ```
 */
export interface SupervisorSpec {
  /** names the supervisor in its events and errors */
  name?: string
  /** default 'one-for-one' */
  strategy?: SupervisorStrategy
  /** restarts allowed within `withinMs` before the supervisor gives up and fails (default 3) */
  maxRestarts?: number
  /** the sliding window of `maxRestarts`, in milliseconds (default 5 s) */
  withinMs?: number
  /** started in this order, stopped in the reverse order */
  children: ChildSpec[]
}

export interface ActorChildSpec {
  /** unique among the supervisor's children */
  id: string
  actor: ActorClass
  /** constructor arguments, passed again on every restart */
  args?: unknown[]
  /** registered cluster-wide; a restart keeps both the name and the ref */
  name?: string
  /** default 'permanent' */
  restart?: RestartPolicy
}

export interface SupervisorChildSpec {
  id: string
  /** a nested supervisor: when it fails, this supervisor sees a crashed child */
  supervisor: SupervisorSpec
  restart?: RestartPolicy
}

export type ChildSpec = ActorChildSpec | SupervisorChildSpec

export interface ChildInfo {
  id: string
  /** the actor's ref, the same across restarts (absent for a nested supervisor) */
  ref?: ActorRef
  /** a nested supervisor */
  supervisor?: Supervisor
  /** how many times it was restarted */
  restarts: number
  status: ChildStatus
}

export interface ChildExit {
  id: string
  /** 'normal' after `context.stop()`, 'crash' after a throw or a failed nested supervisor */
  reason: ExitReason
  error?: Error
}

export interface ChildRestart {
  id: string
  restarts: number
}

export interface SupervisorEvents {
  /** a child ended by itself (not when the supervisor stopped it) */
  'child:exit': CustomEvent<ChildExit>
  /** a child runs again, with its old ref and name */
  'child:restart': CustomEvent<ChildRestart>
  /** too many restarts: every child was stopped and the supervisor gave up (RestartIntensityError) */
  failed: CustomEvent<Error>
}

/** The detail of a cluster's 'supervisor:failed' event: a top-level supervisor gave up. */
export interface SupervisorFailure {
  name?: string
  error: Error
}

/**
 * A running supervisor, as `cluster.supervise` returns it. Its children run on this node; a restarted actor keeps
 * its ref and name, so callers never see the restart, only the call that failed with it.
 *
 * @example
 * ```ts
 * const supervisor = await cluster.supervise({ children: [{ id: 'counter', actor: Counter }] })
 * supervisor.addEventListener('failed', (event) => { cluster.send('pager', { error: event.detail.message }) })
 * await supervisor.startChild({ id: 'second', actor: Counter })
 * supervisor.children().map(child => `${child.id}: ${child.status}, ${child.restarts} restarts`)
 * await supervisor.restartChild('counter')
 * await supervisor.stop()
 * ```
 */
export interface Supervisor extends TypedEventTarget<SupervisorEvents> {
  readonly name?: string
  /** in start order */
  children(): ChildInfo[]
  /** adds a child and starts it; the actor's ref, or undefined for a nested supervisor */
  startChild(spec: ChildSpec): Promise<ActorRef | undefined>
  /** stops a child on purpose: it is not restarted; its queued calls fail with ActorStoppedError */
  stopChild(id: string): Promise<void>
  /** restarts a child, running or stopped, under its old ref and name */
  restartChild(id: string): Promise<void>
  /** stops every child, in reverse start order */
  stop(): Promise<void>
}
