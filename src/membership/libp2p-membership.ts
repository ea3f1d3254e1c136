// Membership over libp2p: drives the SWIM core with real timers and host events, and announces what changes.
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { protocolName } from '../node/protocols.ts'
import { MessageStreams } from '../wire/message-streams.ts'
import { resolveConfig } from './config.ts'
import { MemberProofs, MemberSigner } from './member-proofs.ts'
import { RecordScreen } from './record-screen.ts'
import { isActiveStatus } from './swim/member-table.ts'
import { MESSAGE_LIMITS, validateMessage } from './swim/messages.ts'
import { seededRandom } from './swim/random.ts'
import { SwimCore } from './swim/swim-core.ts'
import type { ResolvedMembershipConfig } from './config.ts'
import type { Member, MemberRecord, Membership, MembershipComponents, MembershipEvents, MembershipInit } from './index.ts'
import type { RefusedRecords } from './record-screen.ts'
import type { Piggyback, SwimMessage } from './swim/messages.ts'
import type { SwimEventType, SwimOutput } from './swim/swim-core.ts'
import type { Connection, IdentifyResult, Logger, PeerId, PeerUpdate } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Membership with the counters an operator needs. */
export interface Libp2pMembership extends Membership {
  /** membership frames that were malformed, oversize, truncated or of the wrong shape; each reset its stream */
  readonly invalidFrames: number
  /** well-formed records dropped because their member's signature was missing or did not match what they say */
  readonly refusedRecords: Readonly<RefusedRecords>
  /** Lifeguard's local health score: 0 when healthy, higher while this node sees signs of its own slowness */
  readonly localHealth: number
  isStarted(): boolean
  /**
   * Probes, relays through and syncs with only these members, undefined for every member (the full mesh). The
   * overlay's partial views set it to their active view: a node watches the few peers it is linked to, and news
   * still reaches every member by gossip from neighbour to neighbour.
   */
  setNeighbours(ids?: Iterable<string>): void
  /** Exchanges whole views with a member that just became a neighbour (at most once per probe interval). */
  meet(peer: string): void
  /**
   * Hands each record this node learns first-hand (its own, its verdicts, a member's word about itself) to
   * `spread`, which may broadcast it to every member; undefined stops it.
   */
  onNews(spread?: (news: Piggyback) => void): void
  /** News a broadcast brought from `from`, the neighbour that passed it on: merged as gossip from that peer. */
  hear(from: string, news: Piggyback): void
}

/**
 * The core's time: monotonic, so a wall clock stepped by NTP is neither a stall nor a reason to expire suspicions
 * early. Only differences of it are used; it never leaves this node.
 */
function now (): number {
  return performance.now()
}

const EVENTS: Record<SwimEventType, keyof MembershipEvents> = {
  join: 'member:join',
  suspect: 'member:suspect',
  alive: 'member:alive',
  leave: 'member:leave'
}

