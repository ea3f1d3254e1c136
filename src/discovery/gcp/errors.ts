// How the Compute API and its SDK fail, as the discovery errors the node sees.
import { DiscoveryError, DiscoveryForbiddenError, DiscoveryResponseError, DiscoveryUnreachableError } from '../errors.ts'

/** gRPC status codes, which the SDK's errors carry as `code` also over REST */
const CANCELLED = 1
const DEADLINE_EXCEEDED = 4
const PERMISSION_DENIED = 7
const UNAVAILABLE = 14
const UNAUTHENTICATED = 16

/** A failed instances list call (`err` from `@google-cloud/compute`) in `project`. */
export function computeError (err: any, project: string): DiscoveryError {
  if (err instanceof DiscoveryError) { return err }
  const status: number | undefined = err?.httpStatusCode
  const reason = err?.message ?? String(err)
  if (status === 401 || status === 403 || err?.code === PERMISSION_DENIED || err?.code === UNAUTHENTICATED) {
    return new DiscoveryForbiddenError('gcp', `Compute refused to list instances (${reason}): the service account needs compute.instances.list on project ${project}, as roles/compute.viewer grants`, { cause: err })
  }
  if (status != null) {
    return new DiscoveryResponseError('gcp', `Compute answered the instances list with HTTP ${status} (${reason})`, { cause: err })
  }
  if (err?.code === UNAVAILABLE || err?.code === DEADLINE_EXCEEDED || err?.code === CANCELLED) {
    return new DiscoveryUnreachableError('gcp', `could not reach the Compute API (${reason})`, { cause: err })
  }
  return new DiscoveryResponseError('gcp', `listing instances failed (${reason})`, { cause: err })
}

/** The SDK could not find credentials (no service account, no GOOGLE_APPLICATION_CREDENTIALS). */
export function credentialsError (err: any): DiscoveryError {
  return new DiscoveryForbiddenError('gcp', `no Google credentials (${err?.message ?? err}): run on an instance with a service account, or set GOOGLE_APPLICATION_CREDENTIALS`, { cause: err })
}
