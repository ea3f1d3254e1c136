// Keeps this node connected to the peers it should talk to: libp2p v3 neither dials discovered peers nor redials.
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { SECOND } from '../config/units.ts'
import { isBrowser } from '../membership/reserved-roles.ts'
import { AddressDialer } from './address-dialer.ts'
import { DEFAULT_DIAL_YIELD, connectToPeer } from './pair-dial.ts'
import type { Host } from './create-host.ts'
import type { Candidate } from '../discovery/index.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { ComponentLogger, Logger, PeerId, PeerInfo, Startable } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export const DEFAULT_MIN_BACKOFF = 100
export const DEFAULT_MAX_BACKOFF = 5 * SECOND
export const DEFAULT_DIAL_TIMEOUT = 5 * SECOND
/** a discovered peer that is not a member yet gets this many tries; members get as many as they need */
export const DEFAULT_DISCOVERY_ATTEMPTS = 3
/**
 * ms a member declared dead is still redialled: a partition looks like death from both sides, and neither side's
 * discovery may announce the other again (mDNS repeats a peer only when it changes), so the two halves would stay
 * apart after the network heals. A member that left gracefully is never redialled.
 */
export const DEFAULT_DEAD_REDIAL_WINDOW = 10 * 60 * SECOND

/**
 * Which members this node keeps a connection to: every one in the full mesh, the overlay's neighbours in the
 * partial-view shape (see TopologyControl).
 */
export type ConnectPolicy = (member: Member, self: Member) => boolean

export const fullMesh: ConnectPolicy = (member, self) =>
  member.id !== self.id && (member.status === 'alive' || member.status === 'suspect') &&
  // a browser tab listens on nothing: it dials the members, and is reached over its own connections
  !isBrowser(member)

export interface ConnectorComponents {
  host: Host
  membership: Membership
  logger: ComponentLogger
}

export interface ConnectorInit {
  /** which members to stay connected to (default fullMesh) */
  policy?: ConnectPolicy
  /** first redial delay (default 100 ms), doubled on each failure */
  minBackoff?: number
  /** longest redial delay (default 5 s) */
  maxBackoff?: number
  /** bound on one dial (default 5 s) */
  dialTimeout?: number
  /** tries for a discovered peer that is not a member yet (default 3) */
  discoveryAttempts?: number
  /** how long the higher peer id of a pair waits before its first dial; 0 lets both ends dial at once (default 1 s) */
  dialYield?: number
  /** how long a member declared dead is still redialled, every maxBackoff (default 10 minutes) */
  deadRedialWindow?: number
}

interface DialState {
  failures: number
  discoveryAttemptsLeft: number
  timer?: ReturnType<typeof setTimeout>
  dialing: boolean
}

export class Connector implements Startable {
  private readonly host: Host
  private readonly membership: Membership
  private readonly log: Logger
  private readonly policy: ConnectPolicy
  private readonly minBackoff: number
  private readonly maxBackoff: number
  private readonly dialTimeout: number
  private readonly discoveryAttempts: number
  private readonly dialYield: number
  private readonly deadRedialWindow: number
  /** members declared dead, and when: redialled until the window closes, in case it was only a partition */
  private readonly deadSince = new Map<string, number>()
  private readonly dials = new Map<string, DialState>()
  private readonly addresses: AddressDialer
  private running = false

  constructor (components: ConnectorComponents, init: ConnectorInit = {}) {
    this.host = components.host
    this.membership = components.membership
    this.log = components.logger.forComponent('foundation:connector')
    this.policy = init.policy ?? fullMesh
    this.minBackoff = init.minBackoff ?? DEFAULT_MIN_BACKOFF
    this.maxBackoff = init.maxBackoff ?? DEFAULT_MAX_BACKOFF
    this.dialTimeout = init.dialTimeout ?? DEFAULT_DIAL_TIMEOUT
    this.discoveryAttempts = init.discoveryAttempts ?? DEFAULT_DISCOVERY_ATTEMPTS
    this.dialYield = init.dialYield ?? DEFAULT_DIAL_YIELD
    this.deadRedialWindow = init.deadRedialWindow ?? DEFAULT_DEAD_REDIAL_WINDOW
    this.addresses = new AddressDialer(
      { host: this.host, membership: this.membership, log: this.log },
      { dialTimeout: this.dialTimeout, minBackoff: this.minBackoff, maxBackoff: this.maxBackoff }
    )
  }

