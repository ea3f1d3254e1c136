// A fixed list of peers, from the configuration or FOUNDATION_PEERS. Handed on every round, so a peer that drops
// out is redialled until it is back.
import { isIP } from '@chainsafe/is-ip'
import { isMultiaddr, tcpAddress } from '../candidates.ts'
import { DiscoveryError } from '../errors.ts'
import { PollingDiscovery } from '../polling-discovery.ts'
import type { Candidate, DiscoveryComponents, DiscoveryFactory } from '../index.ts'
import type { StaticInit } from '../inits.ts'

/** Thrown (at configuration time) for a peer that is neither a multiaddr nor host:port. */
export class InvalidPeerAddressError extends DiscoveryError {
  static readonly name = 'InvalidPeerAddressError'
  readonly address: string

  constructor (address: string) {
    super('static', `"${address}" is neither a multiaddr (/ip4/10.0.0.7/tcp/4001) nor host:port (10.0.0.7:4001)`)
    this.name = 'InvalidPeerAddressError'
    this.address = address
  }
}

/** A multiaddr for a configured peer: a multiaddr as it is, `host:port` as /ip4, /ip6 or /dns. */
export function peerAddress (peer: string): string {
  if (peer.startsWith('/')) {
    if (!isMultiaddr(peer)) { throw new InvalidPeerAddressError(peer) }
    return peer
  }
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(peer)
  const port = Number(match?.[2])
  if (match == null || port < 1 || port > 65535) { throw new InvalidPeerAddressError(peer) }
  const host = match[1]
  if (isIP(host)) { return tcpAddress(host, port) }
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host)) { throw new InvalidPeerAddressError(peer) }
  return `/dns/${host}/tcp/${port}`
}

export class StaticDiscovery extends PollingDiscovery {
  readonly name = 'static'
  private readonly candidates: Candidate[]

  constructor (components: DiscoveryComponents, init: StaticInit) {
    super(components, init, 'static')
    this.candidates = init.peers.map(peer => ({ addresses: [peerAddress(peer)] }))
  }

  protected async poll (): Promise<Candidate[]> {
    return this.candidates.map(c => ({ addresses: [...c.addresses] }))
  }
}

export function staticDiscovery (init: StaticInit): DiscoveryFactory {
  return (components) => new StaticDiscovery(components, init)
}
