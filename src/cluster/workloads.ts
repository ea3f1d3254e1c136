// The services applications run on the cluster's core: caches, routed calls and map-reduce. Each reads the core
// through the narrow parts below; the node starts, drains and stops them with the rest.
import { LoadBalancer } from '../balancing/load-balancer.ts'
import { CacheService } from '../cache/cache-service.ts'
import { ComputeService } from '../compute/compute-service.ts'
import type { CallOptions } from './index.ts'
import type { NodeLoad } from './load-report.ts'
import type { SystemEndpoints } from './system-endpoints.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { Groups } from '../groups/index.ts'
import type { Libp2pMembership } from '../membership/libp2p-membership.ts'
import type { DirectMessaging } from '../messaging/direct/direct-messaging.ts'
import type { ComponentLogger } from '@libp2p/interface'

/** services whose actors are kept listed at once */
const MAX_LISTED_SERVICES = 1024

export interface WorkloadParts {
  self: string
  membership: Libp2pMembership
  messaging: DirectMessaging
  endpoints: SystemEndpoints
  /** process groups: a routed service's actors are its group's members */
  groups: Pick<Groups, 'members' | 'addEventListener'>
  /** a call as `cluster.call` makes it */
  call(ref: ActorRef, message: unknown, options: CallOptions): Promise<unknown>
  /** this node's load now, and another member's as last reported */
  loadOf(node: string): NodeLoad | undefined
  /** the node has read the membership (readiness's `joined`) */
  joined(): boolean
  logger: ComponentLogger
}

export interface WorkloadLimits {
  maxMessageSize: number
  callTimeout: number
}

export interface Workloads {
  caches: CacheService
  balancer: LoadBalancer
  compute: ComputeService
}

export function createWorkloads (parts: WorkloadParts, limits: WorkloadLimits): Workloads {
  const { self, membership, messaging, endpoints, logger } = parts
  const balancer = new LoadBalancer({
    instances: serviceInstances(parts.groups),
    facts: (node) => {
      const member = membership.get(node)
      if (member == null || !membership.isActive(node)) { return undefined }
      // read only by a call with load constraints: this node's own load walks every local actor's mailbox
      return { roles: member.roles, get load () { return parts.loadOf(node) } }
    },
    call: async (ref, message, options) => parts.call(ref, message, options)
  }, { callTimeout: limits.callTimeout })
  const caches = new CacheService({
    self,
    membership,
    messaging,
    endpoints,
    settled: () => parts.joined(),
    log: logger.forComponent('foundation:cache')
  }, limits)
  const compute = new ComputeService({
    self,
    membership,
    messaging,
    endpoints,
    log: logger.forComponent('foundation:compute')
  }, limits)
  return { caches, balancer, compute }
}

/**
 * A service's actors, listed once per change of its group rather than on every routed call: a group's listing sorts
 * and copies every member, and a call to a service of hundreds would pay for it each time.
 */
function serviceInstances (groups: WorkloadParts['groups']): (service: string) => ActorRef[] {
  const listed = new Map<string, ActorRef[]>()
  const forget = (evt: CustomEvent<{ group: string }>): void => { listed.delete(evt.detail.group) }
  groups.addEventListener('group:join', forget)
  groups.addEventListener('group:leave', forget)
  return (service) => {
    let refs = listed.get(service)
    if (refs == null) {
      // names routed to once and never again must not pile up
      if (listed.size >= MAX_LISTED_SERVICES) { listed.clear() }
      refs = groups.members(service)
      listed.set(service, refs)
    }
    return refs
  }
}
