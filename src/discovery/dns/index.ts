// The dns strategy: peers from the A/AAAA, SRV or dnsaddr TXT records of one name, asked for every round.
import { tcpAddress } from '../candidates.ts'
import { DiscoveryError } from '../errors.ts'
import { DEFAULT_POLL_TIMEOUT, PollingDiscovery } from '../polling-discovery.ts'
import { lookupDnsaddr } from './dnsaddr.ts'
import { createResolver, lookupAddresses } from './resolver.ts'
import { lookupSrv } from './srv.ts'
import type { Candidate, DiscoveryComponents, DiscoveryFactory, SelfDescription, StrategyName } from '../index.ts'
import type { DnsInit } from '../inits.ts'
import type { DnsLookup } from './resolver.ts'
import type { Resolver } from 'node:dns/promises'

export { DnsNameNotFoundError } from './errors.ts'
export { createResolver, InvalidDnsServerError, lookupAddresses } from './resolver.ts'
export type { DnsLookup, ResolverInit } from './resolver.ts'
export { lookupSrv } from './srv.ts'
export { lookupDnsaddr, MAX_DNSADDR_DEPTH, MAX_DNSADDR_LOOKUPS } from './dnsaddr.ts'

const MODES = ['a', 'srv', 'dnsaddr'] as const
type DnsMode = typeof MODES[number]

export class DnsDiscovery extends PollingDiscovery {
  readonly name: StrategyName
  private readonly hostname: string
  private readonly mode: DnsMode
  private readonly port?: number
  private readonly resolver: Resolver

  /** `as` lets another strategy (kubernetes' dns mode) run this one under its own name, in errors and logs. */
  constructor (components: DiscoveryComponents, init: DnsInit, as: StrategyName = 'dns') {
    super(components, init, as === 'dns' ? 'dns' : `${as}:dns`)
    this.name = as
    if (typeof init.name !== 'string' || init.name.trim() === '') {
      throw new DiscoveryError(as, 'name: the DNS name to look up is required, such as app.internal')
    }
    const mode = init.mode ?? 'a'
    if (!MODES.includes(mode)) {
      throw new DiscoveryError(as, `mode: "${String(mode)}" is not one of ${MODES.join(', ')}`)
    }
    this.hostname = init.name.trim()
    this.mode = mode
    this.port = init.port
    this.resolver = createResolver(as, { servers: init.servers, timeout: init.timeout ?? DEFAULT_POLL_TIMEOUT })
  }

  protected async poll (signal: AbortSignal): Promise<Candidate[]> {
    const found = await this.lookup(signal)
    if (found.skipped.length > 0) {
      this.log('skipped %d records under %s: %s', found.skipped.length, this.hostname, found.skipped.join('; '))
    }
    return found.candidates
  }

  private async lookup (signal: AbortSignal): Promise<DnsLookup> {
    switch (this.mode) {
      case 'srv':
        return lookupSrv(this.resolver, this.hostname, signal, this.name)
      case 'dnsaddr':
        return lookupDnsaddr(this.resolver, this.hostname, signal, this.name)
      default: {
        const port = this.port ?? this.ownPort()
        const ips = await lookupAddresses(this.resolver, this.hostname, signal, this.name)
        return { candidates: ips.map(ip => ({ addresses: [tcpAddress(ip, port)] })), skipped: [] }
      }
    }
  }

  /** Peers found by A records listen where this node does, when no port is configured. */
  private ownPort (): number {
    const port = listenPort(this.components.self)
    if (port == null) {
      throw new DiscoveryError(this.name, 'port: mode \'a\' finds addresses only; set port, or listen on a fixed TCP port that peers share')
    }
    return port
  }
}

function listenPort (self: SelfDescription): number | undefined {
  for (const address of self.addresses()) {
    const port = Number(/\/tcp\/(\d+)/.exec(address)?.[1])
    if (port > 0) { return port }
  }
}

export function dnsDiscovery (init: DnsInit): DiscoveryFactory {
  return (components) => new DnsDiscovery(components, init)
}
