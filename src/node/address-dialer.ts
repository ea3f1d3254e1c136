// Dials peers known only by address (DNS, Kubernetes, static lists): the peer id is learned from the handshake.
// Strategies hand the same addresses on every round, so this keeps no timers: an address is dialled when it is
// offered, unless its peer is already connected or its last failure is too recent.
import { multiaddr } from '@multiformats/multiaddr'
import { dialKey } from '../discovery/candidates.ts'
import type { Host } from './create-host.ts'
import type { Candidate } from '../discovery/index.ts'
import type { Membership } from '../membership/index.ts'
import type { Logger } from '@libp2p/interface'

/** after this many ms without being offered, what we learned about an address is dropped */
const FORGET_AFTER = 10 * 60_000

export interface AddressDialerInit {
  dialTimeout: number
  minBackoff: number
  maxBackoff: number
}

interface AddressState {
  /** the peer that answered at this address last time */
  peerId?: string
  failures: number
  /** ms since the epoch before which no new dial is tried */
  notBefore: number
  dialing: boolean
  lastOffered: number
}

export class AddressDialer {
  private readonly host: Host
  private readonly membership: Membership
  private readonly log: Logger
  private readonly init: AddressDialerInit
  private readonly states = new Map<string, AddressState>()
  private running = false
  private lastSweep = 0

  constructor (components: { host: Host, membership: Membership, log: Logger }, init: AddressDialerInit) {
    this.host = components.host
    this.membership = components.membership
    this.log = components.log
    this.init = init
  }

  start (): void {
    this.running = true
  }

  stop (): void {
    this.running = false
    this.states.clear()
  }

  /** One round of candidates known only by address. */
  async offer (candidates: Candidate[]): Promise<void> {
    if (!this.running || candidates.length === 0) { return }
    const now = Date.now()
    this.forgetStale(now)
    const due: Array<[Candidate, AddressState]> = []
    for (const candidate of candidates) {
      const key = candidate.addresses.map(dialKey).sort().join(' ')
      let state = this.states.get(key)
      if (state == null) {
        state = { failures: 0, notBefore: 0, dialing: false, lastOffered: now }
        this.states.set(key, state)
      }
      state.lastOffered = now
      // a member is reached through membership: the overlay may keep no link to it, and that is no reason to dial
      const known = state.peerId != null && (this.connected(state.peerId) || this.membership.isActive(state.peerId))
      if (!state.dialing && now >= state.notBefore && !known) { due.push([candidate, state]) }
    }
    if (due.length === 0) { return }
    const reached = await this.knownAddresses()
    for (const [candidate, state] of due) {
      if (!this.running || state.dialing) { continue }
      if (candidate.addresses.some(address => reached.has(dialKey(address)))) { continue }
      void this.dial(candidate, state)
    }
  }

  /**
   * Where the members listen, as they announce it, and where the connected peers listen, as identify told the peer
   * store: a peer that dialled us is found here by the address it listens on, not the port it dialled from.
   */
  private async knownAddresses (): Promise<Set<string>> {
    const keys = new Set<string>()
    const peers = new Map(this.host.getConnections().filter(c => c.status === 'open').map(c => [c.remotePeer.toString(), c.remotePeer]))
    for (const member of this.membership.activeMembers()) {
      if (member.id !== this.membership.self().id) { member.addresses.forEach(address => keys.add(dialKey(address))) }
    }
    await Promise.all([...peers.values()].map(async peer => {
      try {
        const stored = await this.host.peerStore.get(peer)
        stored.addresses.forEach(({ multiaddr }) => keys.add(dialKey(multiaddr.toString())))
      } catch {}
    }))
    return keys
  }

  private connected (peerId: string): boolean {
    return this.host.getConnections().some(c => c.remotePeer.toString() === peerId && c.status === 'open')
  }

  private async dial (candidate: Candidate, state: AddressState): Promise<void> {
    state.dialing = true
    try {
      const connection = await this.host.dial(candidate.addresses.map(a => multiaddr(a)), {
        signal: AbortSignal.timeout(this.init.dialTimeout)
      })
      state.peerId = connection.remotePeer.toString()
      state.failures = 0
      this.log.trace('reached %s at %s', state.peerId, candidate.addresses.join(' '))
    } catch (err: any) {
      state.failures++
      const backoff = Math.min(this.init.maxBackoff, this.init.minBackoff * 2 ** (state.failures - 1))
      state.notBefore = Date.now() + backoff
      this.log.trace('dial %s failed (%d), not before %d ms - %s', candidate.addresses.join(' '), state.failures, backoff, err.message)
    } finally {
      state.dialing = false
    }
  }

  private forgetStale (now: number): void {
    if (now - this.lastSweep < FORGET_AFTER) { return }
    this.lastSweep = now
    for (const [key, state] of this.states) {
      if (now - state.lastOffered > FORGET_AFTER && !state.dialing) { this.states.delete(key) }
    }
  }
}
