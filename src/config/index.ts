// The options a Foundation node starts with, their documented defaults, and the resolved configuration.
import type { ClusterChoice, ProfileName, TopologyChoice } from './defaults.ts'
import type { StrategyName } from '../discovery/index.ts'
import type { AwsInit, ConsulInit, DnsInit, EtcdInit, GcpInit, KubernetesInit, MdnsInit, StaticInit } from '../discovery/inits.ts'
import type { MembershipInit } from '../membership/index.ts'
import type { ChannelConfig, ChannelInit } from '../messaging/channels/index.ts'
import type { TracingInit } from '../observability/tracing/index.ts'
import type { CompressionMode, CompressionPolicy } from '../wire/compression/index.ts'

export { SECOND, MINUTE, KIB, MIB } from './units.ts'
export {
  PROFILE_NAMES, CLUSTER_CHOICES, DEFAULT_CLUSTER, DEFAULT_LISTEN, DEFAULT_PRODUCTION_LISTEN, DEFAULT_MDNS_INTERVAL,
  DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_LOOKUP_TIMEOUT, DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT, DEFAULT_MAX_SPANS, DEFAULT_ETCD_TTL, DEFAULT_CONSUL_ADDRESS, DEFAULT_ETCD_ENDPOINT, MIN_PASSPHRASE_LENGTH
} from './defaults.ts'
export type { ClusterChoice, ProfileName, TopologyChoice } from './defaults.ts'

/**
 * Settings of each discovery strategy. A strategy set here (and not false) runs when `cluster` is not given;
 * when `cluster` is given, only the strategies it names run, each with its settings from here.
 */
export interface DiscoveryInit {
  /** mDNS on the local network under a service name derived from the cluster name (default interval 1 s) */
  mdns?: boolean | MdnsInit
  /** a fixed list of peers (multiaddrs or host:port) */
  static?: string[] | StaticInit
  /** peers from DNS records; a string is the name to look up */
  dns?: string | DnsInit
  /** pods, endpoints or headless-service DNS of Kubernetes */
  kubernetes?: boolean | KubernetesInit
  /** passing instances of a Consul service */
  consul?: boolean | ConsulInit
  /** nodes registered under a prefix in etcd */
  etcd?: boolean | EtcdInit
  /** EC2 instances carrying the cluster's tags */
  aws?: boolean | AwsInit
  /** Compute Engine instances carrying the cluster's labels */
  gcp?: boolean | GcpInit
}

export interface MessagingInit {
  /** largest encoded message accepted on any Foundation protocol (default 1 MiB; enterprise 512 KiB) */
  maxMessageSize?: number
  /** timeout of `call` when none is given (default 5 s) */
  callTimeout?: number
  /**
   * bytes of messages that may wait for one slow or stalled node; past it sends to that node are dropped and
   * counted, and calls fail with PeerOverloadedError, so one bad peer cannot exhaust this node's memory
   * (default 64 MiB; enterprise 32 MiB)
   */
  maxQueuedBytes?: number
  /**
   * compression of large direct messages (default `auto`): `auto` compresses on links with a round trip of 10 ms or
   * more, where it pays; `on` on every link; `zstd` or `deflate` with that codec only; `off` never. The codec travels
   * in each frame, and each stream offers only the codecs its reader has, so nodes with any setting understand each
   * other
   */
  compression?: CompressionMode
  /** messages smaller than this many bytes are never compressed (default 1024) */
  compressionThreshold?: number
  /**
   * named pub/sub channels, each on streams of its own (`cluster.channel(name)`), by name: 1-32 letters, digits, "-"
   * or "_", not "default" (that is `cluster.pubsub`). Configure the same channels on every node (default none)
   */
  channels?: Record<string, ChannelInit>
}

export interface DistributionConfigInit {
  /** move distributed actors to a member that joins when their placement now prefers it, with their state (default false) */
  rebalance?: boolean
  /** longest a graceful stop spends moving this node's distributed actors to other members (default 30 s) */
  drainTimeout?: number
}

export interface RegistryInit {
  /** how long a lookup of a name not known yet waits while members that just joined are still being read (default 2 s) */
  lookupTimeout?: number
  /**
   * how long every member remembers that a distributed actor stopped, so that a member back from a partition cannot
   * bring it back (default 1 h, at least 1 min). Each stop costs about 400 bytes on every member for this long, and
   * at most 100,000 are kept
   */
  tombstoneTtl?: number
}

