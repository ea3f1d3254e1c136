// One pass over the user's options: fills defaults and rejects any value of the wrong type or range by name.
import { hostname } from 'node:os'
import { multiaddr } from '@multiformats/multiaddr'
import { ConfigError } from './errors.ts'
import { DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_CLUSTER, DEFAULT_LISTEN, DEFAULT_LOOKUP_TIMEOUT, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MDNS_INTERVAL, MIB, MIN_PASSPHRASE_LENGTH } from './index.ts'
import type { FoundationConfig, FoundationInit } from './index.ts'

const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/
const KNOWN_KEYS = ['clusterName', 'name', 'roles', 'listen', 'secret', 'discovery', 'membership', 'messaging', 'registry']

export function resolveConfig (init: FoundationInit = {}): FoundationConfig {
  if (typeof init !== 'object' || init === null || Array.isArray(init)) {
    throw new ConfigError('(options)', 'an object', init)
  }
  for (const key of Object.keys(init)) {
    if (!KNOWN_KEYS.includes(key)) { throw new ConfigError(key, `one of the known options (${KNOWN_KEYS.join(', ')})`, key) }
  }

  const clusterName = optional(init.clusterName, 'clusterName', DEFAULT_CLUSTER, (v, f) => {
    if (typeof v !== 'string' || !CLUSTER_NAME.test(v)) { throw new ConfigError(f, 'a name of 1-63 letters, digits, "-" or "_"', v) }
    return v
  })
  const name = optional(init.name, 'name', `${hostname()}-${process.pid}`, nonEmptyString)
  const roles = optional(init.roles, 'roles', [], (v, f) => stringArray(v, f))
  const listen = optional(init.listen, 'listen', DEFAULT_LISTEN, (v, f) => {
    const list = stringArray(v, f)
    list.forEach((addr, i) => {
      try { multiaddr(addr) } catch { throw new ConfigError(`${f}[${i}]`, 'a multiaddr such as /ip4/0.0.0.0/tcp/0', addr) }
    })
    return list
  })
  const secret = optional<string | undefined>(init.secret, 'secret', undefined, (v, f) => {
    if (typeof v !== 'string' || (v.length < MIN_PASSPHRASE_LENGTH && !v.startsWith('/key/swarm/psk/'))) {
      throw new ConfigError(f, `a swarm.key text or a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters (make one with Foundation.generateSecret())`, '(hidden)')
    }
    return v
  })

  const discovery = section(init.discovery, 'discovery')
  const mdns = discovery.mdns ?? true
  let mdnsConfig: FoundationConfig['mdns']
  if (typeof mdns === 'boolean') {
    mdnsConfig = { enabled: mdns, interval: DEFAULT_MDNS_INTERVAL }
  } else if (typeof mdns === 'object' && mdns !== null) {
    mdnsConfig = { enabled: true, interval: optional(mdns.interval, 'discovery.mdns.interval', DEFAULT_MDNS_INTERVAL, duration) }
  } else {
    throw new ConfigError('discovery.mdns', 'true, false or { interval }', mdns)
  }

  const membershipInit = section(init.membership, 'membership')
  const membership: FoundationConfig['membership'] = {}
  for (const key of ['probeInterval', 'probeTimeout', 'suspectTimeout'] as const) {
    if (membershipInit[key] !== undefined) { membership[key] = duration(membershipInit[key], `membership.${key}`) }
  }
  if (membershipInit.indirectProbes !== undefined) {
    membership.indirectProbes = integer(membershipInit.indirectProbes, 'membership.indirectProbes', 0, 16)
  }

  const messaging = section(init.messaging, 'messaging')
  const registry = section(init.registry, 'registry')

  return {
    clusterName,
    name,
    roles,
    listen,
    secret,
    mdns: mdnsConfig,
    membership,
    maxMessageSize: optional(messaging.maxMessageSize, 'messaging.maxMessageSize', DEFAULT_MAX_MESSAGE_SIZE, (v, f) => integer(v, f, 1024, 64 * MIB)),
    callTimeout: optional(messaging.callTimeout, 'messaging.callTimeout', DEFAULT_CALL_TIMEOUT, duration),
    maxQueuedBytes: optional(messaging.maxQueuedBytes, 'messaging.maxQueuedBytes', DEFAULT_MAX_QUEUED_BYTES, (v, f) => integer(v, f, 64 * 1024, 4096 * MIB)),
    lookupTimeout: optional(registry.lookupTimeout, 'registry.lookupTimeout', DEFAULT_LOOKUP_TIMEOUT, duration)
  }
}

function optional<T> (value: unknown, field: string, fallback: T, check: (value: unknown, field: string) => T): T {
  return value === undefined ? fallback : check(value, field)
}

function section<T extends object> (value: T | undefined, field: string): Partial<T> {
  if (value === undefined) { return {} }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) { throw new ConfigError(field, 'an object', value) }
  return value
}

function nonEmptyString (value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) { throw new ConfigError(field, 'a non-empty string', value) }
  return value
}

function stringArray (value: unknown, field: string): string[] {
  if (!Array.isArray(value)) { throw new ConfigError(field, 'an array of strings', value) }
  value.forEach((item, i) => nonEmptyString(item, `${field}[${i}]`))
  return value
}

function integer (value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `an integer from ${min} to ${max}`, value)
  }
  return value
}

/** Durations are milliseconds, from 1 ms to one hour. */
function duration (value: unknown, field: string): number {
  return integer(value, field, 1, 3_600_000)
}
