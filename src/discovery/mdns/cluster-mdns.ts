// mDNS discovery for one cluster: @libp2p/mdns answers and listens, this wrapper decides when to ask and what to
// pass on. With @libp2p/mdns alone every node queries every interval and every node answers every query, so a
// cluster of N nodes parses N³ answers per interval and merges each into its peer store. Here a node skips its
// query when another node asked within the interval (mDNS duplicate question suppression, RFC 6762 section 7.3:
// everyone hears the answers to that one), and a peer is passed on only when it is new, its addresses changed,
// or it was last passed on long ago.
import { TypedEventEmitter, peerDiscoverySymbol, serviceCapabilities } from '@libp2p/interface'
import { mdns } from '@libp2p/mdns'
import { SECOND } from '../../config/units.ts'
import type { PeerDiscovery, PeerDiscoveryEvents, PeerInfo, Startable } from '@libp2p/interface'
import type { MulticastDNSComponents } from '@libp2p/mdns'

/** ms, the longest delay a Node timer takes: the wrapped module's own periodic query is pushed out to it */
const NEVER = 2 ** 31 - 1
/** our queries go out at interval × [1, 1 + QUERY_JITTER], so one node's query usually pre-empts the others' */
export const QUERY_JITTER = 0.2
/**
 * ms after which a peer that keeps answering with the same addresses is passed on again, to refresh its
 * addresses in the peer store (which forgets them after an hour)
 */
export const DEFAULT_REPEAT_AFTER = 60 * SECOND

export interface ClusterMdnsInit {
  serviceTag: string
  /** ms between two rounds of questions heard by this node */
  interval: number
  repeatAfter?: number
}

/** The part of the multicast-dns socket used here. */
interface MdnsSocket {
  query(packet: { questions: Array<{ name: string, type: 'PTR' }> }): void
  on(event: 'query', listener: (packet: MdnsQuery) => void): unknown
  removeListener(event: 'query', listener: (packet: MdnsQuery) => void): unknown
}

interface MdnsQuery {
  questions?: Array<{ name?: string, type?: string }>
}

/** `@libp2p/mdns`'s MulticastDNS: its socket is the public `mdns` field (the tests fail if that ever goes away) */
type Inner = PeerDiscovery & Startable & { mdns?: MdnsSocket, isStarted(): boolean }

/** What the discovery did, for operators and tests. */
export interface ClusterMdnsStats {
  /** periodic queries sent (the one sent at start not included) */
  queriesSent: number
  /** periodic queries skipped because another node had just asked */
  queriesSkipped: number
  /** peers passed on to libp2p */
  passedOn: number
  /** answers dropped as repeats */
  repeats: number
}

export class ClusterMdns extends TypedEventEmitter<PeerDiscoveryEvents> implements PeerDiscovery, Startable {
  readonly stats: ClusterMdnsStats = { queriesSent: 0, queriesSkipped: 0, passedOn: 0, repeats: 0 }
  private readonly inner: Inner
  private readonly serviceTag: string
  private readonly interval: number
  private readonly repeatAfter: number
  /** peer id → addresses and time last passed on */
  private readonly passedOn = new Map<string, { addresses: string, at: number, peer: PeerInfo }>()
  private socket?: MdnsSocket
  private timer?: ReturnType<typeof setTimeout>
  /** our own queries not yet heard back (multicast loops them back to us) */
  private ownInFlight = 0
  private lastForeignQuery = 0

  constructor (components: MulticastDNSComponents, init: ClusterMdnsInit) {
    super()
    this.serviceTag = init.serviceTag
    this.interval = init.interval
    this.repeatAfter = init.repeatAfter ?? DEFAULT_REPEAT_AFTER
    // the wrapped module still answers, listens and asks once at start; the periodic questions are ours
    this.inner = mdns({ serviceTag: init.serviceTag, interval: NEVER })(components) as Inner
  }

  readonly [peerDiscoverySymbol] = this
  readonly [Symbol.toStringTag] = 'foundation:mdns'
  readonly [serviceCapabilities] = ['@libp2p/peer-discovery']

  isStarted (): boolean {
    return this.inner.isStarted()
  }

  async start (): Promise<void> {
    if (this.isStarted()) { return }
    this.inner.addEventListener('peer', this.onPeer)
    await this.inner.start()
    this.socket = this.inner.mdns
    this.socket?.on('query', this.onQuery)
    // the query the wrapped module sent as it started will come back to us
    this.ownInFlight = 1
    this.schedule()
  }

  async stop (): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    this.socket?.removeListener('query', this.onQuery)
    this.socket = undefined
    this.inner.removeEventListener('peer', this.onPeer)
    await this.inner.stop()
    this.passedOn.clear()
  }

  /** The peers passed on within the last repeat period, for a listener that starts after the first answers. */
  recent (): PeerInfo[] {
    return [...this.passedOn.values()].map(entry => entry.peer)
  }

  private schedule (): void {
    this.timer = setTimeout(this.tick, this.interval * (1 + Math.random() * QUERY_JITTER))
  }

  private readonly tick = (): void => {
    const now = Date.now()
    if (this.socket != null && now - this.lastForeignQuery >= this.interval) {
      this.ownInFlight++
      this.stats.queriesSent++
      this.socket.query({ questions: [{ name: this.serviceTag, type: 'PTR' }] })
    } else {
      this.stats.queriesSkipped++
    }
    for (const [id, last] of this.passedOn) {
      if (now - last.at >= this.repeatAfter) { this.passedOn.delete(id) }
    }
    this.schedule()
  }

  private readonly onQuery = (packet: MdnsQuery): void => {
    if (packet.questions?.some(q => q.name === this.serviceTag && q.type === 'PTR') !== true) { return }
    // which copy is ours cannot be told apart on one host; counting them is enough
    if (this.ownInFlight > 0) {
      this.ownInFlight--
    } else {
      this.lastForeignQuery = Date.now()
    }
  }

  private readonly onPeer = (evt: CustomEvent<PeerInfo>): void => {
    const id = evt.detail.id.toString()
    const addresses = evt.detail.multiaddrs.map(String).sort().join(' ')
    const last = this.passedOn.get(id)
    const now = Date.now()
    if (last != null && last.addresses === addresses && now - last.at < this.repeatAfter) {
      this.stats.repeats++
      return
    }
    this.passedOn.set(id, { addresses, at: now, peer: evt.detail })
    this.stats.passedOn++
    this.safeDispatchEvent('peer', { detail: evt.detail })
  }
}

/** The libp2p-style factory for `peerDiscovery`. */
export function clusterMdns (init: ClusterMdnsInit): (components: MulticastDNSComponents) => ClusterMdns {
  return (components) => new ClusterMdns(components, init)
}
