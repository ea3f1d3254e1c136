// A browser member's configuration: the few options a page sets, checked by hand (the Node configuration's schema
// library and its file and environment layers stay out of the bundle), and every other setting at the default a
// Node member has, so the two kinds agree on timings and limits.
import { CLUSTER_NAME, DEFAULT_CLUSTER, DEFAULT_DRAIN_TIMEOUT, DEFAULT_MAX_SPANS, DEFAULT_OVERLAY_IDLE_TIMEOUT, DEFAULT_TOMBSTONE_TTL, TOPOLOGY_CHOICES } from '../../config/defaults.ts'
import { ConfigError } from '../../config/errors.ts'
import { PROFILES } from '../../config/profiles.ts'
import { isMultiaddr } from '../../discovery/candidates.ts'
import { BROWSER_ROLE, isReservedRole } from '../../membership/reserved-roles.ts'
import { DEFAULT_SWITCH_GRACE } from '../../overlay/switching/index.ts'
import { DEFAULT_TOPOLOGY_THRESHOLDS, checkThresholds } from '../../overlay/topology-policy.ts'
import { DEFAULT_COMPRESSION_THRESHOLD } from '../../wire/compression/index.ts'
import type { TransportFactory } from './create-browser-host.ts'
import type { FoundationConfig, OverlayConfigInit } from '../../config/index.ts'

export interface BrowserMemberInit {
  /** the cluster to join (default 'foundation'), as its Node members name it */
  clusterName?: string
  /**
   * Node members to join through: multiaddrs they listen on for WebSockets, ending in /p2p/<peer id>, such as
   * `/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3Koo...` (a Node member lists them in `addresses()`), or for WebRTC-Direct
   * with `webRTCDirect`
   */
  bootstrap: string[]
  /** this member's name in the cluster (default `browser-` and a random suffix) */
  name?: string
  roles?: string[]
  /** a call's default timeout in ms (default 5 s) */
  callTimeout?: number
  /**
   * the admission ticket a cluster with a secret asks of a page (see `Foundation.issueTicket` on the server): the
   * ticket's text, or a function given this member's peer id that fetches one from the application
   */
  ticket?: string | ((peerId: string) => string | Promise<string>)
  /** ms the start waits for a bootstrap member to take this member in before it fails (default 10 s) */
  joinTimeout?: number
  /**
   * the WebRTC transport, `webRTC()` from `@libp2p/webrtc`, for direct links to other tabs (set its
   * `rtcConfiguration.iceServers` to your STUN and TURN servers). Without it a call to an actor on another tab goes
   * through a Node member's relay. The page imports it: `@libp2p/webrtc` names react-native-webrtc and a native module
   * among its dependencies, which a Node project should not have to install
   */
  webRTC?: TransportFactory
  /**
   * the WebRTC-Direct transport, `webRTCDirect()` from `@libp2p/webrtc`, to join Node members that listen on
   * `/udp/<port>/webrtc-direct` (no CA certificate needed, so an https page can reach a member by IP address). Such
   * an address carries the member's certificate hash, which changes at each restart of the member: take the bootstrap
   * addresses fresh from a running member. Open clusters only: WebRTC-Direct skips the cluster secret and tickets
   */
  webRTCDirect?: TransportFactory
  /**
   * the overlay options the cluster's Node members set, if they changed any of these from the defaults: a page must
   * count members to the same thresholds, or its shape and theirs would differ and names held with their homes would
   * not be found from the page
   */
  overlay?: BrowserOverlayInit
}

/** The overlay options a page shares with its cluster's Node members. */
export type BrowserOverlayInit = Pick<OverlayConfigInit, 'topology' | 'partialFrom' | 'fullMeshAtMost' | 'clientServerFrom' | 'partialAtMost' | 'settle' | 'activeViewSize'>

/** A browser member's configuration: a Node member's, and how long its start waits to be taken in. */
export type BrowserConfig = FoundationConfig & { joinTimeout: number }

const DEFAULT_JOIN_TIMEOUT = 10_000

const MAX_ROLES = 64

