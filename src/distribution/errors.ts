// Errors of distributed actors, named so callers can branch on `.name`.

/** A distributed actor's type is not defined on the node asked to run it. */
export class UnknownActorTypeError extends Error {
  static readonly name = 'UnknownActorTypeError'
  readonly type: string

  constructor (type: string) {
    super(`actor type "${type}" is not defined on this node: call cluster.define(${type}) on every node that may host it`)
    this.name = 'UnknownActorTypeError'
    this.type = type
  }
}

/** No active member can host the actor: none has every role it asks for, or all are leaving. */
export class NoEligibleNodeError extends Error {
  static readonly name = 'NoEligibleNodeError'

  constructor (name: string, roles: readonly string[]) {
    super(`no member can run "${name}"${roles.length > 0 ? `: none has the roles ${roles.join(', ')}` : ''}`)
    this.name = 'NoEligibleNodeError'
  }
}

/** The actor asks for a quorum this side of the cluster does not have. */
export class NoQuorumError extends Error {
  static readonly name = 'NoQuorumError'

  constructor (name: string, rule: string) {
    super(`"${name}" needs a quorum (${rule}) of the cluster's members and this node does not reach it`)
    this.name = 'NoQuorumError'
  }
}

/** A distributed actor could not be started or moved where it was sent. */
export class PlacementFailedError extends Error {
  static readonly name = 'PlacementFailedError'

  constructor (name: string, node: string, reason: string, options?: ErrorOptions) {
    super(`"${name}" could not be started on ${node}: ${reason}`, options)
    this.name = 'PlacementFailedError'
  }
}

/** The options of a distributed spawn or migration are wrong. */
export class DistributionOptionError extends Error {
  static readonly name = 'DistributionOptionError'

  constructor (message: string) {
    super(message)
    this.name = 'DistributionOptionError'
  }
}
