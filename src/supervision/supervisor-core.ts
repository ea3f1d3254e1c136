// The decision a supervisor takes when a child exits, without IO: which children to stop and restart, or give up.
import type { ChildStatus, ExitReason, RestartPolicy, SupervisorStrategy } from './index.ts'
import type { RestartIntensity } from './restart-intensity.ts'

/** One child as the decision sees it, in start order. */
export interface CoreChild {
  id: string
  restart: RestartPolicy
  /** 'restarting': down, waiting to be started again (its last start failed, or a restart is under way) */
  status: ChildStatus
}

export type ExitPlan =
  /** the child stays down, its siblings untouched; a temporary child leaves the supervisor */
  | { kind: 'keep-stopped', remove: boolean }
  /** stop these siblings (reverse start order), drop these temporary ones, then start these (start order) */
  | { kind: 'restart', stop: string[], remove: string[], start: string[] }
  /** one restart too many: stop everything and fail upward */
  | { kind: 'escalate' }

/** OTP's rule: permanent always, transient only after an abnormal exit, temporary never. */
export function shouldRestart (policy: RestartPolicy, reason: ExitReason): boolean {
  return policy === 'permanent' || (policy === 'transient' && reason === 'crash')
}

/**
 * Decides what follows the exit of child `exited`. A restart counts once against the intensity however many
 * siblings it takes along. Siblings the strategy stops are restarted unless temporary (those are never
 * restarted, so they are dropped); siblings stopped on purpose stay stopped.
 */
export function planExit (strategy: SupervisorStrategy, children: CoreChild[], exited: string, reason: ExitReason, intensity: RestartIntensity): ExitPlan {
  const index = children.findIndex(c => c.id === exited)
  if (index < 0) { throw new RangeError(`no child "${exited}"`) }
  const child = children[index]
  if (!shouldRestart(child.restart, reason)) { return { kind: 'keep-stopped', remove: child.restart === 'temporary' } }
  if (!intensity.record()) { return { kind: 'escalate' } }

  const scope = { 'one-for-one': [], 'one-for-all': children, 'rest-for-one': children.slice(index + 1) }[strategy]
  const siblings = scope.filter(c => c.id !== exited && c.status !== 'stopped')
  const stop = siblings.filter(c => c.status === 'running').map(c => c.id).reverse()
  const remove = siblings.filter(c => c.restart === 'temporary').map(c => c.id)
  const restarted = new Set([exited, ...siblings.filter(c => c.restart !== 'temporary').map(c => c.id)])
  const start = children.filter(c => restarted.has(c.id)).map(c => c.id)
  return { kind: 'restart', stop, remove, start }
}