  /**
   * Peers a discovery strategy found. One known by peer id is dialled as any discovered peer; one known only by
   * address is dialled unless the peer there is connected already.
   */
  offer (candidates: Candidate[]): void {
    if (!this.running) { return }
    const byAddress: Candidate[] = []
    for (const candidate of candidates) {
      if (candidate.peerId == null) {
        byAddress.push(candidate)
      } else if (candidate.peerId !== this.host.peerId.toString()) {
        void this.offerPeer(candidate.peerId, candidate.addresses)
      }
    }
    this.addresses.offer(byAddress).catch(err => { this.log.error('dialling candidates failed - %e', err) })
  }

  private async offerPeer (id: string, addresses: string[]): Promise<void> {
    try {
      const peer = peerIdFromString(id)
      await this.host.peerStore.merge(peer, { multiaddrs: parseAll(addresses) })
      this.discovered(peer)
    } catch (err: any) {
      this.log.trace('ignored candidate %s - %s', id, err.message)
    }
  }

  isStarted (): boolean {
    return this.running
  }

  async start (): Promise<void> {
    if (this.running) { return }
    this.running = true
    this.addresses.start()
    this.host.addEventListener('peer:discovery', this.onDiscovery)
    this.host.addEventListener('peer:connect', this.onConnect)
    this.host.addEventListener('peer:disconnect', this.onDisconnect)
    this.membership.addEventListener('member:join', this.onMember)
    this.membership.addEventListener('member:alive', this.onMember)
    this.membership.addEventListener('member:leave', this.onLeave)

    for (const member of this.membership.activeMembers()) { this.want(member.id, 0) }
    // peers discovered before we listened would otherwise never be dialled: discovery fires once per peer
    for (const peer of await this.host.peerStore.all()) {
      if (peer.addresses.length > 0) { this.discovered(peer.id) }
    }
  }

  async stop (): Promise<void> {
    if (!this.running) { return }
    this.running = false
    this.addresses.stop()
    this.host.removeEventListener('peer:discovery', this.onDiscovery)
    this.host.removeEventListener('peer:connect', this.onConnect)
    this.host.removeEventListener('peer:disconnect', this.onDisconnect)
    this.membership.removeEventListener('member:join', this.onMember)
    this.membership.removeEventListener('member:alive', this.onMember)
    this.membership.removeEventListener('member:leave', this.onLeave)
    for (const state of this.dials.values()) { clearTimeout(state.timer) }
    this.dials.clear()
    this.deadSince.clear()
  }

  /** Dials every member the policy now wants and this node is not connected to: the policy changed. */
  reconsider (): void {
    for (const member of this.membership.activeMembers()) { this.want(member.id, 0) }
  }

