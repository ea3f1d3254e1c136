// Candidate lists as strategies hand them on: one entry per peer, addresses deduplicated, this node left out.
import { multiaddr } from '@multiformats/multiaddr'
import type { Candidate, SelfDescription } from './index.ts'

/** An address without its `/p2p/<id>` suffix, so the same place compares equal with or without a peer id. */
export function dialKey (address: string): string {
  return address.replace(/\/p2p\/[^/]+$/, '')
}

/** The peer id an address ends with, if any. */
export function peerIdOf (address: string): string | undefined {
  return /\/p2p\/([^/]+)$/.exec(address)?.[1]
}

/** Whether text parses as a multiaddr. */
export function isMultiaddr (address: string): boolean {
  try {
    multiaddr(address)
    return true
  } catch {
    return false
  }
}

/** `/ip4/…/tcp/port` or `/ip6/…/tcp/port` for an IP address. */
export function tcpAddress (ip: string, port: number): string {
  return `/${ip.includes(':') ? 'ip6' : 'ip4'}/${ip}/tcp/${port}`
}

/**
 * Merges candidates that share a peer id or an address, drops duplicates of addresses, and leaves out this node
 * (by peer id, or by an address it listens on).
 */
export function normalizeCandidates (candidates: Candidate[], self?: SelfDescription): Candidate[] {
  const ownAddresses = new Set(self?.addresses().map(dialKey) ?? [])
  const byPeer = new Map<string, Candidate>()
  const byAddress = new Map<string, Candidate>()
  const merged: Candidate[] = []

  for (const candidate of candidates) {
    const peerId = candidate.peerId ?? candidate.addresses.map(peerIdOf).find(id => id != null)
    if (peerId != null && peerId === self?.peerId) { continue }
    const addresses = candidate.addresses.filter(a => !ownAddresses.has(dialKey(a)))
    if (addresses.length === 0) { continue }

    let target = peerId != null ? byPeer.get(peerId) : undefined
    target ??= addresses.map(a => byAddress.get(dialKey(a))).find(c => c != null)
    if (target == null) {
      target = { addresses: [] }
      merged.push(target)
    }
    if (peerId != null && target.peerId == null) {
      target.peerId = peerId
      byPeer.set(peerId, target)
    }
    for (const address of addresses) {
      const key = dialKey(address)
      if (byAddress.has(key)) { continue }
      byAddress.set(key, target)
      target.addresses.push(address)
    }
  }
  return merged
}
