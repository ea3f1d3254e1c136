// Mode 'dnsaddr': multiaddrs published as `dnsaddr=<multiaddr>` TXT records of `_dnsaddr.<name>`, as libp2p
// bootstrap lists are, with nested `/dnsaddr/<name>` entries followed.
import { isMultiaddr, peerIdOf } from '../candidates.ts'
import { DnsNameNotFoundError } from './errors.ts'
import { query } from './resolver.ts'
import type { Candidate } from '../index.ts'
import type { DnsLookup } from './resolver.ts'
import type { Resolver } from 'node:dns/promises'

/** How many nested `/dnsaddr` entries deep one lookup follows; deeper ones are skipped (and loops end). */
export const MAX_DNSADDR_DEPTH = 4
/** How many TXT lookups one round makes at most, however wide the entries fan out. */
export const MAX_DNSADDR_LOOKUPS = 32

const PREFIX = 'dnsaddr='
const NESTED = /^\/dnsaddr\/([^/]+)(?:\/p2p\/[^/]+)?$/

/**
 * Every multiaddr `_dnsaddr.<name>` lists, directly or through nested entries. An entry ending in `/p2p/<id>`
 * names its peer. Entries that are not `dnsaddr=<multiaddr>`, nested names that do not exist and entries past the
 * bounds are skipped and reported, never fatal; the name asked for not existing is.
 */
export async function lookupDnsaddr (resolver: Resolver, hostname: string, signal: AbortSignal, strategy = 'dns'): Promise<DnsLookup> {
  const candidates: Candidate[] = []
  const skipped: string[] = []
  let lookups = 0

  // peerId: a nested entry `/dnsaddr/<name>/p2p/<id>` asks for that peer's addresses only
  const visit = async (host: string, depth: number, peerId?: string): Promise<void> => {
    const txtName = `_dnsaddr.${host}`
    lookups++
    let records: string[][]
    try {
      records = await query(resolver, { strategy, hostname: txtName, type: 'TXT', signal }, async () => resolver.resolveTxt(txtName))
    } catch (err) {
      if (depth === 0 || !(err instanceof DnsNameNotFoundError)) { throw err }
      skipped.push(`${txtName} does not exist`)
      return
    }

    for (const chunks of records) {
      // a TXT record longer than 255 bytes arrives in chunks
      const text = chunks.join('')
      const address = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : ''
      // the empty multiaddr parses, but says nothing
      if (!address.startsWith('/') || !isMultiaddr(address)) {
        skipped.push(`"${text}" at ${txtName} is not dnsaddr=<multiaddr>`)
        continue
      }
      const entryPeer = peerIdOf(address)
      if (peerId != null && entryPeer != null && entryPeer !== peerId) { continue }

      if (address.startsWith('/dnsaddr/')) {
        const nested = NESTED.exec(address)
        if (nested == null) {
          skipped.push(`"${address}" at ${txtName}: only /dnsaddr/<name>, optionally with /p2p/<id>, can be followed`)
        } else if (depth >= MAX_DNSADDR_DEPTH) {
          skipped.push(`"${address}" at ${txtName}: nested more than ${MAX_DNSADDR_DEPTH} deep`)
        } else if (lookups >= MAX_DNSADDR_LOOKUPS) {
          skipped.push(`"${address}" at ${txtName}: past ${MAX_DNSADDR_LOOKUPS} lookups in one round`)
        } else {
          await visit(nested[1], depth + 1, entryPeer ?? peerId)
        }
        continue
      }
      if (peerId != null && entryPeer == null) { continue }
      candidates.push(entryPeer != null ? { addresses: [address], peerId: entryPeer } : { addresses: [address] })
    }
  }

  await visit(hostname, 0)
  return { candidates, skipped }
}
