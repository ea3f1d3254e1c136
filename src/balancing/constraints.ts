// Constraints filter the members of a service by the load each one last gossiped; they never rank members.
import { RouteOptionError } from './errors.ts'
import type { RouteConstraints } from './index.ts'
import type { NodeLoad } from '../cluster/load-report.ts'

/** What the filter knows of a member: its roles, and its last reported load (undefined before its first report). */
export interface MemberFacts {
  roles: readonly string[]
  load: NodeLoad | undefined
}

type Check = (facts: MemberFacts, limit: any) => boolean

/** Each constraint's test; a member whose load does not tell the measure (no report yet, a browser tab) passes it. */
const CHECKS: Record<keyof RouteConstraints, Check> = {
  maxCpu: (facts, limit: number) => !(facts.load?.cpu != null && facts.load.cpu > limit),
  maxEventLoopLag: (facts, limit: number) => !(facts.load?.eventLoopLag != null && facts.load.eventLoopLag > limit),
  maxHeap: (facts, limit: number) => !(facts.load?.heap != null && facts.load.heap > limit),
  maxMailbox: (facts, limit: number) => !(facts.load?.mailbox != null && facts.load.mailbox > limit),
  minUptime: (facts, limit: number) => !(facts.load?.uptime != null && facts.load.uptime < limit),
  roles: (facts, roles: string[]) => roles.every(role => facts.roles.includes(role))
}

/** The constraint a member fails first, or undefined when it passes them all. */
export function failedConstraint (facts: MemberFacts, constraints: RouteConstraints): keyof RouteConstraints | undefined {
  for (const [name, limit] of Object.entries(constraints) as Array<[keyof RouteConstraints, unknown]>) {
    if (limit != null && !CHECKS[name](facts, limit)) { return name }
  }
  return undefined
}

/** Throws RouteOptionError naming a constraint that is unknown or out of range. */
export function checkConstraints (constraints: RouteConstraints): void {
  for (const [name, limit] of Object.entries(constraints)) {
    if (limit == null) { continue }
    if (!(name in CHECKS)) { throw new RouteOptionError(`constraints.${name}`, `is not a constraint (${Object.keys(CHECKS).join(', ')})`) }
    if (name === 'roles') {
      if (!Array.isArray(limit) || !limit.every(role => typeof role === 'string')) { throw new RouteOptionError('constraints.roles', 'is not a list of role names') }
      continue
    }
    const share = name === 'maxCpu' || name === 'maxHeap'
    if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0 || (share && limit > 1)) {
      throw new RouteOptionError(`constraints.${name}`, share ? `must be a share from 0 to 1, not ${String(limit)}` : `must be a number of 0 or more, not ${String(limit)}`)
    }
  }
}