export function browserConfig (init: BrowserMemberInit): BrowserConfig {
  if (init == null || typeof init !== 'object') { throw new ConfigError('(options)', 'an object of options', init) }
  const clusterName = init.clusterName ?? DEFAULT_CLUSTER
  if (typeof clusterName !== 'string' || !CLUSTER_NAME.test(clusterName)) { throw new ConfigError('clusterName', 'a name of 1-63 letters, digits, "-" or "_"', clusterName) }
  const { bootstrap } = init
  if (!Array.isArray(bootstrap) || bootstrap.length === 0) { throw new ConfigError('bootstrap', 'a non-empty array of multiaddrs of Node members', bootstrap) }
  const dialable = init.webRTCDirect != null ? /\/(wss?|webrtc-direct\/certhash\/[^/]+)\// : /\/wss?\//
  bootstrap.forEach((address, i) => {
    if (typeof address !== 'string' || !isMultiaddr(address) || !dialable.test(address) || !address.includes('/p2p/')) {
      const also = init.webRTCDirect != null ? ', or a WebRTC-Direct one with its certhash' : ''
      throw new ConfigError(`bootstrap[${i}]`, `a WebSockets multiaddr with the member's peer id, such as /ip4/10.0.0.7/tcp/4002/ws/p2p/12D3Koo...${also}`, address)
    }
  })
  const name = init.name ?? `browser-${Math.random().toString(36).slice(2, 8)}`
  if (typeof name !== 'string' || name.length === 0 || name.length > 256) { throw new ConfigError('name', 'a string of 1 to 256 characters', name) }
  const roles = init.roles ?? []
  if (!Array.isArray(roles) || roles.length > MAX_ROLES || roles.some(role => typeof role !== 'string' || role.length === 0 || isReservedRole(role))) {
    throw new ConfigError('roles', `an array of at most ${MAX_ROLES} non-empty strings not beginning with "$"`, roles)
  }
  if (init.webRTC != null && typeof init.webRTC !== 'function') { throw new ConfigError('webRTC', 'the transport webRTC() of @libp2p/webrtc returns', init.webRTC) }
  if (init.webRTCDirect != null && typeof init.webRTCDirect !== 'function') { throw new ConfigError('webRTCDirect', 'the transport webRTCDirect() of @libp2p/webrtc returns', init.webRTCDirect) }
  if (init.ticket != null && typeof init.ticket !== 'string' && typeof init.ticket !== 'function') { throw new ConfigError('ticket', 'a ticket\'s text, or a function of the peer id that gives one', init.ticket) }
  const profile = PROFILES.development
  const callTimeout = init.callTimeout ?? profile.callTimeout
  if (!Number.isInteger(callTimeout) || callTimeout < 1 || callTimeout > 3_600_000) { throw new ConfigError('callTimeout', 'a duration in ms from 1 to 3600000', callTimeout) }
  const joinTimeout = init.joinTimeout ?? DEFAULT_JOIN_TIMEOUT
  if (!Number.isInteger(joinTimeout) || joinTimeout < 1 || joinTimeout > 3_600_000) { throw new ConfigError('joinTimeout', 'a duration in ms from 1 to 3600000', joinTimeout) }
  return {
    profile: profile.name,
    clusterName,
    name,
    roles: [...new Set(roles), BROWSER_ROLE],
    listen: [],
    discovery: {
      strategies: [{ name: 'static', init: { peers: [...bootstrap] } }],
      chosenBy: 'discovery',
      reason: 'a browser member joins through its bootstrap addresses'
    },
    security: {},
    identity: {},
    http: { enabled: false, host: '', port: 0, portIsDefault: false },
    metrics: { enabled: false, process: false },
    membership: { ...profile.membership },
    maxMessageSize: profile.maxMessageSize,
    callTimeout,
    maxQueuedBytes: profile.maxQueuedBytes,
    // a tab has no codec: it offers and reads plain frames only, which every member speaks
    compression: { mode: 'off', threshold: DEFAULT_COMPRESSION_THRESHOLD },
    // a tab takes no channel: members send it none (see messaging/channels/other-members.ts)
    channels: {},
    lookupTimeout: profile.lookupTimeout,
    tombstoneTtl: DEFAULT_TOMBSTONE_TTL,
    overlay: browserOverlay(init.overlay),
    distribution: { rebalance: false, drainTimeout: DEFAULT_DRAIN_TIMEOUT },
    tracing: { enabled: profile.tracing.enabled, sampleRate: profile.tracing.sampleRate, maxSpans: DEFAULT_MAX_SPANS },
    joinTimeout
  }
}

const OVERLAY_COUNTS = ['partialFrom', 'fullMeshAtMost', 'clientServerFrom', 'partialAtMost', 'activeViewSize'] as const

/** The page's overlay options, each checked, over the defaults a Node member has. */
function browserOverlay (init: BrowserOverlayInit = {}): BrowserConfig['overlay'] {
  if (init == null || typeof init !== 'object') { throw new ConfigError('overlay', 'an object of the cluster\'s overlay options', init) }
  const { topology = 'auto', settle, activeViewSize, ...counts } = init
  if (!(TOPOLOGY_CHOICES as readonly string[]).includes(topology)) { throw new ConfigError('overlay.topology', TOPOLOGY_CHOICES.join(', '), topology) }
  for (const field of OVERLAY_COUNTS) {
    const value = init[field]
    if (value != null && (!Number.isInteger(value) || value < 1)) { throw new ConfigError(`overlay.${field}`, 'a whole number of at least 1', value) }
  }
  if (settle != null && (!Number.isInteger(settle) || settle < 0 || settle > 3_600_000)) { throw new ConfigError('overlay.settle', 'a duration in ms from 0 to 3600000', settle) }
  const thresholds = { ...DEFAULT_TOPOLOGY_THRESHOLDS, ...counts, ...(settle != null ? { settle } : {}) }
  try {
    checkThresholds(thresholds)
  } catch (err: any) {
    throw new ConfigError('overlay', 'thresholds in order', init, { note: err.message })
  }
  return { topology, ...thresholds, ...(activeViewSize != null ? { activeViewSize } : {}), switchGrace: DEFAULT_SWITCH_GRACE, idleTimeout: DEFAULT_OVERLAY_IDLE_TIMEOUT }
}
