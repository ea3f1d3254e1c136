// Builds the libp2p host a Foundation node runs on in Node.js: TCP (and WebSockets when asked), noise, the cluster
// secret and mDNS, over what every host shares (host-options.ts).
import { noise } from '@chainsafe/libp2p-noise'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'
import { createLibp2p } from 'libp2p'
import { TicketGate, emptyTicketStats } from '../admission/ticket-gate.ts'
import { ticketKey } from '../admission/tickets.ts'
import { ConfigError } from '../config/errors.ts'
import { clusterMdns } from '../discovery/mdns/cluster-mdns.ts'
import { sharedHostOptions } from './host-options.ts'
import { privateNetwork } from './private-network/index.ts'
import { quietLogger } from './quiet-logger.ts'
import type { Host, HostServices } from './host-options.ts'
import type { ComponentLogger, ConnectionProtector, Metrics, PrivateKey } from '@libp2p/interface'
import type { PrometheusMetricsComponents } from '@libp2p/prometheus-metrics'
import type { Libp2pOptions } from 'libp2p'

export type { Host, HostServices }

/** a listen address that browsers can dial: /ws or /wss at its end, before any /p2p */
const WEBSOCKETS = /\/(ws|wss|tls\/ws)(\/p2p\/[^/]+)?$/
/** a listen address browsers dial over WebRTC-Direct (no CA certificate needed) */
const WEBRTC_DIRECT = /\/udp\/\d+\/webrtc-direct(\/|$)/

/**
 * Tabs holding a reservation on one member's relay at once. A tab reserves on one member; a reservation costs the
 * relay a few hundred bytes.
 */
const MAX_RELAY_RESERVATIONS = 1024

/** The transports a host listens and dials on, as libp2p takes them. */
export type HostTransports = NonNullable<Libp2pOptions['transports']>
/** The connection encrypters a host offers, as libp2p takes them. */
export type HostEncrypters = NonNullable<Libp2pOptions['connectionEncrypters']>

export interface CreateHostOptions {
  cluster: string
  listen: string[]
  /**
   * the transports to listen and dial on (default TCP, and WebSockets when `listen` has a /ws address): tests and
   * benchmarks run a hundred nodes in one process on `@libp2p/memory`, listening on /memory/<name>
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
  const shared = sharedHostOptions(options)
  if (options.mdns.enabled) {
    shared.services.mdns = clusterMdns({ serviceTag: mdnsServiceTag(options.cluster), interval: options.mdns.interval })
  }
  if (options.listen.some(address => WEBSOCKETS.test(address))) {
    // a member that tabs dial relays to them: nobody can dial a tab, and in partial views a member calling a tab's
    // actor may hold no link to it. The relay carries the call, or WebRTC's offer and answer between two tabs, so its
    // connections are not held to libp2p's default limit (2 minutes, 128 KiB), on which no Foundation protocol runs.
    // With a secret, only members and admitted tabs reach the relay: the private network and tickets guard it
    shared.services.relay = circuitRelayServer({ reservations: { maxReservations: MAX_RELAY_RESERVATIONS, applyDefaultLimit: false } })
  }
  const { secret } = options
  let gate: TicketGate | undefined
  const stats = emptyTicketStats()
  if (secret != null) {
    shared.services.admission = () => ({ stats, rolesGranted: (peer: string) => gate?.rolesGranted(peer) })
    const { connectionGater } = shared
    shared.connectionGater = {
      ...connectionGater,
      // members reach each other over TCP, under the private network; WebSockets are for browsers, with a ticket
      denyDialMultiaddr: (address) => WebSockets.matches(address) || WebSocketsSecure.matches(address),
      denyInboundEncryptedConnection: (peer, connection) => connectionGater?.denyInboundEncryptedConnection?.(peer, connection) === true || gate?.deniesPeer(peer, connection) === true
    }
  }
  return createLibp2p<HostServices>({
    ...shared,
    // started by the node once every Foundation protocol handler is in place
    start: false,
    privateKey: options.privateKey,
    metrics: options.metrics,
    logger: options.logger ?? quietLogger(),
    addresses: { listen: options.listen },
    transports: options.transports ?? await transportsFor(options.listen),
    connectionEncrypters: options.encrypters ?? [noise()],
    connectionProtector: secret == null
      ? undefined
      : () => {
          gate = new TicketGate({ cluster: options.cluster, key: ticketKey(secret), members: (options.protector ?? defaultProtector)(secret)(), stats })
          return gate
        }
  })
}

/**
 * TCP between Node members; WebSockets beside it when an address to listen on asks for it, for browsers to dial; and
 * connections through a member's relay, to reach a tab. A member listens on no relay: nobody relays to it.
 */
async function transportsFor (listen: string[]): Promise<HostTransports> {
  const transports: HostTransports = [tcp(), circuitRelayTransport()]
  if (listen.some(address => WEBSOCKETS.test(address))) { transports.push(webSockets()) }
  const direct = listen.find(address => WEBRTC_DIRECT.test(address))
  if (direct != null) { transports.push((await webRTCPackage(direct)).webRTCDirect()) }
  return transports
}

/**
 * `@libp2p/webrtc`, an optional peer dependency: only a member that listens on WebRTC-Direct needs it, and with it the
 * native node-datachannel module.
 */
async function webRTCPackage (address: string): Promise<typeof import('@libp2p/webrtc')> {
  try {
    return await import('@libp2p/webrtc')
  } catch (err: any) {
    throw new ConfigError('listen', 'addresses whose transport is installed: WebRTC-Direct needs the optional package @libp2p/webrtc (npm install @libp2p/webrtc)', address, { cause: err })
  }
}
