// Errors of routed calls, named so callers can branch on `.name`.

/** No actor serves the service: its group has no member anywhere in the cluster. */
export class ServiceNotFoundError extends Error {
  static readonly name = 'ServiceNotFoundError'
  readonly service: string

  constructor (service: string) {
    super(`no actor serves "${service}": the group has no member (join actors to it with cluster.groups.join)`)
    this.name = 'ServiceNotFoundError'
    this.service = service
  }
}

/**
 * Actors serve the service, but none may take the call: each was left out by a constraint, or is ejected for failing.
 * `excluded` counts the actors each reason left out, such as `{ maxCpu: 3, ejected: 1 }`.
 */
export class NoEligibleMemberError extends Error {
  static readonly name = 'NoEligibleMemberError'
  readonly service: string
  readonly excluded: Record<string, number>

  constructor (service: string, excluded: Record<string, number>) {
    const reasons = Object.entries(excluded).map(([reason, count]) => `${reason} (${count})`).join(', ')
    super(`no actor of "${service}" may take the call; left out by ${reasons}`)
    this.name = 'NoEligibleMemberError'
    this.service = service
    this.excluded = excluded
  }
}

/** A route option is wrong: `option` names it. */
export class RouteOptionError extends TypeError {
  static readonly name = 'RouteOptionError'
  readonly option: string

  constructor (option: string, message: string) {
    super(`route: ${option} ${message}`)
    this.name = 'RouteOptionError'
    this.option = option
  }
}
