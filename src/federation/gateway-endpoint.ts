// The `$gateway` endpoint of a gateway's node: takes sends and calls addressed to another cluster and forwards them
// through its process's node in that cluster, with the caller's remaining timeout. A gateway cut off from that
// cluster says so at once, so the sender tries another gateway instead of waiting for its timeout.
import { CutWatch, reachesOthers } from './cut-watch.ts'
import { ClusterUnknownError, ClusterUnreachableError, InvalidGatewayRequestError } from './errors.ts'
import { asNameNotFound } from './gateway-failures.ts'
import { decodeGatewayRequest } from './gateway-wire.ts'
import type { SiblingLookup } from './index.ts'
import type { SystemEndpoint } from '../cluster/system-endpoints.ts'

export interface GatewayEndpointComponents {
  /** this node's peer id, named in the errors it answers */
  self: string
  siblings: SiblingLookup
}

export function gatewayEndpoint ({ self, siblings }: GatewayEndpointComponents): SystemEndpoint {
  const watch = new CutWatch()
  return {
    send (_id, body) {
      const request = decodeGatewayRequest(body)
      const sibling = siblings(request.cluster)
      if (request.kind !== 'send' || sibling == null || !reachesOthers(sibling)) { return false }
      try {
        sibling.send(request.target, request.message)
        return true
      } catch {
        // a message too large for that cluster, or its node stopping: undeliverable, as a send to a gone node is
        return false
      }
    },
    async call (_id, body) {
      const request = decodeGatewayRequest(body)
      const sibling = siblings(request.cluster)
      if (request.kind === 'probe') { return sibling != null && reachesOthers(sibling) }
      if (request.kind !== 'call') { throw new InvalidGatewayRequestError('a send made as a call') }
      if (sibling == null) { throw new ClusterUnknownError(request.cluster) }
      if (!reachesOthers(sibling)) { throw new ClusterUnreachableError(request.cluster, [self]) }
      const { cluster, target, message, timeout } = request
      try {
        return await watch.during(sibling, async (signal) => sibling.call(target, message, { timeout, signal }),
          (cause) => new ClusterUnreachableError(cluster, [self], { cause }))
      } catch (err) {
        throw asNameNotFound(err, cluster, target)
      }
    }
  }
}
