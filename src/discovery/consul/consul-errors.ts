// What an error answer of Consul means for discovery, said so an operator knows what to change.
import { DiscoveryForbiddenError, DiscoveryResponseError } from '../errors.ts'
import { HttpStatusError } from '../http/errors.ts'
import type { FailureMapper } from '../http/index.ts'

/** The ACL rules the token needs, in Consul's policy language. */
export function neededRules (service: string): string {
  return `service:read on "${service}" and node:read on its nodes (a policy with service "${service}" { policy = "read" } and node_prefix "" { policy = "read" })`
}

export function consulFailure (service: string, datacenter: string | undefined): FailureMapper {
  return (response, url) => {
    const said = response.excerpt.trim()
    const answered = `${url} answered ${response.status} ${response.statusText}`
    const cause = new HttpStatusError(response.status, `${answered}: ${said}`)
    if (response.status === 403) {
      const why = /ACL not found/i.test(said)
        ? 'Consul does not know the ACL token (from the token option or $CONSUL_HTTP_TOKEN); use one that exists'
        : 'the ACL token may not read this service'
      return new DiscoveryForbiddenError('consul', `${answered} (${said}): ${why}. The token needs ${neededRules(service)}`, { cause })
    }
    const hint = /No path to datacenter/i.test(said) ? `; Consul knows no datacenter "${datacenter}"` : ''
    return new DiscoveryResponseError('consul', `${answered}: ${said}${hint}`, { cause })
  }
}
