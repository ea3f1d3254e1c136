// What a failed DNS query means for discovery: c-ares error codes turned into errors that say what to check.
import { DiscoveryError, DiscoveryResponseError, DiscoveryUnreachableError } from '../errors.ts'

/** The name does not exist (NXDOMAIN), unlike a name that exists without records of the asked type (NODATA). */
export class DnsNameNotFoundError extends DiscoveryResponseError {
  static readonly name = 'DnsNameNotFoundError'
  /** the DNS name that does not exist */
  readonly hostname: string

  constructor (strategy: string, hostname: string, message: string, options?: ErrorOptions) {
    super(strategy, message, options)
    this.name = 'DnsNameNotFoundError'
    this.hostname = hostname
  }
}

/** What was being asked when a query failed. */
export interface QueryContext {
  strategy: string
  /** the servers asked, as `ip:port`; empty for the system's */
  servers: string[]
  hostname: string
  type: 'A' | 'AAAA' | 'SRV' | 'TXT'
  signal: AbortSignal
}

/** Turns an error from node:dns into a DiscoveryError; rethrows the abort reason when the caller gave up. */
export function dnsError (err: any, context: QueryContext): Error {
  const { strategy, hostname, type, signal } = context
  const servers = context.servers.length > 0 ? context.servers.join(', ') : "the system's DNS servers"
  const asked = `${type} ${hostname}`
  const options = { cause: err }
  const failed = (): DiscoveryError => new DiscoveryError(strategy, `asking ${servers} for ${asked} failed: ${err?.message ?? String(err)}`, options)

  switch (err?.code) {
    case 'ENOTFOUND':
      return new DnsNameNotFoundError(strategy, hostname,
        `${hostname} does not exist (NXDOMAIN from ${servers}); check the name and that the zone lists it`, options)
    case 'ECONNREFUSED':
      return new DiscoveryUnreachableError(strategy,
        `DNS server ${servers} refused the connection while asking ${asked}; check that it runs and listens there ` +
        '(an answer too large for UDP is fetched again over TCP, so a server or firewall that only lets UDP through fails this way too)', options)
    case 'ETIMEOUT':
      return new DiscoveryUnreachableError(strategy,
        `no answer from DNS server ${servers} for ${asked}; check that it is reachable ` +
        '(an answer too large for UDP is fetched again over TCP, which must be reachable too)', options)
    case 'ESERVFAIL':
      return new DiscoveryResponseError(strategy,
        `DNS server ${servers} failed to answer ${asked} (SERVFAIL); its zone or its upstream servers are broken`, options)
    case 'EREFUSED':
      return new DiscoveryResponseError(strategy,
        `DNS server ${servers} refused to answer ${asked} (REFUSED); it neither serves that zone nor resolves it for this host`, options)
    case 'EBADRESP':
    case 'EFORMERR':
    case 'ENOTIMP':
    case 'EBADQUERY':
    case 'EOF':
      return new DiscoveryResponseError(strategy,
        `DNS server ${servers} answered ${asked} with a response that cannot be used (${err.code as string}): a truncated or malformed answer`, options)
    case 'EBADNAME':
      return new DiscoveryError(strategy, `"${hostname}" is not a valid DNS name; check the name option`, options)
    case 'ECANCELLED':
      if (!signal.aborted) { return failed() }
      if (signal.reason?.name !== 'TimeoutError') { return signal.reason }
      return new DiscoveryUnreachableError(strategy,
        `no answer from DNS server ${servers} for ${asked} within the round's timeout; check that it is reachable, or raise timeout`, options)
    default:
      return failed()
  }
}