export interface SecurityInit {
  /**
   * peer ids allowed to connect; a peer holding the cluster secret but not listed is refused
   * (default: any peer holding the cluster secret)
   */
  allowPeers?: string[]
}

export interface IdentityInit {
  /**
   * a file holding this node's private key (libp2p protobuf encoding), created with mode 0600 on first start
   * when missing, so the peer id stays the same across restarts (default none: a new peer id each start;
   * required by the enterprise profile)
   */
  keyFile?: string
}

export interface HttpInit {
  /** serve health, metrics and the dashboard (default on in development, off in production and enterprise) */
  enabled?: boolean
  /** address to bind; anything but loopback must be chosen explicitly (default '127.0.0.1') */
  host?: string
  /**
   * TCP port (default 9464; 0 picks a free one). When the default port is taken, as by a second node on one
   * machine, the node serves on a free port instead and says so in `info().http`; a port set here that is
   * taken fails the start with HttpPortInUseError
   */
  port?: number
}

export interface MetricsInit {
  /**
   * collect Prometheus metrics (ours and libp2p's) in a registry of this node's own, served at /metrics
   * (default: on when http.enabled, else off; off costs nothing)
   */
  enabled?: boolean
  /**
   * include prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC). Each node that collects
   * them adds observers to its process for as long as the process lives, so turn this on for one node per process
   * (default on in production and enterprise, off in development, where many nodes share one process)
   */
  process?: boolean
}

/**
 * The overlay: which connections a node keeps. A small cluster is a full mesh; from `partialFrom` members each node
 * keeps links to a few neighbours (HyParView's active view), membership watches those, and a message to any other
 * member dials it on demand.
 */
export interface OverlayConfigInit {
  /** 'auto' switches by the cluster's size; 'full-mesh' or 'partial-view' fixes the shape (default 'auto') */
  topology?: TopologyChoice
  /** members from which 'auto' switches to partial views (default 64) */
  partialFrom?: number
  /** members at or below which 'auto' switches back to the full mesh; below partialFrom (default 48) */
  fullMeshAtMost?: number
  /** members from which 'auto' switches to client-server: most members link to a few servers (default 5,000) */
  clientServerFrom?: number
  /** members at or below which 'auto' switches back to partial views; below clientServerFrom (default 4,000) */
  partialAtMost?: number
  /** ms a size must call for the other shape before the switch (default 30 s) */
  settle?: number
  /**
   * ms the links of the shape left are kept after a switch, so that members that switch a little later are still
   * reached by them (default 30 s, the settling time over which members' counts differ)
   */
  switchGrace?: number
  /** neighbours each node keeps in the partial-view shape (default 4: log10(1,000) + 1) */
  activeViewSize?: number
  /** ms a connection outside the overlay, dialled for a call or a read, stays open after its last use (default 15 s) */
  idleTimeout?: number
}

export type ClusterMembershipInit = Omit<MembershipInit, 'cluster' | 'name' | 'roles' | 'maxFrameSize'>

/**
 * The options of `Foundation.start`, every one optional with a documented default. They merge with the profile's
 * defaults, a JSON config file and FOUNDATION_* environment variables (which win), and are checked in one pass
 * before anything starts: a wrong or unknown option throws {@link ConfigError} naming it.
 *
 * @example
 * ```ts
 * // development: zero config, nodes on one machine or LAN find each other by mDNS
 * const dev = await Foundation.start()
 *
 * // production on Kubernetes: one line, plus the cluster secret every node shares
 * const prod = await Foundation.start({ cluster: 'kubernetes', secret: process.env.CLUSTER_SECRET })
 *
 * // full control
 * const node = await Foundation.start({
 *   profile: 'production',
 *   clusterName: 'shop',
 *   name: 'checkout-1',
 *   roles: ['checkout'],
 *   secret: Foundation.generateSecret(),
 *   cluster: ['dns', 'static'],
 *   discovery: { dns: { name: 'shop.internal', mode: 'srv' }, static: ['10.0.0.7:4001'] },
 *   listen: ['/ip4/0.0.0.0/tcp/4001'],
 *   http: { enabled: true, port: 9464 },
 *   membership: { suspectTimeout: 5000 },
 *   messaging: { callTimeout: 2000 }
 * })
 * ```
 */
