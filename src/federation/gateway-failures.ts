// What a failed try through a gateway says, and the error the caller sees. The rule is routed calls': a try the
// gateway never took goes to another gateway; anything else (a handler's throw, a timeout) is the call's answer.
import { ActorNotFoundError } from '../actors/errors.ts'
import { CallTimeoutError, NodeDownError, PeerOverloadedError } from '../messaging/errors.ts'
import { ClusterUnknownError, ClusterUnreachableError, NameNotFoundError } from './errors.ts'
import type { Target } from '../cluster/index.ts'

/**
 * `cut-off`: the gateway cannot serve the cluster now (itself down or unreachable, or it says it is cut off from that
 * cluster or holds no node there): leave it out and try another. `retry`: the message was not taken (a node on the
 * way overloaded, or lost): another gateway may take it. `final`: the call's own outcome.
 */
export type GatewayVerdict = 'cut-off' | 'retry' | 'final'

export function verdictOn (err: unknown, gateway: string): GatewayVerdict {
  // the sender's own messaging names the gateway; the same errors from beyond it arrive by name only
  if (err instanceof NodeDownError && err.node === gateway) { return 'cut-off' }
  if (err instanceof ClusterUnreachableError || err instanceof ClusterUnknownError) { return 'cut-off' }
  if (err instanceof PeerOverloadedError) { return 'retry' }
  const name = (err as Error | undefined)?.name
  return name === NodeDownError.name || name === PeerOverloadedError.name ? 'retry' : 'final'
}

/** The target as errors name it. */
export function describeTarget (target: Target): string {
  return typeof target === 'string' ? `"${target}"` : `${target.node}/${target.id}`
}

/**
 * The error of a call through a gateway as the caller should see it: with the fields its class carries (a gateway's
 * answer brings its name and message only), and a timeout named after the target rather than the gateway.
 */
export function callerError (err: unknown, cluster: string, target: Target, timeout: number): unknown {
  if ((err as Error | undefined)?.name === CallTimeoutError.name) { return new CallTimeoutError(`${describeTarget(target)} in cluster "${cluster}"`, timeout) }
  return asNameNotFound(err, cluster, target)
}

/** A name with no actor behind it in the other cluster, as the sender's caller should see it. */
export function asNameNotFound (err: unknown, cluster: string, target: Target): unknown {
  // one a gateway answered arrives with its message only
  if (typeof target !== 'string' || !(err instanceof ActorNotFoundError) || (err instanceof NameNotFoundError && err.cluster === cluster)) { return err }
  return new NameNotFoundError(cluster, target, { cause: err })
}

/** The label of a finished call in the cross-cluster metrics. */
export type CrossClusterOutcome = 'ok' | 'not-found' | 'unreachable' | 'timeout' | 'error'

export function outcomeOf (err: unknown): CrossClusterOutcome {
  if (err instanceof CallTimeoutError) { return 'timeout' }
  if (err instanceof ClusterUnreachableError) { return 'unreachable' }
  if (err instanceof NameNotFoundError) { return 'not-found' }
  return 'error'
}
