// Builds the libp2p host every Foundation node runs on: the transports, security, muxer and services we rely on.
import { noise } from '@chainsafe/libp2p-noise'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { clusterMdns } from '../discovery/mdns/cluster-mdns.ts'
import { clusterScoring } from '../messaging/pubsub/cluster-scoring.ts'
import { publicationMessageId } from '../messaging/pubsub/publication.ts'
import { duplicatePruner } from './duplicate-pruner.ts'
import { guardedYamux } from './guarded-yamux.ts'
import { privateNetwork } from './private-network/index.ts'
import { protocolPrefix } from './protocols.ts'
import { quietLogger } from './quiet-logger.ts'
import type { DuplicatePruner } from './duplicate-pruner.ts'
import type { ClusterMdns } from '../discovery/mdns/cluster-mdns.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { ComponentLogger, ConnectionProtector, Metrics, PeerId, PrivateKey } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { PrometheusMetricsComponents } from '@libp2p/prometheus-metrics'
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
  [key: string]: unknown
}

export type Host = Libp2p<HostServices>

/** The transports a host listens and dials on, as libp2p takes them. */
export type HostTransports = NonNullable<Libp2pOptions['transports']>
/** The connection encrypters a host offers, as libp2p takes them. */
export type HostEncrypters = NonNullable<Libp2pOptions['connectionEncrypters']>

export interface CreateHostOptions {
  cluster: string
  listen: string[]
  /**
   * the transports to listen and dial on (default TCP): tests and benchmarks run a hundred nodes in one process on
   * `@libp2p/memory`, listening on /memory/<name>
   */
  transports?: HostTransports
  /**
   * the connection encrypters (default noise): hundreds of nodes in one process spend most of one core on noise's
   * handshakes and ciphers, which scale tests of the overlay leave out with `@libp2p/plaintext`
   */
  encrypters?: HostEncrypters
  /** the pre-shared key file contents (libp2p pnet format); undefined for an open cluster */
  secret?: Uint8Array
  /**
   * makes the connection protector for `secret` (default: the private network of ./private-network, in the pnet
   * wire format): benchmarks compare libp2p's own
   */
  protector?(swarmKey: Uint8Array): () => ConnectionProtector
  mdns: { enabled: boolean, interval: number }
  privateKey?: PrivateKey
  maxMessageSize: number
  /** peer ids allowed to connect, besides holding the cluster secret (default: any) */
  allowPeers?: string[]
  /**
   * peers refused right now, checked on every dial and handshake: how tests cut a network in two in one
   * process (default: none)
   */
  refusePeer?(peerId: string): boolean
  /** libp2p's metrics implementation, such as @libp2p/prometheus-metrics (default none: libp2p counts nothing) */
  metrics?(components: PrometheusMetricsComponents): Metrics
  /** the loggers of libp2p's components (default quietLogger: what DEBUG enables, nothing else) */
  logger?: ComponentLogger
}

/** The mDNS service name for a cluster: never libp2p's shared `_p2p._udp.local`, so only our cluster answers. */
export function mdnsServiceTag (cluster: string): string {
  // DNS-SD labels allow letters, digits and hyphens; keep it short and stable
  const label = cluster.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
  return `_fnd-${label}._udp.local`
}

function defaultProtector (swarmKey: Uint8Array): () => ConnectionProtector {
  return privateNetwork({ swarmKey })
}

export async function createHost (options: CreateHostOptions): Promise<Host> {
  const mdns: Partial<ServiceFactoryMap<HostServices>> = {}
  if (options.mdns.enabled) {
    mdns.mdns = clusterMdns({ serviceTag: mdnsServiceTag(options.cluster), interval: options.mdns.interval })
  }
  const allowed = options.allowPeers != null ? new Set(options.allowPeers) : undefined
  const refused = options.refusePeer ?? (() => false)
  const denied = (peer: PeerId): boolean => (allowed != null && !allowed.has(peer.toString())) || refused(peer.toString())

  return createLibp2p<HostServices>({
    // started by the node once every Foundation protocol handler is in place
    start: false,
    privateKey: options.privateKey,
    metrics: options.metrics,
    logger: options.logger ?? quietLogger(),
    addresses: { listen: options.listen },
    transports: options.transports ?? [tcp()],
    connectionEncrypters: options.encrypters ?? [noise()],
    streamMuxers: [guardedYamux()],
    connectionProtector: options.secret != null ? (options.protector ?? defaultProtector)(options.secret) : undefined,
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
        maxInboundDataLength: options.maxMessageSize + 1024,
        // gossipsub's default, relied on: each publication goes from its origin to every subscriber it knows, so
        // delivery never waits for the mesh to form or heal
        floodPublish: true,
        // members share addresses (one machine, one NAT) and are admitted by the cluster key: see cluster-scoring.ts
        ...clusterScoring()
      }),
      duplicates: duplicatePruner({ protocolPrefix: protocolPrefix(options.cluster) }),
      ...mdns
    }
  })
}
