// DNS queries for discovery: one resolver per strategy, queries cancelled with their signal, errors that explain.
import { Resolver } from 'node:dns/promises'
import { isIP } from 'node:net'
import { DiscoveryError } from '../errors.ts'
import { dnsError } from './errors.ts'
import type { QueryContext } from './errors.ts'
import type { Candidate } from '../index.ts'

/** How many times c-ares asks each server before giving up on a query. */
export const QUERY_TRIES = 2

export interface ResolverInit {
  /** DNS servers as `ip` or `ip:port`, `[ipv6]:port` (default: the system's) */
  servers?: string[]
  /** ms a whole query may take, over every try (c-ares doubles its wait on each retry) */
  timeout: number
}

/** What one lookup found, and what it left out and why (a malformed record, a target that does not exist). */
export interface DnsLookup {
  candidates: Candidate[]
  skipped: string[]
}

/** Thrown at configuration time for a server that is not `ip` or `ip:port`. */
export class InvalidDnsServerError extends DiscoveryError {
  static readonly name = 'InvalidDnsServerError'

  constructor (strategy: string, servers: string[], options?: ErrorOptions) {
    super(strategy, `servers: ${JSON.stringify(servers)} must each be an IP address, ip:port or [ipv6]:port`, options)
    this.name = 'InvalidDnsServerError'
  }
}

/** A resolver of its own, so cancelling one strategy's queries never touches another's. */
export function createResolver (strategy: string, init: ResolverInit): Resolver {
  // the first try waits timeout/3, the second twice that: together the whole timeout
  const resolver = new Resolver({ timeout: Math.max(1, Math.floor(init.timeout / (2 ** QUERY_TRIES - 1))), tries: QUERY_TRIES })
  if (init.servers != null && init.servers.length > 0) {
    try {
      resolver.setServers(init.servers)
    } catch (err) {
      throw new InvalidDnsServerError(strategy, init.servers, { cause: err })
    }
  }
  return resolver
}

/**
 * Runs one query, cancelling the resolver's queries if the signal aborts, and turns its failure into a
 * DiscoveryError. NODATA (the name exists without such records) is an empty answer.
 */
export async function query<T> (resolver: Resolver, context: Omit<QueryContext, 'servers'>, ask: () => Promise<T[]>): Promise<T[]> {
  const { signal } = context
  signal.throwIfAborted()
  const cancel = (): void => { resolver.cancel() }
  signal.addEventListener('abort', cancel, { once: true })
  try {
    return await ask()
  } catch (err: any) {
    if (err?.code === 'ENODATA') { return [] }
    throw dnsError(err, { ...context, servers: resolver.getServers() })
  } finally {
    signal.removeEventListener('abort', cancel)
  }
}

/**
 * The IPv4 and IPv6 addresses of a name (A and AAAA). A name with records of only one family, or none, is
 * fine, and so is one family's query failing while the other finds addresses; a name that does not exist throws
 * DnsNameNotFoundError. An IP address is its own answer.
 */
export async function lookupAddresses (resolver: Resolver, hostname: string, signal: AbortSignal, strategy = 'dns'): Promise<string[]> {
  if (isIP(hostname) !== 0) { return [hostname] }
  const [v4, v6] = await Promise.allSettled([
    query(resolver, { strategy, hostname, type: 'A', signal }, async () => resolver.resolve4(hostname)),
    query(resolver, { strategy, hostname, type: 'AAAA', signal }, async () => resolver.resolve6(hostname))
  ])
  const found = [v4, v6].flatMap(result => result.status === 'fulfilled' ? result.value : [])
  const failed = [v4, v6].find(result => result.status === 'rejected')
  // many servers answer only one family well (dnsmasq refuses AAAA for names it holds only A records of): the
  // addresses of the other are the answer. With nothing found, a failure must not pass for "no peers".
  if (failed != null && (found.length === 0 || signal.aborted)) { throw failed.reason }
  return found
}
