// The options a Foundation node starts with, and their documented defaults.
import { MIB, SECOND } from './units.ts'
import type { MembershipInit } from '../membership/index.ts'

export { SECOND, MINUTE, KIB, MIB } from './units.ts'

export interface DiscoveryInit {
  /**
   * mDNS on the local network under a service name derived from the cluster name, or false to turn it off
   * (default: on, querying every second)
   */
  mdns?: boolean | { interval?: number }
}

export interface MessagingInit {
  /** largest encoded message accepted on any Foundation protocol (default 1 MiB) */
  maxMessageSize?: number
  /** timeout of `call` when none is given (default 5 s) */
  callTimeout?: number
  /**
   * bytes of messages that may wait for one slow or stalled node; past it sends to that node are dropped and
   * counted, and calls fail with PeerOverloadedError, so one bad peer cannot exhaust this node's memory
   * (default 64 MiB)
   */
  maxQueuedBytes?: number
}

export interface RegistryInit {
  /** how long a lookup may search the DHT before answering "not found" (default 2 s) */
  lookupTimeout?: number
}

export interface FoundationInit {
  /** the cluster's name: only nodes with the same name ever join each other (default 'foundation') */
  clusterName?: string
  /** this node's name, for people (default host name and process id) */
  name?: string
  /** roles this node offers, used by placement later (default none) */
  roles?: string[]
  /** multiaddrs to listen on (default all IPv4 interfaces, a random TCP port) */
  listen?: string[]
  /**
   * the cluster secret: a libp2p pre-shared key in swarm.key format, or any passphrase of 16 characters or
   * more, from which the key is derived. Nodes with another secret, or none, can never connect (default none)
   */
  secret?: string
  discovery?: DiscoveryInit
  membership?: Omit<MembershipInit, 'cluster' | 'name' | 'roles' | 'maxFrameSize'>
  messaging?: MessagingInit
  registry?: RegistryInit
}

export const DEFAULT_CLUSTER = 'foundation'
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0']
export const DEFAULT_MDNS_INTERVAL = SECOND
export const DEFAULT_MAX_MESSAGE_SIZE = MIB
export const DEFAULT_CALL_TIMEOUT = 5 * SECOND
export const DEFAULT_MAX_QUEUED_BYTES = 64 * MIB
export const DEFAULT_LOOKUP_TIMEOUT = 2 * SECOND
export const MIN_PASSPHRASE_LENGTH = 16

/** A configuration with every default filled in, as the rest of the node reads it. */
export interface FoundationConfig {
  clusterName: string
  name: string
  roles: string[]
  listen: string[]
  secret?: string
  mdns: { enabled: boolean, interval: number }
  membership: FoundationInit['membership'] & {}
  maxMessageSize: number
  callTimeout: number
  maxQueuedBytes: number
  lookupTimeout: number
}

export { resolveConfig } from './resolve.ts'
export { ConfigError } from './errors.ts'
