// Which endpoints of a Service's EndpointSlices are peers: ready (absent counts as ready, per the API) and not
// terminating; the addresses of one pod across slices (IPv4 and IPv6) become one candidate.
import { isIP } from 'node:net'
import { tcpAddress } from '../candidates.ts'
import type { Candidate } from '../index.ts'
import type { EndpointSlice } from './types.ts'
import type { Logger } from '@libp2p/interface'

/** The slice's port for `port`: a number as it is, a name looked up in the slice's TCP ports. */
export function slicePort (slice: EndpointSlice, port: number | string): number | undefined {
  if (typeof port === 'number') { return port }
  const found = slice.ports?.find(p => (p?.name ?? '') === port && (p.protocol ?? 'TCP') === 'TCP')
  return Number.isInteger(found?.port) ? found?.port : undefined
}

function endpointAddress (address: string, addressType: EndpointSlice['addressType'], port: number): string | undefined {
  if (isIP(address) !== 0) { return tcpAddress(address, port) }
  return addressType === 'FQDN' && /^[a-zA-Z0-9.-]+$/.test(address) ? `/dns/${address}/tcp/${port}` : undefined
}

export function sliceCandidates (slices: EndpointSlice[], port: number | string, log: Logger): Candidate[] {
  const byPod = new Map<string, Candidate>()
  const candidates: Candidate[] = []
  for (const slice of slices) {
    const number = slicePort(slice, port)
    if (number == null) {
      log('EndpointSlice %s has no TCP port named "%s", leaving it out', slice.metadata?.name, port)
      continue
    }
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint?.conditions?.ready === false || endpoint?.conditions?.terminating === true) { continue }
      const addresses = (endpoint.addresses ?? [])
        .map(address => endpointAddress(address, slice.addressType, number))
        .filter(address => address != null)
      if (addresses.length === 0) { continue }
      const uid = endpoint.targetRef?.uid
      const known = uid != null ? byPod.get(uid) : undefined
      if (known != null) {
        known.addresses.push(...addresses)
        continue
      }
      const candidate = { addresses }
      if (uid != null) { byPod.set(uid, candidate) }
      candidates.push(candidate)
    }
  }
  return candidates
}
