// The answer of Consul's /v1/health/service endpoint, and the peers in it: each instance at its service address,
// or its node's address when the service registered none.
import { isIP } from 'node:net'
import { tcpAddress } from '../candidates.ts'
import type { Candidate } from '../index.ts'
import type { Logger } from '@libp2p/interface'

/** One instance as /v1/health/service lists it (only the fields discovery reads). */
export interface ServiceEntry {
  Node?: { Node?: string, Address?: string, Datacenter?: string }
  Service?: { ID?: string, Service?: string, Address?: string, Port?: number, Tags?: string[] | null, Meta?: Record<string, string> | null }
  Checks?: Array<{ CheckID?: string, Status?: string }>
}

const HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/

/** `/ip4`, `/ip6` or, for a service registered under a host name, `/dns`. */
export function instanceAddress (host: string, port: number): string | undefined {
  if (isIP(host) !== 0) { return tcpAddress(host, port) }
  return HOSTNAME.test(host) ? `/dns/${host}/tcp/${port}` : undefined
}

export function entryCandidates (entries: ServiceEntry[], log: Logger): Candidate[] {
  const candidates: Candidate[] = []
  for (const entry of entries) {
    const port = entry?.Service?.Port
    const host = entry?.Service?.Address != null && entry.Service.Address !== '' ? entry.Service.Address : entry?.Node?.Address
    const address = host != null && Number.isInteger(port) && port != null && port > 0 && port < 65536 ? instanceAddress(host, port) : undefined
    if (address == null) {
      log('instance %s on node %s has no usable address and port (%s, %s), leaving it out', entry?.Service?.ID, entry?.Node?.Node, host, port)
      continue
    }
    candidates.push({ addresses: [address] })
  }
  return candidates
}
