// The registry's direct line to other nodes: calls and answers on the '$registry' system endpoint.
import type { SystemEndpoints } from './system-endpoints.ts'
import type { DirectMessaging } from '../messaging/direct/direct-messaging.ts'
import type { RegistryRpc } from '../registry/index.ts'

export const REGISTRY_ENDPOINT = '$registry'

/** `messaging` is a getter: the node builds its messaging after its registry. */
export function registryRpc (endpoints: SystemEndpoints, messaging: () => Pick<DirectMessaging, 'call'>): RegistryRpc {
  return {
    async call (member, body, options) {
      return messaging().call(member, REGISTRY_ENDPOINT, body, options)
    },
    serve (answer) {
      if (answer == null) {
        endpoints.unregister(REGISTRY_ENDPOINT)
        return
      }
      endpoints.register(REGISTRY_ENDPOINT, { call: async (_target, body, from) => answer(body, from) })
    }
  }
}