function sameList (a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** What users are handed: the record without its proof, which only members need. */
function publicMember (record: MemberRecord): Member {
  const { proof, ...member } = record
  return member
}

/** Members whose last proven statement is kept: more than any one sync can name, so a sync never checks one twice. */
const PROVEN_MEMBERS = 2 * MESSAGE_LIMITS.members

class SwimMembership extends TypedEventEmitter<MembershipEvents> implements Libp2pMembership {
  private readonly components: MembershipComponents
  private readonly config: ResolvedMembershipConfig
  private readonly protocol: string
  private readonly log: Logger
  private readonly transport: MessageStreams<SwimMessage>
  private readonly signer: MemberSigner
  private readonly screen: RecordScreen
  private core: SwimCore
  /** kept for a new core after a restart */
  private neighbours: string[] | undefined
  private running = false
  private timer?: ReturnType<typeof setInterval>
  private spread: ((news: Piggyback) => void) | undefined

  constructor (components: MembershipComponents, init: MembershipInit) {
    super()
    this.components = components
    this.config = resolveConfig(init)
    this.protocol = protocolName(this.config.cluster, 'membership')
    this.log = components.logger.forComponent('foundation:membership')
    this.signer = new MemberSigner(components.keys.own, this.config.cluster)
    this.screen = new RecordScreen(new MemberProofs(components.keys.peers, this.config.cluster, PROVEN_MEMBERS), (record, why) => {
      this.log('dropped a record of %s (%s, incarnation %d): %s', record.id, record.status, record.incarnation, why === 'ungranted' ? 'roles its ticket does not grant' : `its proof is ${why}`)
    }, (peer) => components.host.services.admission?.rolesGranted(peer))
    this.core = this.createCore()
    this.transport = new MessageStreams({
      host: components.host,
      protocol: this.protocol,
      maxFrameSize: this.config.maxFrameSize,
      log: this.log,
      validate: validateMessage,
      dialYield: components.dialYield,
      // nothing reaches the core while stopped
      receive: (from, message) => { if (this.running) { this.feed(this.core.receive(from, this.screen.message(message, from), now())) } }
    })
  }

  readonly [Symbol.toStringTag] = 'foundation:membership'

  get invalidFrames (): number {
    return this.transport.invalidFrames
  }

  get refusedRecords (): Readonly<RefusedRecords> {
    return this.screen.refused
  }

  get localHealth (): number {
    return this.core.localHealth
  }

  isStarted (): boolean {
    return this.running
  }

  setNeighbours (ids?: Iterable<string>): void {
    this.neighbours = ids == null ? undefined : [...ids]
    this.core.setNeighbours(this.neighbours)
  }

  meet (peer: string): void {
    if (this.running) { this.feed(this.core.meet(peer, now())) }
  }

  onNews (spread?: (news: Piggyback) => void): void {
    this.spread = spread
  }

  hear (from: string, news: Piggyback): void {
    if (this.running) { this.feed(this.core.receive(from, { type: 'gossip', ...this.screen.news(news, from) }, now())) }
  }

  self (): Member {
    return publicMember(this.core.self())
  }

  members (): Member[] {
    return this.core.members().map(publicMember)
  }

  activeMembers (): Member[] {
    return this.core.members().filter(m => isActiveStatus(m.status)).map(publicMember)
  }

  get (id: string): Member | undefined {
    const record = this.core.get(id)
    return record === undefined ? undefined : publicMember(record)
  }

  isActive (id: string): boolean {
    return this.core.isActive(id)
  }

  async start (): Promise<void> {
    if (this.running) { return }
    const { host } = this.components
    // a stopped node has announced its leave: coming back is a new life with a fresh view
    if (this.core.hasLeft) {
      this.core = this.createCore()
      this.core.setNeighbours(this.neighbours)
    }
    await this.transport.start()
    this.running = true
    host.addEventListener('peer:identify', this.onIdentify)
    host.addEventListener('connection:open', this.onConnectionOpen)
    host.addEventListener('peer:update', this.onPeerUpdate)
    host.addEventListener('peer:disconnect', this.onDisconnect)
    host.addEventListener('self:peer:update', this.onSelfUpdate)
    // the self record changes only after identify runs; listening addresses are known as soon as a transport listens
    host.addEventListener('transport:listening', this.onSelfUpdate)
    host.addEventListener('transport:close', this.onSelfUpdate)
    this.timer = setInterval(() => { this.feed(this.core.tick(now())) }, this.config.tickInterval)
    this.onSelfUpdate()
    await this.joinConnectedPeers()
    this.log('started on %s as %s', this.protocol, this.config.name)
  }

  async stop (): Promise<void> {
    if (!this.running) { return }
    this.running = false
    const { host } = this.components
    clearInterval(this.timer)
    host.removeEventListener('peer:identify', this.onIdentify)
    host.removeEventListener('connection:open', this.onConnectionOpen)
    host.removeEventListener('peer:update', this.onPeerUpdate)
    host.removeEventListener('peer:disconnect', this.onDisconnect)
    host.removeEventListener('self:peer:update', this.onSelfUpdate)
    host.removeEventListener('transport:listening', this.onSelfUpdate)
    host.removeEventListener('transport:close', this.onSelfUpdate)

    const { send } = this.core.leave(now())
    if (send.length > 0) {
      for (const outbound of send) { this.transport.send(outbound.to, outbound.message) }
      const signal = AbortSignal.timeout(this.config.leaveTimeout)
      const timedOut = new Promise<void>(resolve => { signal.addEventListener('abort', () => { resolve() }, { once: true }) })
      await Promise.race([this.transport.flush(send.map(o => o.to), { signal }), timedOut])
    }
    await this.transport.stop()
    this.log('stopped')
  }

  private createCore (): SwimCore {
    const { host } = this.components
    const seed = crypto.getRandomValues(new Uint32Array(1))[0]
    this.log.trace('core seed %d', seed)
    return new SwimCore({
      self: {
        id: host.peerId.toString(),
        name: this.config.name,
        roles: this.config.roles,
        addresses: host.getMultiaddrs().map(String)
      },
      config: this.config.swim,
      random: seededRandom(seed),
      now: now(),
      sign: (self) => this.signer.sign(self)
    })
  }

  /** Delivers what the core produced; nothing leaves this object while stopped. */
  private feed (out: SwimOutput): void {
    if (!this.running) { return }
    for (const outbound of out.send) { this.transport.send(outbound.to, outbound.message) }
    if (this.spread != null) {
      for (const news of out.news) { this.spread(news) }
    }
    for (const id of out.forgotten) { this.forgetPeer(id) }
    for (const member of out.moved ?? []) { this.rememberAddresses(member) }
    for (const event of out.events) {
      if (event.type === 'join') {
        this.rememberAddresses(event.member)
        if (this.connected(event.member.id)) { this.core.linked(event.member.id, now()) }
      }
      this.log('%s %s (%s) incarnation %d', event.type, event.member.id, event.member.name, event.member.incarnation)
      this.safeDispatchEvent(EVENTS[event.type], { detail: publicMember(event.member) })
    }
  }

  private readonly onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    if (evt.detail.protocols.includes(this.protocol)) {
      this.feed(this.core.join(evt.detail.peerId.toString(), now()))
    }
  }

  /** A connected peer that starts speaking our protocol after identify (e.g. it started membership late). */
  private readonly onPeerUpdate = (evt: CustomEvent<PeerUpdate>): void => {
    const { peer, previous } = evt.detail
    if (!peer.protocols.includes(this.protocol) || previous?.protocols.includes(this.protocol) === true) { return }
    if (this.components.host.getConnections(peer.id).length === 0) { return }
    this.feed(this.core.join(peer.id.toString(), now()))
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.feed(this.core.connectionLost(evt.detail.toString(), now()))
  }

  private readonly onSelfUpdate = (): void => {
    const addresses = this.components.host.getMultiaddrs().map(String)
    if (!sameList(addresses, this.core.self().addresses)) {
      this.feed(this.core.updateSelf({ addresses }, now()))
    }
  }

  /**
   * A new connection: sync at once, alongside identify instead of after it, so a joining node has the view a round
   * trip sooner (identify then finds the exchange done: one sync per peer per probe interval).
   */
  private readonly onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    this.core.linked(evt.detail.remotePeer.toString(), now())
    void this.joinIfMaySpeak(evt.detail.remotePeer)
  }

  private connected (id: string): boolean {
    try {
      return this.components.host.getConnections(peerIdFromString(id)).some(c => c.status === 'open')
    } catch {
      return false
    }
  }

  /** Peers connected before we started: sync with those that speak our protocol or are not identified yet. */
  private async joinConnectedPeers (): Promise<void> {
    const seen = new Set<string>()
    for (const connection of this.components.host.getConnections()) {
      const id = connection.remotePeer.toString()
      if (seen.has(id)) { continue }
      seen.add(id)
      await this.joinIfMaySpeak(connection.remotePeer)
    }
  }

  /** Syncs with a peer unless identify already told us it does not speak our protocol. */
  private async joinIfMaySpeak (peer: PeerId): Promise<void> {
    const protocols = await this.components.host.peerStore.get(peer).then(p => p.protocols, (): string[] => [])
    if (!this.running || (protocols.length > 0 && !protocols.includes(this.protocol))) { return }
    this.feed(this.core.join(peer.toString(), now()))
  }

  /**
   * Drops what libp2p's peer store keeps of a member that is gone for good: it keeps every peer it ever saw, and a
   * cluster that replaces its nodes (every deploy of a container brings new peer ids) would otherwise grow it forever.
   */
  private forgetPeer (id: string): void {
    if (this.connected(id)) { return }
    try {
      this.components.host.peerStore.delete(peerIdFromString(id)).catch((err: any) => {
        this.log.trace('could not forget %s - %e', id, err)
      })
    } catch (err: any) {
      this.log.trace('member %s has an unusable id - %e', id, err)
    }
  }

  /** Lets libp2p dial a member learnt by gossip. */
  private rememberAddresses (member: Member): void {
    const multiaddrs: Multiaddr[] = []
    for (const address of member.addresses) {
      try {
        multiaddrs.push(multiaddr(address))
      } catch {
        // one bad address from a peer should not hide the good ones
      }
    }
    if (multiaddrs.length === 0) { return }
    try {
      this.components.host.peerStore.merge(peerIdFromString(member.id), { multiaddrs }).catch((err: any) => {
        this.log.trace('could not store addresses of %s - %e', member.id, err)
      })
    } catch (err: any) {
      this.log.trace('member %s has an unusable id - %e', member.id, err)
    }
  }
}

/** The libp2p-style factory: `membership(init)(components)`. */
export function membership (init: MembershipInit): (components: MembershipComponents) => Libp2pMembership {
  return (components) => new SwimMembership(components, init)
}

export function createMembership (components: MembershipComponents, init: MembershipInit): Libp2pMembership {
  return new SwimMembership(components, init)
}
