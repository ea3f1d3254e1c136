// mDNS as a discovery strategy: the host runs the cluster's mDNS service (it must answer queries from the moment
// the host listens); this strategy hands on the peers it finds, as every other strategy does.
import { TypedEventEmitter } from '@libp2p/interface'
import { normalizeCandidates } from '../candidates.ts'
import type { ClusterMdns } from './cluster-mdns.ts'
import type { Candidate, DiscoveryComponents, DiscoveryEvents, DiscoveryStrategy, StrategyStatus } from '../index.ts'
import type { PeerInfo } from '@libp2p/interface'

export class MdnsDiscovery extends TypedEventEmitter<DiscoveryEvents> implements DiscoveryStrategy {
  readonly name = 'mdns'
  readonly status: Omit<StrategyStatus, 'name'> = { candidates: 0, failures: 0 }
  private readonly components: DiscoveryComponents
  private readonly service: ClusterMdns
  private running = false

  constructor (components: DiscoveryComponents, service: ClusterMdns) {
    super()
    this.components = components
    this.service = service
  }

  isStarted (): boolean {
    return this.running
  }

  async start (): Promise<void> {
    if (this.running) { return }
    this.running = true
    this.service.addEventListener('peer', this.onPeer)
    // answers heard while the host started, before this strategy listened
    const recent = this.service.recent()
    if (recent.length > 0) { this.handOn(recent) }
  }

  async stop (): Promise<void> {
    if (!this.running) { return }
    this.running = false
    this.service.removeEventListener('peer', this.onPeer)
  }

  private readonly onPeer = (evt: CustomEvent<PeerInfo>): void => {
    this.handOn([evt.detail])
  }

  private handOn (peers: PeerInfo[]): void {
    const candidates: Candidate[] = normalizeCandidates(peers.map(peer => ({
      peerId: peer.id.toString(),
      addresses: peer.multiaddrs.map(String)
    })), this.components.self)
    if (candidates.length === 0) { return }
    // peers heard from within the repeat period: the ones mDNS currently knows
    this.status.candidates = this.service.recent().length
    this.status.lastSuccess = Date.now()
    this.safeDispatchEvent('candidates', { detail: candidates })
  }
}

/** mDNS through the host's cluster mDNS service. */
export function mdnsDiscovery (service: ClusterMdns): (components: DiscoveryComponents) => MdnsDiscovery {
  return (components) => new MdnsDiscovery(components, service)
}
