// The schema of FoundationInit: one zod pass over the merged options, each failure naming what is allowed.
import { isIP } from 'node:net'
import { peerIdFromString } from '@libp2p/peer-id'
import { z } from 'zod'
import { isReservedRole } from '../membership/reserved-roles.ts'
import { COMPRESSION_MODES } from '../wire/compression/index.ts'
import { channelsSchema } from './channels.ts'
import { boolean, duration, integer, isHostname, isMultiaddrText, list, oneOf, strict, text, textWhere } from './checks.ts'
import { CLUSTER_CHOICES, CLUSTER_NAME, MIN_PASSPHRASE_LENGTH, PROFILE_NAMES, TOPOLOGY_CHOICES } from './defaults.ts'
import { discoverySchema } from './discovery-schema.ts'
import { MIB } from './units.ts'

const SWARM_KEY = /^\/key\/swarm\/psk\/1\.0\.0\/\r?\n\/base16\/\r?\n[0-9a-f]{64}\s*$/

/** A libp2p swarm.key text, or a passphrase long enough to derive a key from. */
export function isSecret (value: string): boolean {
  return value.startsWith('/key/swarm/psk/') ? SWARM_KEY.test(value) : value.length >= MIN_PASSPHRASE_LENGTH
}

function isPeerId (value: string): boolean {
  try {
    return peerIdFromString(value).type !== 'url'
  } catch {
    return false
  }
}

const clusterChoice = oneOf(CLUSTER_CHOICES)

/** `http`: a node's endpoint, or the one a federation serves every cluster of its process on */
export const httpSchema = strict({
  enabled: boolean().optional(),
  host: textWhere(v => isIP(v) !== 0 || isHostname(v), 'an IP address or host name to bind').optional(),
  port: integer(0, 65535, 'a TCP port from 0 (any free port) to 65535').optional()
}, '{ enabled, host, port }')

export const initSchema = strict({
  profile: oneOf(PROFILE_NAMES).optional(),
  configFile: text('a file path').optional(),
  clusterName: textWhere(v => CLUSTER_NAME.test(v), 'a name of 1-63 letters, digits, "-" or "_"').optional(),
  cluster: z.union([clusterChoice, list(clusterChoice, 'a strategy name or an array of them').min(1, { error: 'at least one strategy' })], {
    error: `a strategy name or an array of them (${CLUSTER_CHOICES.join(', ')})`
  }).optional(),
  name: text().optional(),
  roles: list(text().refine(role => !isReservedRole(role), { error: 'a role name not beginning with "$" (Foundation\'s own roles do)' }), 'an array of strings').optional(),
  listen: list(textWhere(isMultiaddrText, 'a multiaddr such as /ip4/0.0.0.0/tcp/0'), 'an array of multiaddrs').optional(),
  secret: textWhere(isSecret, `a swarm.key text (/key/swarm/psk/1.0.0/, /base16/, 64 lowercase hex digits) or a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters (make one with Foundation.generateSecret())`).optional(),
  discovery: discoverySchema.optional(),
  security: strict({
    allowPeers: list(textWhere(isPeerId, 'a peer id such as 12D3KooW…'), 'an array of peer ids').optional()
  }, '{ allowPeers }').optional(),
  identity: strict({ keyFile: text('a file path').optional() }, '{ keyFile }').optional(),
  http: httpSchema.optional(),
  metrics: strict({
    enabled: boolean().optional(),
    process: boolean().optional()
  }, '{ enabled, process }').optional(),
  membership: strict({
    probeInterval: duration.optional(),
    probeTimeout: duration.optional(),
    suspectTimeout: duration.optional(),
    indirectProbes: integer(0, 16).optional(),
    tombstoneTimeout: duration.optional(),
    browserLease: duration.optional()
  }, '{ probeInterval, probeTimeout, suspectTimeout, indirectProbes, tombstoneTimeout, browserLease }').optional(),
  messaging: strict({
    maxMessageSize: integer(1024, 64 * MIB).optional(),
    callTimeout: duration.optional(),
    maxQueuedBytes: integer(64 * 1024, 4096 * MIB).optional(),
    compression: oneOf(COMPRESSION_MODES).optional(),
    compressionThreshold: integer(64, 64 * MIB).optional(),
    channels: channelsSchema.optional()
  }, '{ maxMessageSize, callTimeout, maxQueuedBytes, compression, compressionThreshold, channels }').optional(),
  registry: strict({
    lookupTimeout: duration.optional(),
    tombstoneTtl: integer(60_000, 7 * 24 * 3_600_000, 'a duration in ms from 60000 (1 min) to 604800000 (7 days)').optional()
  }, '{ lookupTimeout, tombstoneTtl }').optional(),
  overlay: strict({
    topology: oneOf(TOPOLOGY_CHOICES).optional(),
    partialFrom: integer(2, 1_000_000).optional(),
    fullMeshAtMost: integer(1, 1_000_000).optional(),
    clientServerFrom: integer(2, 1_000_000).optional(),
    partialAtMost: integer(1, 1_000_000).optional(),
    settle: integer(0, 3_600_000, 'a duration in ms from 0 to 3600000').optional(),
    switchGrace: integer(0, 3_600_000, 'a duration in ms from 0 to 3600000').optional(),
    activeViewSize: integer(1, 32).optional(),
    idleTimeout: duration.optional()
  }, '{ topology, partialFrom, fullMeshAtMost, clientServerFrom, partialAtMost, settle, switchGrace, activeViewSize, idleTimeout }').optional(),
  distribution: strict({
    rebalance: boolean().optional(),
    drainTimeout: duration.optional()
  }, '{ rebalance, drainTimeout }').optional(),
  tracing: strict({
    enabled: boolean().optional(),
    sampleRate: z.number({ error: 'a number from 0 to 1' }).min(0, { error: 'a number from 0 to 1' }).max(1, { error: 'a number from 0 to 1' }).optional(),
    maxSpans: integer(1, 1_000_000).optional()
  }, '{ enabled, sampleRate, maxSpans }').optional()
}, 'an object of options')

export type ValidatedInit = z.infer<typeof initSchema>
