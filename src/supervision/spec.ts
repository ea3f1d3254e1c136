// Checks supervisor and child specs once, before anything starts, and fills their defaults.
import { SupervisorSpecError } from './errors.ts'
import { DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_POLICY, DEFAULT_RESTART_WINDOW, DEFAULT_STRATEGY, RESTART_POLICIES, SUPERVISOR_STRATEGIES } from './index.ts'
import type { ChildSpec, RestartPolicy, SupervisorSpec, SupervisorStrategy } from './index.ts'

export interface ResolvedSupervisorSpec {
  name?: string
  strategy: SupervisorStrategy
  maxRestarts: number
  withinMs: number
  children: ChildSpec[]
}

/** Throws SupervisorSpecError naming the first wrong field, nested children included. */
export function resolveSupervisorSpec (spec: SupervisorSpec, path = ''): ResolvedSupervisorSpec {
  if (!isObject(spec)) { throw new SupervisorSpecError(path === '' ? 'spec' : path.slice(0, -1), 'must be an object') }
  const at = (field: string): string => `${path}${field}`
  if (spec.name != null && (typeof spec.name !== 'string' || spec.name === '')) { throw new SupervisorSpecError(at('name'), 'must be a non-empty string') }
  const strategy = spec.strategy ?? DEFAULT_STRATEGY
  if (!SUPERVISOR_STRATEGIES.includes(strategy)) { throw new SupervisorSpecError(at('strategy'), `must be one of ${SUPERVISOR_STRATEGIES.join(', ')} (got ${String(strategy)})`) }
  const maxRestarts = spec.maxRestarts ?? DEFAULT_MAX_RESTARTS
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) { throw new SupervisorSpecError(at('maxRestarts'), `must be an integer >= 0 (got ${String(maxRestarts)})`) }
  const withinMs = spec.withinMs ?? DEFAULT_RESTART_WINDOW
  if (typeof withinMs !== 'number' || !Number.isFinite(withinMs) || withinMs <= 0) { throw new SupervisorSpecError(at('withinMs'), `must be a number of milliseconds > 0 (got ${String(withinMs)})`) }
  if (!Array.isArray(spec.children)) { throw new SupervisorSpecError(at('children'), 'must be an array') }
  const ids = new Set<string>()
  spec.children.forEach((child, i) => {
    checkChildSpec(child, at(`children[${i}]`))
    if (ids.has(child.id)) { throw new SupervisorSpecError(at(`children[${i}].id`), `"${child.id}" is used by another child`) }
    ids.add(child.id)
  })
  return { name: spec.name, strategy, maxRestarts, withinMs, children: spec.children }
}

/** Checks one child spec; `field` is where it sits, for the error. */
export function checkChildSpec (child: ChildSpec, field: string): void {
  if (!isObject(child)) { throw new SupervisorSpecError(field, 'must be an object') }
  if (typeof child.id !== 'string' || child.id === '') { throw new SupervisorSpecError(`${field}.id`, 'must be a non-empty string') }
  const restart = child.restart ?? DEFAULT_RESTART_POLICY
  if (!RESTART_POLICIES.includes(restart)) { throw new SupervisorSpecError(`${field}.restart`, `must be one of ${RESTART_POLICIES.join(', ')} (got ${String(restart)})`) }
  const hasActor = 'actor' in child && child.actor != null
  const hasSupervisor = 'supervisor' in child && child.supervisor != null
  if (hasActor === hasSupervisor) { throw new SupervisorSpecError(field, 'needs exactly one of actor and supervisor') }
  if ('supervisor' in child && hasSupervisor) {
    resolveSupervisorSpec(child.supervisor, `${field}.supervisor.`)
    return
  }
  if (!('actor' in child)) { return }
  if (typeof child.actor !== 'function') { throw new SupervisorSpecError(`${field}.actor`, 'must be an actor class') }
  if (child.args != null && !Array.isArray(child.args)) { throw new SupervisorSpecError(`${field}.args`, 'must be an array') }
  if (child.name != null && (typeof child.name !== 'string' || child.name === '')) { throw new SupervisorSpecError(`${field}.name`, 'must be a non-empty string') }
}

export function restartPolicyOf (child: ChildSpec): RestartPolicy {
  return child.restart ?? DEFAULT_RESTART_POLICY
}

function isObject (value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value != null && !Array.isArray(value)
}
