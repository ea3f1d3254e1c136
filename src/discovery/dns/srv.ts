// Mode 'srv': the SRV records of a name, each target's addresses dialled at its record's port.
import { tcpAddress } from '../candidates.ts'
import { DnsNameNotFoundError } from './errors.ts'
import { lookupAddresses, query } from './resolver.ts'
import type { DnsLookup } from './resolver.ts'
import type { Resolver } from 'node:dns/promises'

/**
 * Every record is a peer: priority and weight choose one server among equals, while a cluster wants them all.
 * A target that does not exist or has no address is skipped, so one stale record does not hide the others.
 */
export async function lookupSrv (resolver: Resolver, hostname: string, signal: AbortSignal, strategy = 'dns'): Promise<DnsLookup> {
  const records = await query(resolver, { strategy, hostname, type: 'SRV', signal }, async () => resolver.resolveSrv(hostname))
  const skipped: string[] = []
  // RFC 2782: a target of "." says the service is not offered here
  const targets = [...new Set(records.map(record => record.name))].filter(target => target !== '' && target !== '.')
  const addresses = new Map<string, string[]>()

  await Promise.all(targets.map(async target => {
    try {
      addresses.set(target, await lookupAddresses(resolver, target, signal, strategy))
    } catch (err) {
      if (!(err instanceof DnsNameNotFoundError)) { throw err }
      skipped.push(`SRV target ${target} does not exist`)
    }
  }))
  for (const [target, ips] of addresses) {
    if (ips.length === 0) { skipped.push(`SRV target ${target} has no A or AAAA record`) }
  }

  const candidates = records
    .map(record => ({ addresses: (addresses.get(record.name) ?? []).map(ip => tcpAddress(ip, record.port)) }))
    .filter(candidate => candidate.addresses.length > 0)
  return { candidates, skipped: skipped.sort() }
}
