// Membership defaults, and the one place options are filled in and checked.
import { MIB, MINUTE, SECOND } from '../config/units.ts'
import { InvalidMembershipConfigError } from './errors.ts'
import type { MembershipInit } from './index.ts'
import type { SwimConfig } from './swim/swim-config.ts'

export const DEFAULT_PROBE_INTERVAL = 1000
export const DEFAULT_PROBE_TIMEOUT = 250
export const DEFAULT_SUSPECT_TIMEOUT = SECOND
export const DEFAULT_INDIRECT_PROBES = 3
export const DEFAULT_MAX_FRAME_SIZE = MIB
/** long enough that gossip about a dead member has died out many times over */
export const DEFAULT_TOMBSTONE_TIMEOUT = MINUTE
/** anti-entropy: heals views that gossip alone left apart, e.g. after a partition */
export const DEFAULT_SYNC_INTERVAL = 30 * SECOND
/**
 * Lifeguard's dynamic suspicion, as memberlist sets it: a suspicion only one member holds lasts 6 times the
 * shortest, so a member that is itself slow cannot get a healthy one declared dead before it had ample time to refute
 */
export const DEFAULT_SUSPICION_MAX_MULT = 6
/** Lifeguard's local health: a node in doubt about itself stretches its probe timing up to 8 times (memberlist) */
export const DEFAULT_LOCAL_HEALTH_MAX = 8
/** memberlist's LAN gossip: waiting news goes to 3 random members every 200 ms */
export const DEFAULT_GOSSIP_INTERVAL = 200
export const DEFAULT_GOSSIP_FANOUT = 3
export const DEFAULT_RETRANSMIT_MULT = 3
export const DEFAULT_MAX_PIGGYBACK = 20
/**
 * In partial views, one probe in this many goes to a member outside the neighbours: nobody's neighbour watches a
 * member whose own neighbours all left or crashed at once. With the default 1 s interval each node probes a stranger
 * every 30 s, so each member is probed by one about as often, whatever the cluster's size; each such probe is a
 * connection dialled on demand and closed a few seconds later.
 */
const DEFAULT_STRANGER_PROBE_EVERY = 30
/** a new member is not probed by this node before a connection to it opens, for at most this long: see SwimConfig.joinGrace */
export const DEFAULT_JOIN_GRACE = 30 * SECOND
/**
 * see SwimConfig.browserLease: a frozen background tab, or a laptop's network changing, is commonly back within
 * seconds; half a minute still declares a tab closed without a word dead well before a user would miss it
 */
export const DEFAULT_BROWSER_LEASE = 30 * SECOND
/** see SwimConfig.linkSettle */
export const DEFAULT_LINK_SETTLE = 5 * SECOND
/** how long stop() waits for the leave announcement to be delivered */
export const DEFAULT_LEAVE_TIMEOUT = 300
/** bound on one membership stream, dial included */
export const DEFAULT_STREAM_TIMEOUT = 2 * SECOND

export interface ResolvedMembershipConfig {
  cluster: string
  name: string
  roles: string[]
  swim: SwimConfig
  maxFrameSize: number
  leaveTimeout: number
  streamTimeout: number
  /** how often the timers of the core are driven */
  tickInterval: number
}

function positive (value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new InvalidMembershipConfigError([field], `must be a positive number of milliseconds, got ${String(v)}`)
  }
  return v
}

export function resolveConfig (init: MembershipInit): ResolvedMembershipConfig {
  if (typeof init.cluster !== 'string' || init.cluster.length === 0) {
    throw new InvalidMembershipConfigError(['cluster'], 'must be a non-empty string')
  }
  if (typeof init.name !== 'string') {
    throw new InvalidMembershipConfigError(['name'], 'must be a string')
  }
  if (!Array.isArray(init.roles) || init.roles.some(r => typeof r !== 'string')) {
    throw new InvalidMembershipConfigError(['roles'], 'must be a list of strings')
  }
  const probeInterval = positive(init.probeInterval, DEFAULT_PROBE_INTERVAL, 'probeInterval')
  const probeTimeout = positive(init.probeTimeout, DEFAULT_PROBE_TIMEOUT, 'probeTimeout')
  const suspectTimeout = positive(init.suspectTimeout, DEFAULT_SUSPECT_TIMEOUT, 'suspectTimeout')
  const maxFrameSize = positive(init.maxFrameSize, DEFAULT_MAX_FRAME_SIZE, 'maxFrameSize')
  const indirectProbes = init.indirectProbes ?? DEFAULT_INDIRECT_PROBES
  if (!Number.isInteger(indirectProbes) || indirectProbes < 0) {
    throw new InvalidMembershipConfigError(['indirectProbes'], `must be a non-negative integer, got ${String(indirectProbes)}`)
  }
  if (probeTimeout >= probeInterval) {
    // the indirect probes need the rest of the interval to come back
    throw new InvalidMembershipConfigError(['probeTimeout', 'probeInterval'],
      `probeTimeout (${probeTimeout} ms) must be shorter than probeInterval (${probeInterval} ms)`)
  }
  // the core takes a tick much later than this as a sign that this node itself was stalled
  const tickInterval = Math.max(10, Math.min(probeTimeout, probeInterval) / 5)
  return {
    cluster: init.cluster,
    name: init.name,
    roles: [...init.roles],
    swim: {
      probeInterval,
      probeTimeout,
      suspectTimeout,
      browserLease: positive(init.browserLease, DEFAULT_BROWSER_LEASE, 'browserLease'),
      suspicionMaxMult: DEFAULT_SUSPICION_MAX_MULT,
      indirectProbes,
      localHealthMax: DEFAULT_LOCAL_HEALTH_MAX,
      joinGrace: DEFAULT_JOIN_GRACE,
      linkSettle: DEFAULT_LINK_SETTLE,
      tickInterval,
      tombstoneTimeout: positive(init.tombstoneTimeout, DEFAULT_TOMBSTONE_TIMEOUT, 'tombstoneTimeout'),
      syncInterval: DEFAULT_SYNC_INTERVAL,
      gossipInterval: DEFAULT_GOSSIP_INTERVAL,
      gossipFanout: DEFAULT_GOSSIP_FANOUT,
      retransmitMult: DEFAULT_RETRANSMIT_MULT,
      maxPiggyback: DEFAULT_MAX_PIGGYBACK,
      strangerProbeEvery: DEFAULT_STRANGER_PROBE_EVERY
    },
    maxFrameSize,
    leaveTimeout: DEFAULT_LEAVE_TIMEOUT,
    streamTimeout: Math.max(DEFAULT_STREAM_TIMEOUT, probeInterval),
    tickInterval
  }
}