export interface FoundationInit {
  /**
   * a documented set of defaults (default $FOUNDATION_PROFILE, else 'production' when NODE_ENV is 'production',
   * else 'development')
   */
  profile?: ProfileName
  /**
   * a JSON file with these same options (default $FOUNDATION_CONFIG). Precedence, lowest first: profile
   * defaults, the file, the options given in code, FOUNDATION_* environment variables
   */
  configFile?: string
  /** the cluster's name: only nodes with the same name ever join each other (default 'foundation') */
  clusterName?: string
  /**
   * which discovery strategies run, primary first; 'auto' detects the platform
   * (default: the strategies set in `discovery`, else the profile's: mdns in development, auto otherwise)
   */
  cluster?: ClusterChoice | ClusterChoice[]
  /** this node's name, for people (default host name and process id) */
  name?: string
  /** roles this node offers, used by placement later (default none) */
  roles?: string[]
  /** multiaddrs to listen on (default all IPv4 interfaces, TCP port 0 in development and 4001 otherwise) */
  listen?: string[]
  /**
   * the cluster secret: a libp2p pre-shared key in swarm.key format, or any passphrase of 16 characters or
   * more (32 in enterprise), from which the key is derived. Nodes with another secret, or none, can never
   * connect (default none; required in production and enterprise)
   */
  secret?: string
  discovery?: DiscoveryInit
  security?: SecurityInit
  identity?: IdentityInit
  http?: HttpInit
  metrics?: MetricsInit
  membership?: ClusterMembershipInit
  messaging?: MessagingInit
  registry?: RegistryInit
  overlay?: OverlayConfigInit
  distribution?: DistributionConfigInit
  tracing?: TracingInit
}

/** One discovery strategy that will run, with every default filled in. */
export type ResolvedStrategy =
  | { name: 'mdns', init: { interval: number } }
  | { name: 'static', init: StaticInit }
  | { name: 'dns', init: DnsInit }
  | { name: 'kubernetes', init: KubernetesInit }
  | { name: 'consul', init: ConsulInit }
  | { name: 'etcd', init: EtcdInit }
  | { name: 'aws', init: AwsInit }
  | { name: 'gcp', init: GcpInit }

export interface ResolvedDiscovery {
  /** primary first, no duplicates; empty means no discovery (connect() still works) */
  strategies: ResolvedStrategy[]
  /** which rule chose them */
  chosenBy: 'cluster' | 'discovery' | 'profile' | 'auto'
  /** one sentence for info() and the log, such as "auto: KUBERNETES_SERVICE_HOST is set (running in a Kubernetes pod)" */
  reason: string
}

/** A configuration with every default filled in, as the rest of the node reads it. */
export interface FoundationConfig {
  profile: ProfileName
  clusterName: string
  name: string
  roles: string[]
  listen: string[]
  secret?: string
  discovery: ResolvedDiscovery
  security: { allowPeers?: string[] }
  identity: { keyFile?: string }
  /**
   * `portIsDefault`: no port was configured, so a taken one falls back to any free port. `mounted`: the node's routes
   * are served by its federation's endpoint, under /clusters/<name>, not on a port of its own
   */
  http: { enabled: boolean, host: string, port: number, portIsDefault: boolean, mounted?: boolean }
  metrics: { enabled: boolean, process: boolean }
  membership: ClusterMembershipInit
  maxMessageSize: number
  callTimeout: number
  maxQueuedBytes: number
  compression: CompressionPolicy
  /** messaging.channels, each with its defaults filled in */
  channels: Record<string, ChannelConfig>
  lookupTimeout: number
  tombstoneTtl: number
  overlay: { topology: TopologyChoice, partialFrom: number, fullMeshAtMost: number, clientServerFrom: number, partialAtMost: number, settle: number, switchGrace: number, idleTimeout: number, activeViewSize?: number }
  distribution: { rebalance: boolean, drainTimeout: number }
  tracing: { enabled: boolean, sampleRate: number, maxSpans: number }
}

export type { StrategyName }
export { resolveConfig } from './resolve.ts'
export { redactedConfig } from './redact.ts'
export { loadIdentity } from './identity.ts'
export { PROFILES } from './profiles.ts'
export { ENV_VARIABLES } from './env.ts'
export { ConfigError, MissingSecretError } from './errors.ts'
