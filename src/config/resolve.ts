// One pass over the user's options: reads the environment and the config file, merges them with the options given
// in code, validates everything with one schema, then fills the profile's defaults and chooses discovery.
import { hostname } from 'node:os'
import { STRATEGY_NAMES } from '../discovery/index.ts'
import { DEFAULT_SWITCH_GRACE } from '../overlay/switching/index.ts'
import { DEFAULT_TOPOLOGY_THRESHOLDS } from '../overlay/topology-policy.ts'
import { DEFAULT_COMPRESSION_THRESHOLD } from '../wire/compression/index.ts'
import { resolveChannels } from './channels.ts'
import { DEFAULT_DRAIN_TIMEOUT, DEFAULT_MAX_SPANS, DEFAULT_OVERLAY_IDLE_TIMEOUT, DEFAULT_TOMBSTONE_TTL } from './defaults.ts'
import { DEFAULT_CLUSTER, DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from './defaults.ts'
import { resolveDiscovery } from './discovery.ts'
import { readEnv } from './env.ts'
import { ConfigError, MissingSecretError } from './errors.ts'
import { readConfigFile } from './file.ts'
import { configErrorFrom } from './issues.ts'
import { expandShorthands, isPlainObject, mergeLayers, originOf } from './layers.ts'
import { PROFILES, defaultProfile } from './profiles.ts'
import { hideSecrets } from './redact.ts'
import { initSchema } from './schema.ts'
import type { Env } from './env.ts'
import type { FoundationConfig, FoundationInit } from './index.ts'
import type { Layers } from './layers.ts'
import type { Profile } from './profiles.ts'
import type { ValidatedInit } from './schema.ts'
import type { StrategyName } from '../discovery/index.ts'

/**
 * The configuration a node runs with, resolved as `Foundation.start` does but without starting anything: the
 * profile's defaults, a config file, `init` and FOUNDATION_* variables, checked in one pass. `env` is where
 * FOUNDATION_* variables and the platform's signs are read (default process.env). Throws ConfigError naming the
 * first wrong field, file or variable.
 */
export function resolveConfig (init: FoundationInit = {}, env: Env = process.env): FoundationConfig {
  const layers = readLayers(init, env)
  const merged = mergeLayers(layers)
  const parsed = initSchema.safeParse(merged)
  if (!parsed.success) { throw configErrorFrom(parsed.error, merged, layers) }
  const options = parsed.data

  const profile = PROFILES[options.profile ?? defaultProfile(env)]
  checkRequirements(options, profile, layers)
  const clusterName = options.clusterName ?? DEFAULT_CLUSTER
  const listen = options.listen ?? profile.listen
  const membership = membershipOf(options, profile, layers)

  const discovery = resolveDiscovery({
    cluster: options.cluster == null ? undefined : [options.cluster].flat(),
    settings: options.discovery ?? {},
    named: strategiesTurnedOn(layers),
    profile,
    clusterName,
    listen,
    env,
    origin: path => originOf(layers, path)
  })

  return hideSecrets({
    profile: profile.name,
    clusterName,
    name: options.name ?? `${hostname()}-${process.pid}`,
    roles: options.roles ?? [],
    listen,
    ...(options.secret != null ? { secret: options.secret } : {}),
    discovery,
    security: options.security?.allowPeers != null ? { allowPeers: [...new Set(options.security.allowPeers)] } : {},
    identity: options.identity?.keyFile != null ? { keyFile: options.identity.keyFile } : {},
    http: httpOf(options, profile),
    metrics: metricsOf(options, profile),
    membership,
    ...limitsOf(options, profile),
    channels: resolveChannels(options.messaging, profile.maxQueuedBytes),
    overlay: overlayOf(options, layers),
    distribution: {
      rebalance: options.distribution?.rebalance ?? false,
      drainTimeout: options.distribution?.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT
    },
    tracing: {
      enabled: options.tracing?.enabled ?? profile.tracing.enabled,
      sampleRate: options.tracing?.sampleRate ?? profile.tracing.sampleRate,
      maxSpans: options.tracing?.maxSpans ?? DEFAULT_MAX_SPANS
    }
  })
}

function httpOf (options: ValidatedInit, profile: Profile): FoundationConfig['http'] {
  return {
    enabled: options.http?.enabled ?? profile.httpEnabled,
    host: options.http?.host ?? DEFAULT_HTTP_HOST,
    port: options.http?.port ?? DEFAULT_HTTP_PORT,
    portIsDefault: options.http?.port == null
  }
}

/** Metrics follow the HTTP endpoint that serves them, unless chosen: a library user who serves nothing pays nothing. */
function metricsOf (options: ValidatedInit, profile: Profile): FoundationConfig['metrics'] {
  return {
    enabled: options.metrics?.enabled ?? options.http?.enabled ?? profile.httpEnabled,
    process: options.metrics?.process ?? profile.processMetrics
  }
}

function limitsOf (options: ValidatedInit, profile: Profile): Pick<FoundationConfig, 'maxMessageSize' | 'callTimeout' | 'maxQueuedBytes' | 'compression' | 'lookupTimeout' | 'tombstoneTtl'> {
  return {
    compression: {
      mode: options.messaging?.compression ?? 'auto',
      threshold: options.messaging?.compressionThreshold ?? DEFAULT_COMPRESSION_THRESHOLD
    },
    maxMessageSize: options.messaging?.maxMessageSize ?? profile.maxMessageSize,
    callTimeout: options.messaging?.callTimeout ?? profile.callTimeout,
    maxQueuedBytes: options.messaging?.maxQueuedBytes ?? profile.maxQueuedBytes,
    lookupTimeout: options.registry?.lookupTimeout ?? profile.lookupTimeout,
    tombstoneTtl: options.registry?.tombstoneTtl ?? DEFAULT_TOMBSTONE_TTL
  }
}

/** The environment, the config file it or the code names, and the code's own options. */
function readLayers (init: unknown, env: Env): Layers {
  if (!isPlainObject(init)) { throw new ConfigError('(options)', 'an object', init) }
  const envLayer = readEnv(env)
  const layers: Layers = { code: init, env: envLayer }
  const configFile = envLayer.value.configFile ?? init.configFile
  if (configFile !== undefined) {
    if (typeof configFile !== 'string' || configFile === '') { throw new ConfigError('configFile', 'a file path', configFile) }
    layers.file = readConfigFile(configFile, envLayer.variables.has('configFile') ? 'FOUNDATION_CONFIG' : 'configFile')
  }
  return layers
}

/** What the profile demands before a node may start. */
/** a listen address for pages to dial over WebRTC-Direct */
const WEBRTC_DIRECT = /\/udp\/\d+\/webrtc-direct(\/|$)/

function checkRequirements (options: ValidatedInit, profile: Profile, layers: Layers): void {
  if (options.secret == null && profile.secretRequired) { throw new MissingSecretError(profile.name) }
  if (options.secret != null && !options.secret.startsWith('/key/swarm/psk/') && options.secret.length < profile.minPassphraseLength) {
    const origin = originOf(layers, ['secret'])
    throw new ConfigError(origin.field, `a swarm.key text or a passphrase of at least ${profile.minPassphraseLength} characters in the ${profile.name} profile (make one with Foundation.generateSecret())`, options.secret, { note: origin.note })
  }
  const direct = options.listen?.find(address => WEBRTC_DIRECT.test(address))
  if (options.secret != null && direct != null) {
    // libp2p takes a WebRTC-Direct connection without the connection protector: neither the private network nor an
    // admission ticket would be asked of whoever dials it
    const origin = originOf(layers, ['listen'])
    throw new ConfigError(origin.field, 'no WebRTC-Direct address in a cluster with a secret (it skips the private network and admission tickets: let pages join over /ws or /wss)', direct, { note: origin.note })
  }
  if (options.identity?.keyFile == null && profile.keyFileRequired) {
    throw new ConfigError('identity.keyFile', `a key file, which the ${profile.name} profile requires so this node's peer id is stable (set identity.keyFile or FOUNDATION_KEY_FILE; it is created on first start)`, undefined)
  }
}

function membershipOf (options: ValidatedInit, profile: Profile, layers: Layers): FoundationConfig['membership'] & Profile['membership'] {
  const membership = { ...profile.membership, ...options.membership }
  if (membership.probeTimeout >= membership.probeInterval) {
    // the indirect probes need the rest of the interval to come back
    const origin = originOf(layers, ['membership', options.membership?.probeTimeout != null ? 'probeTimeout' : 'probeInterval'])
    throw new ConfigError(origin.field, `probeTimeout shorter than probeInterval (now ${membership.probeTimeout} ms and ${membership.probeInterval} ms)`, undefined, { note: origin.note })
  }
  return membership
}

function overlayOf (options: ValidatedInit, layers: Layers): FoundationConfig['overlay'] {
  const { topology, idleTimeout, activeViewSize, switchGrace, ...thresholds } = options.overlay ?? {}
  const overlay = {
    topology: topology ?? 'auto',
    partialFrom: thresholds.partialFrom ?? DEFAULT_TOPOLOGY_THRESHOLDS.partialFrom,
    fullMeshAtMost: thresholds.fullMeshAtMost ?? DEFAULT_TOPOLOGY_THRESHOLDS.fullMeshAtMost,
    clientServerFrom: thresholds.clientServerFrom ?? DEFAULT_TOPOLOGY_THRESHOLDS.clientServerFrom,
    partialAtMost: thresholds.partialAtMost ?? DEFAULT_TOPOLOGY_THRESHOLDS.partialAtMost,
    settle: thresholds.settle ?? DEFAULT_TOPOLOGY_THRESHOLDS.settle,
    switchGrace: switchGrace ?? DEFAULT_SWITCH_GRACE,
    idleTimeout: idleTimeout ?? DEFAULT_OVERLAY_IDLE_TIMEOUT,
    ...(activeViewSize != null ? { activeViewSize } : {})
  }
  if (overlay.fullMeshAtMost >= overlay.partialFrom) {
    // between the two, every join and leave would switch the shape back and forth
    const origin = originOf(layers, ['overlay', thresholds.fullMeshAtMost != null ? 'fullMeshAtMost' : 'partialFrom'])
    throw new ConfigError(origin.field, `fullMeshAtMost below partialFrom (now ${overlay.fullMeshAtMost} and ${overlay.partialFrom})`, undefined, { note: origin.note })
  }
  if (overlay.partialAtMost >= overlay.clientServerFrom) {
    const origin = originOf(layers, ['overlay', thresholds.partialAtMost != null ? 'partialAtMost' : 'clientServerFrom'])
    throw new ConfigError(origin.field, `partialAtMost below clientServerFrom (now ${overlay.partialAtMost} and ${overlay.clientServerFrom})`, undefined, { note: origin.note })
  }
  if (overlay.partialFrom > overlay.partialAtMost) {
    // partial views would be called for and left at once
    const origin = originOf(layers, ['overlay', thresholds.partialAtMost != null ? 'partialAtMost' : 'partialFrom'])
    throw new ConfigError(origin.field, `partialFrom at most partialAtMost (now ${overlay.partialFrom} and ${overlay.partialAtMost})`, undefined, { note: origin.note })
  }
  return overlay
}

/**
 * Strategies turned on by the config file or code. Environment variables only tune a strategy and never turn one
 * on by themselves: FOUNDATION_CLUSTER chooses, and auto reads FOUNDATION_PEERS and FOUNDATION_DNS_NAME.
 */
function strategiesTurnedOn (layers: Layers): StrategyName[] {
  const fileAndCode = mergeLayers({ file: layers.file, code: layers.code, env: { value: {}, variables: new Map() } })
  const { discovery } = expandShorthands(fileAndCode) as { discovery?: Record<string, unknown> }
  return Object.entries(discovery ?? {})
    .filter(([name, value]) => value !== undefined && value !== false && (STRATEGY_NAMES as readonly string[]).includes(name))
    .map(([name]) => name as StrategyName)
}
