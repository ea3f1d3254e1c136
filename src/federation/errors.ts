// Errors of messages across clusters, named so callers can branch on `.name`. Each survives the wire: a gateway's
// answer is rebuilt as the same class (see messaging/direct/wire-error.ts), and the sender fills the fields in again.
import { ActorNotFoundError } from '../actors/errors.ts'

/** This process holds no node of the cluster, and no member of its clusters advertises a gateway to it. */
export class ClusterUnknownError extends Error {
  static readonly name = 'ClusterUnknownError'
  readonly cluster: string

  constructor (cluster: string, options?: ErrorOptions) {
    super(`no node of cluster "${cluster}" in this process, and no gateway to it among the members`, options)
    this.name = 'ClusterUnknownError'
    this.cluster = cluster
  }
}

/**
 * Gateways to the cluster are known, but none could take the message: each is down, cut off from that cluster or
 * failed this call. `tried` lists the gateways' peer ids in the order they were tried (empty when every one was
 * already known to be cut off); `cause` is the last try's error.
 */
export class ClusterUnreachableError extends Error {
  static readonly name = 'ClusterUnreachableError'
  readonly cluster: string
  readonly tried: string[]

  constructor (cluster: string, tried: string[], options?: ErrorOptions) {
    const how = tried.length === 0 ? 'every gateway to it is down or cut off' : `tried ${tried.length} gateway(s): ${tried.join(', ')}`
    super(`cluster "${cluster}" is unreachable: ${how}`, options)
    this.name = 'ClusterUnreachableError'
    this.cluster = cluster
    this.tried = tried
  }
}

/**
 * No actor is registered under the name in that cluster. An ActorNotFoundError, so code that handles a name missing
 * in its own cluster handles this one too.
 */
export class NameNotFoundError extends ActorNotFoundError {
  static readonly name: string = 'NameNotFoundError'
  readonly cluster: string
  readonly actorName: string

  constructor (cluster: string, actorName: string, options?: ErrorOptions) {
    super(`named "${actorName}" in cluster "${cluster}"`)
    this.name = 'NameNotFoundError'
    this.cluster = cluster
    this.actorName = actorName
    if (options?.cause !== undefined) { this.cause = options.cause }
  }
}

/** A `$gateway` request from the network is malformed: it is refused, and the node keeps running. */
export class InvalidGatewayRequestError extends Error {
  static readonly name = 'InvalidGatewayRequestError'

  constructor (why: string) {
    super(`invalid gateway request: ${why}`)
    this.name = 'InvalidGatewayRequestError'
  }
}
