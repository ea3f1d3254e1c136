// How etcd and its client fail, as the discovery errors the node sees.
import { DiscoveryError, DiscoveryForbiddenError, DiscoveryResponseError, DiscoveryUnreachableError } from '../errors.ts'
import type * as Etcd from 'etcd3'

/** The lease that keeps this node's key alive is gone: etcd restarted empty, expired it, or was out of reach too long. */
export class EtcdRegistrationLostError extends DiscoveryError {
  static readonly name = 'EtcdRegistrationLostError'

  constructor (message: string, options?: ErrorOptions) {
    super('etcd', message, options)
    this.name = 'EtcdRegistrationLostError'
  }
}

/** `what` failed with `err` (from the etcd3 client): says whether etcd was out of reach, refused, or answered oddly. */
export function etcdError (etcd: typeof Etcd, what: string, endpoints: string[], err: any): DiscoveryError {
  if (err instanceof DiscoveryError) { return err }
  const reason = err?.message ?? String(err)
  if (err instanceof etcd.EtcdPermissionDeniedError || err instanceof etcd.EtcdRoleNotGrantedError ||
    err instanceof etcd.EtcdAuthenticationFailedError || err instanceof etcd.EtcdUserNotFoundError ||
    err instanceof etcd.EtcdInvalidAuthTokenError || err instanceof etcd.GRPCUnauthenticatedError) {
    return new DiscoveryForbiddenError('etcd', `etcd refused to ${what} (${reason}): check the username and password, and that the user's role may read and write the prefix`, { cause: err })
  }
  if ((err instanceof Error && etcd.isRecoverableError(err)) || err?.isBrokenCircuitError === true ||
    err instanceof etcd.GRPCDeadlineExceededError || err instanceof etcd.EtcdWatchStreamEnded) {
    return new DiscoveryUnreachableError('etcd', `could not ${what}: etcd at ${endpoints.join(', ')} is out of reach (${reason})`, { cause: err })
  }
  return new DiscoveryResponseError('etcd', `could not ${what}: ${reason}`, { cause: err })
}
