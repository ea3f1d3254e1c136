// The browser platform: Ed25519 and SHA-256 in JavaScript, trace context for a handler's synchronous run, the static
// strategy alone (a page joins through the addresses it is given: no mDNS, no cloud API), and no HTTP endpoint.
import { UnknownStrategyError } from '../../discovery/errors.ts'
import { staticDiscovery } from '../../discovery/static/index.ts'
import { TurnContextStorage } from '../../observability/tracing/context-storage.ts'
import { nobleKeyCrypto } from './noble-crypto.ts'
import type { StaticInit } from '../../discovery/inits.ts'
import type { NodePlatform } from '../node-platform.ts'

export function browserPlatform (): NodePlatform {
  return {
    keyCrypto: nobleKeyCrypto(),
    contextStorage: () => new TurnContextStorage(),
    strategies: (choices, components) => choices.map(choice => {
      if (choice.name !== 'static') { throw new UnknownStrategyError(choice.name, 'a browser finds the cluster through the static addresses it is given') }
      return staticDiscovery(choice.init as StaticInit)(components)
    }),
    dialable: false
  }
}
