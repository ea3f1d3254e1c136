// The three profiles: documented sets of defaults, and what each requires before a node may start.
import { DEFAULT_CALL_TIMEOUT, DEFAULT_LISTEN, DEFAULT_LOOKUP_TIMEOUT, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_PRODUCTION_LISTEN, MIN_PASSPHRASE_LENGTH } from './defaults.ts'
import { KIB, MIB, SECOND } from './units.ts'
import type { ProfileName } from './defaults.ts'

export interface Profile {
  name: ProfileName
  /** what `cluster` is when neither it nor `discovery` is set */
  discovery: 'mdns' | 'auto'
  /** whether auto may fall back to mDNS when it detects no platform */
  autoFallsBackToMdns: boolean
  listen: string[]
  /** a node refuses to start without a secret */
  secretRequired: boolean
  /** shortest passphrase accepted (a swarm.key is always accepted) */
  minPassphraseLength: number
  /** a node refuses to start without identity.keyFile */
  keyFileRequired: boolean
  httpEnabled: boolean
  /** whether metrics include prom-client's process and Node.js metrics (CPU, memory, event loop, GC) */
  processMetrics: boolean
  /** trace context on messages and span records, and the share of untraced messages that start a trace */
  tracing: { enabled: boolean, sampleRate: number }
  membership: { probeInterval: number, probeTimeout: number, suspectTimeout: number, indirectProbes: number }
  maxMessageSize: number
  maxQueuedBytes: number
  callTimeout: number
  lookupTimeout: number
}

/** One machine or a trusted LAN: find each other by mDNS, no secret needed, the dashboard on. */
const development: Profile = {
  name: 'development',
  discovery: 'mdns',
  autoFallsBackToMdns: true,
  listen: DEFAULT_LISTEN,
  secretRequired: false,
  minPassphraseLength: MIN_PASSPHRASE_LENGTH,
  keyFileRequired: false,
  httpEnabled: true,
  // many nodes share one process here (tests, `foundation dev`): each would add its own GC and event-loop observers
  processMetrics: false,
  // traces propagate and are recorded for what the user traces (trace(), their own OpenTelemetry spans, traced
  // messages from elsewhere); a span per message on each side would halve send throughput, so untraced
  // messages stay untraced unless tracing.sampleRate asks otherwise
  tracing: { enabled: true, sampleRate: 0 },
  // LAN timings: a killed process is declared dead about 1.3 s after its connections close; one that only went
  // silent (its connections stay open: a stall, a cut cable) after 4.3 s at the earliest
  membership: { probeInterval: SECOND, probeTimeout: 250, suspectTimeout: SECOND, indirectProbes: 3 },
  maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE,
  maxQueuedBytes: DEFAULT_MAX_QUEUED_BYTES,
  callTimeout: DEFAULT_CALL_TIMEOUT,
  lookupTimeout: DEFAULT_LOOKUP_TIMEOUT
}

/** A real network: detect the platform, a fixed port, a secret required, nothing served unless asked. */
const production: Profile = {
  ...development,
  name: 'production',
  discovery: 'auto',
  listen: DEFAULT_PRODUCTION_LISTEN,
  secretRequired: true,
  httpEnabled: false,
  processMetrics: true,
  // traces cost bytes and time per message: on only when asked for, then started by the user's spans
  tracing: { enabled: false, sampleRate: 0 },
  // across zones, GC pauses and busy hosts: fewer false suspicions, a dead node noticed within about 6 s
  membership: { probeInterval: SECOND, probeTimeout: 500, suspectTimeout: 5 * SECOND, indirectProbes: 3 }
}

/**
 * Production with nothing left to chance: stable peer ids from a key file (so allowPeers lists stay true), a
 * longer passphrase, no mDNS guess when the platform is unknown, smaller messages and queues, and more patience
 * before a member is declared dead during rolling deploys.
 */
const enterprise: Profile = {
  ...production,
  name: 'enterprise',
  autoFallsBackToMdns: false,
  minPassphraseLength: 32,
  keyFileRequired: true,
  membership: { probeInterval: SECOND, probeTimeout: 500, suspectTimeout: 10 * SECOND, indirectProbes: 4 },
  maxMessageSize: 512 * KIB,
  maxQueuedBytes: 32 * MIB
}

export const PROFILES: Readonly<Record<ProfileName, Readonly<Profile>>> = { development, production, enterprise }

/** The profile when none is given: 'production' under NODE_ENV=production, else 'development'. */
export function defaultProfile (env: Record<string, string | undefined>): ProfileName {
  return env.NODE_ENV === 'production' ? 'production' : 'development'
}
