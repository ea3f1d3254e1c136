// The port to dial instances found in a cloud at, when none is configured: the one this node listens on, since a
// fleet of instances runs the same service on the same fixed port.
import { DiscoveryError } from './errors.ts'
import type { SelfDescription } from './index.ts'

/** `configured`, else the first TCP port of this node's own addresses. */
export function instancePort (strategy: string, configured: number | undefined, self: SelfDescription): number {
  if (configured != null) { return configured }
  for (const address of self.addresses()) {
    const port = /\/tcp\/(\d+)/.exec(address)?.[1]
    if (port != null && port !== '0') { return Number(port) }
  }
  throw new DiscoveryError(strategy, 'no port to dial instances at: set port, or listen on a fixed TCP port')
}
