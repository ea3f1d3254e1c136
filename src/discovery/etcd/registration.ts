// What a node writes under the etcd prefix, and reading it back from what others wrote.
import { isMultiaddr } from '../candidates.ts'
import type { Candidate, SelfDescription } from '../index.ts'

/** The JSON value of `<prefix><peerId>`. */
export interface Registration {
  peerId: string
  name: string
  /** multiaddrs, each ending in `/p2p/<peerId>` */
  addresses: string[]
}

export function registrationOf (self: SelfDescription): Registration {
  return { peerId: self.peerId, name: self.name, addresses: self.addresses() }
}

/**
 * The candidate a registration names, or undefined when the value is not JSON of the Registration shape or names
 * no address that parses as a multiaddr.
 */
export function parseRegistration (value: string): Candidate | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return undefined
  }
  if (parsed == null || typeof parsed !== 'object') { return undefined }
  const { peerId, name, addresses } = parsed as Partial<Record<keyof Registration, unknown>>
  if (typeof peerId !== 'string' || peerId === '' || typeof name !== 'string' || !Array.isArray(addresses)) { return undefined }
  const valid = addresses.filter((a): a is string => typeof a === 'string' && isMultiaddr(a))
  if (valid.length === 0) { return undefined }
  return { peerId, addresses: valid }
}
