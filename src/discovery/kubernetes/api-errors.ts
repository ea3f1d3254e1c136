// What an error answer of the Kubernetes API means for discovery, said so an operator knows what to change.
import { DiscoveryForbiddenError, DiscoveryResponseError } from '../errors.ts'
import { HttpStatusError } from '../http/errors.ts'
import { ContinueExpiredError } from './errors.ts'
import { isStatus } from './types.ts'
import type { DiscoveryError } from '../errors.ts'
import type { FailureMapper, JsonResponse } from '../http/index.ts'

export const RBAC_EXAMPLE = 'examples/kubernetes/rbac.yaml'

/** What was being listed, for the messages. */
export interface ListContext {
  resource: string
  /** '' for the core group */
  group: string
  namespace: string
  tokenPath: string
  /** whether a token was sent */
  hasToken: boolean
  /** whether the request carried a continue token */
  continued: boolean
}

export function apiFailure (context: ListContext): FailureMapper {
  return (response, url) => describeFailure(context, response, url)
}

function describeFailure (context: ListContext, response: JsonResponse, url: string): DiscoveryError {
  const status = isStatus(response.body) ? response.body : undefined
  const said = status?.message ?? response.excerpt
  const answered = `${url} answered ${response.status} ${status?.reason ?? response.statusText}`
  const cause = new HttpStatusError(response.status, `${answered}: ${said}`)
  switch (response.status) {
    case 401:
      return new DiscoveryForbiddenError('kubernetes', unauthorized(context, answered, url), { cause })
    case 403:
      return new DiscoveryForbiddenError('kubernetes', forbidden(context, said, status?.details), { cause })
    case 404:
      return new DiscoveryResponseError('kubernetes', `${answered}: ${said}; ${context.group === '' ? 'is apiServer the Kubernetes API server?' : `this cluster does not serve ${context.group}/v1 ${context.resource} (Kubernetes 1.21 or later does)`}`, { cause })
    case 410:
      if (context.continued) {
        return new ContinueExpiredError(`${answered}: the listing took too long and its continue token expired: ${said}`, { cause })
      }
      break
    case 429:
      return new DiscoveryResponseError('kubernetes', `${answered}: the API server is shedding load (${said}); a longer interval asks less of it`, { cause })
    default:
      break
  }
  return new DiscoveryResponseError('kubernetes', `${answered}: ${said}`, { cause })
}

function unauthorized (context: ListContext, answered: string, url: string): string {
  if (context.hasToken) {
    return `${answered}: the API server refused the service account token from ${context.tokenPath}; it has expired, was revoked, or belongs to another cluster`
  }
  if (url.startsWith('http:')) {
    return `${answered}: the service account token is sent only over https; use an https apiServer, or a proxy that authenticates`
  }
  return `${answered}: no service account token at ${context.tokenPath}; mount one (automountServiceAccountToken: true) or point apiServer at a proxy that authenticates`
}

/** Says exactly which RBAC rule is missing, for whom, and where an example is. */
function forbidden (context: ListContext, said: string, details?: { group?: string, kind?: string }): string {
  const resource = details?.kind ?? context.resource
  const group = details?.group ?? context.group
  const groupText = group === '' ? 'API group "" (the core group)' : `API group "${group}"`
  return `${subjectOf(said)} may not list ${resource} in namespace "${context.namespace}": grant it verb "list" on ` +
    `resource "${resource}" in ${groupText} in namespace "${context.namespace}" with a Role and a RoleBinding ` +
    `(see ${RBAC_EXAMPLE}). The API server said: ${said}`
}

function subjectOf (said: string): string {
  const account = /User "system:serviceaccount:([^:"]+):([^"]+)"/.exec(said)
  if (account != null) {
    return `service account "${account[2]}" of namespace "${account[1]}" (system:serviceaccount:${account[1]}:${account[2]})`
  }
  const user = /User "([^"]+)"/.exec(said)
  return user != null ? `user "${user[1]}"` : 'this pod\'s service account'
}
