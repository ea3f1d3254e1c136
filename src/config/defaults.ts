// Every default of the configuration, named with its unit, and the names options may take.
import { STRATEGY_NAMES } from '../discovery/index.ts'
import { MIB, SECOND } from './units.ts'

export const PROFILE_NAMES = ['development', 'production', 'enterprise'] as const
/**
 * A documented set of defaults: 'development', 'production' or 'enterprise'.
 *
 * @useDeclaredType
 */
export type ProfileName = typeof PROFILE_NAMES[number]

/** What `cluster` may name: a strategy, or 'auto' to detect the platform. */
export const CLUSTER_CHOICES = [...STRATEGY_NAMES, 'auto'] as const
/**
 * A discovery strategy's name, or 'auto'.
 *
 * @useDeclaredType
 */
export type ClusterChoice = typeof CLUSTER_CHOICES[number]

export const DEFAULT_CLUSTER = 'foundation'
/** what a cluster name may be: it goes into protocol ids, topic names and mDNS labels */
export const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0']
/** address-based discovery dials peers at this node's own port, so production listens on a fixed one */
export const DEFAULT_PRODUCTION_LISTEN = ['/ip4/0.0.0.0/tcp/4001']
export const DEFAULT_MDNS_INTERVAL = SECOND
export const DEFAULT_MAX_MESSAGE_SIZE = MIB
export const DEFAULT_CALL_TIMEOUT = 5 * SECOND
export const DEFAULT_MAX_QUEUED_BYTES = 64 * MIB
export const DEFAULT_LOOKUP_TIMEOUT = 2 * SECOND
/** a stopped distributed actor's name outlives any partition expected to heal (the dead-redial window is 10 minutes) */
export const DEFAULT_TOMBSTONE_TTL = 60 * 60 * SECOND
export const DEFAULT_HTTP_HOST = '127.0.0.1'
export const DEFAULT_HTTP_PORT = 9464
export const DEFAULT_ETCD_TTL = 10 * SECOND
export const DEFAULT_CONSUL_ADDRESS = 'http://127.0.0.1:8500'
export const DEFAULT_ETCD_ENDPOINT = 'http://127.0.0.1:2379'
export const MIN_PASSPHRASE_LENGTH = 16
/** how long a graceful stop may spend moving distributed actors away: 10,000 actors move in a few seconds */
export const DEFAULT_DRAIN_TIMEOUT = 30 * SECOND
/** spans a node keeps for traceRequest: about 3 MB */
export const DEFAULT_MAX_SPANS = 10_000

/** What `overlay.topology` may name: 'auto' follows the cluster's size. */
export const TOPOLOGY_CHOICES = ['auto', 'full-mesh', 'partial-view'] as const
/**
 * 'auto', or a shape fixed for the node's whole life.
 *
 * @useDeclaredType
 */
export type TopologyChoice = typeof TOPOLOGY_CHOICES[number]
/** how long a connection outside the overlay (dialled for a call or a read) stays open after its last use */
export const DEFAULT_OVERLAY_IDLE_TIMEOUT = 15 * SECOND
