// What every Foundation host runs, whatever its platform: the muxer, the services and the limits a member relies on.
// create-host.ts adds Node's transports, mDNS and the cluster secret; a browser host adds its own transports.
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { clusterScoring } from '../messaging/pubsub/cluster-scoring.ts'
import { publicationMessageId } from '../messaging/pubsub/publication.ts'
import { duplicatePruner } from './duplicate-pruner.ts'
import { guardedYamux } from './guarded-yamux.ts'
import { protocolPrefix } from './protocols.ts'
import type { DuplicatePruner } from './duplicate-pruner.ts'
import type { TicketStats } from '../admission/ticket-gate.ts'
import type { ClusterMdns } from '../discovery/mdns/cluster-mdns.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { PeerId } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { Libp2p, Libp2pOptions, ServiceFactoryMap } from 'libp2p'

/** inbound connections accepted per second from one address; the cluster secret, not this, keeps strangers out */
const INBOUND_CONNECTIONS_PER_SECOND = 256
/** inbound connections still in their handshake at once */
const MAX_PENDING_INBOUND = 128

export interface HostServices {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  /** closes the second connection of a pair once Foundation's streams have moved off it */
  duplicates: DuplicatePruner
  /** the cluster's mDNS responder and querier, when mDNS discovery is on */
  mdns?: ClusterMdns
  /**
   * with a cluster secret only: what the gate for browsers' admission tickets counted, and the roles the ticket of a
   * page it let in grants (undefined for a peer that showed no ticket here)
   */
  admission?: { stats: TicketStats, rolesGranted(peer: string): string[] | undefined }
  [key: string]: unknown
}

export type Host = Libp2p<HostServices>

export interface SharedHostInit {
  cluster: string
  maxMessageSize: number
  /** peer ids allowed to connect (default: any) */
  allowPeers?: string[]
  /** peers refused right now, checked on every dial and handshake (default: none) */
  refusePeer?(peerId: string): boolean
}

/** The libp2p options every host shares: muxer, connection limits, the peer gate and the services. */
export function sharedHostOptions (init: SharedHostInit): Pick<Libp2pOptions<HostServices>, 'streamMuxers' | 'connectionMonitor' | 'connectionManager' | 'connectionGater' | 'services'> & { services: ServiceFactoryMap<HostServices> } {
  const allowed = init.allowPeers != null ? new Set(init.allowPeers) : undefined
  const refused = init.refusePeer ?? (() => false)
  const denied = (peer: PeerId): boolean => (allowed != null && !allowed.has(peer.toString())) || refused(peer.toString())
  return {
    streamMuxers: [guardedYamux()],
    // membership's failure detector probes every member already: libp2p's own ping of every connection every
    // 10 s would be a second one, paid by every idle node
    connectionMonitor: { enabled: false },
    connectionManager: {
      // every member dials every other, so a node that joins or returns is dialled by the whole cluster at once,
      // and nodes that share a host (one machine, one NAT) share one address: libp2p's defaults (5 inbound
      // connections per second per address, 10 pending) reset the dials past them and fail their calls
      inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_SECOND,
      maxIncomingPendingConnections: MAX_PENDING_INBOUND
    },
    // checked right after the noise handshake proves the remote's peer id, before any protocol runs
    connectionGater: {
      denyDialPeer: denied,
      denyInboundEncryptedConnection: denied,
      denyOutboundEncryptedConnection: denied
    },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        // peers are authenticated by noise (and the cluster key): signatures would only cost throughput
        globalSignaturePolicy: 'StrictNoSign',
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        // our publications carry a unique id up front: reading it beats hashing every message
        msgIdFn: publicationMessageId,
        maxInboundDataLength: init.maxMessageSize + 1024,
        // gossipsub's default, relied on: each publication goes from its origin to every subscriber it knows, so
        // delivery never waits for the mesh to form or heal
        floodPublish: true,
        // members share addresses (one machine, one NAT) and are admitted by the cluster key: see cluster-scoring.ts
        ...clusterScoring()
      }),
      duplicates: duplicatePruner({ protocolPrefix: protocolPrefix(init.cluster) })
    }
  }
}