  private readonly onDiscovery = (evt: CustomEvent<PeerInfo>): void => {
    this.discovered(evt.detail.id)
  }

  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    this.forget(evt.detail.toString())
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const id = evt.detail.toString()
    if (this.memberWanted(id)) { this.want(id, this.minBackoff) }
  }

  private readonly onMember = (evt: CustomEvent<Member>): void => {
    this.deadSince.delete(evt.detail.id)
    this.want(evt.detail.id, 0)
  }

  private readonly onLeave = (evt: CustomEvent<Member>): void => {
    const { id, status } = evt.detail
    this.forget(id)
    if (status !== 'dead') {
      this.deadSince.delete(id)
      return
    }
    this.deadSince.set(id, Date.now())
    // a connection that outlived a partition would carry on as if nothing happened, and no membership sync runs
    // on it: drop it, so the redial after the network heals opens a new one and both sides merge their views
    this.host.hangUp(peerIdFromString(id)).catch(err => { this.log.trace('hang up on %s failed - %e', id, err) })
    const state = this.state(id)
    // it may still be up on the far side of a partition: try again, at the slowest redial pace
    state.failures = Math.max(state.failures, 1)
    this.schedule(id, state, this.maxBackoff)
  }

  private discovered (peer: PeerId): void {
    const id = peer.toString()
    if (!this.running || id === this.host.peerId.toString()) { return }
    // a member is dialled if the policy wants it: in the partial-view shape, a seed that every node's discovery keeps
    // announcing would otherwise be dialled again by the whole cluster after each idle close
    if (this.membership.isActive(id) && !this.memberWanted(id)) { return }
    const state = this.state(id)
    state.discoveryAttemptsLeft = this.discoveryAttempts
    this.schedule(id, state, 0)
  }

  private want (id: string, delay: number): void {
    if (!this.running || !this.memberWanted(id)) { return }
    this.schedule(id, this.state(id), delay)
  }

  private memberWanted (id: string): boolean {
    const member = this.membership.get(id)
    // a dead member's record is dropped after a while; the window decides, not the record
    if (member == null || member.status === 'dead') { return this.redialDead(id) }
    return this.policy(member, this.membership.self())
  }

  private redialDead (id: string): boolean {
    const since = this.deadSince.get(id)
    if (since == null) { return false }
    if (Date.now() - since < this.deadRedialWindow) { return true }
    this.deadSince.delete(id)
    return false
  }

  private state (id: string): DialState {
    let state = this.dials.get(id)
    if (state == null) {
      state = { failures: 0, discoveryAttemptsLeft: 0, dialing: false }
      this.dials.set(id, state)
    }
    return state
  }

  private schedule (id: string, state: DialState, delay: number): void {
    if (state.dialing || state.timer != null) { return }
    state.timer = setTimeout(() => {
      state.timer = undefined
      void this.attempt(id, state)
    }, delay)
  }

  private forget (id: string): void {
    const state = this.dials.get(id)
    if (state == null) { return }
    clearTimeout(state.timer)
    this.dials.delete(id)
  }

  private connected (id: string): boolean {
    return this.host.getConnections().some(c => c.remotePeer.toString() === id && c.status === 'open')
  }

  private async attempt (id: string, state: DialState): Promise<void> {
    const member = this.membership.get(id)
    const asMember = this.memberWanted(id)
    if (!this.running || this.dials.get(id) !== state || this.connected(id) || (!asMember && state.discoveryAttemptsLeft <= 0)) {
      if (this.dials.get(id) === state) { this.dials.delete(id) }
      return
    }
    if (!asMember) { state.discoveryAttemptsLeft-- }
    state.dialing = true
    try {
      const peer = peerIdFromString(id)
      if (member != null) { await this.storeAddresses(peer, member) }
      // one connection per pair: the higher peer id waits for the lower one's dial first (retries do not wait)
      const dialYield = state.failures === 0 ? this.dialYield : 0
      await connectToPeer(this.host, peer, { dialYield, signal: AbortSignal.timeout(dialYield + this.dialTimeout) })
      this.log.trace('connected to %s', id)
      if (this.dials.get(id) === state) { this.dials.delete(id) }
    } catch (err: any) {
      state.dialing = false
      state.failures++
      const delay = Math.min(this.maxBackoff, this.minBackoff * 2 ** (state.failures - 1))
      this.log.trace('dial %s failed (%d), retry in %d ms - %s', id, state.failures, delay, err.message)
      if (this.running && this.dials.get(id) === state) { this.schedule(id, state, delay) }
    }
  }

  private async storeAddresses (peer: PeerId, member: Member): Promise<void> {
    const multiaddrs = parseAll(member.addresses)
    if (multiaddrs.length > 0) { await this.host.peerStore.merge(peer, { multiaddrs }) }
  }
}

/** The addresses that parse; the rest are skipped, as the others may still reach the peer. */
function parseAll (addresses: string[]): Multiaddr[] {
  const multiaddrs: Multiaddr[] = []
  for (const address of addresses) {
    try {
      multiaddrs.push(multiaddr(address))
    } catch {}
  }
  return multiaddrs
}
