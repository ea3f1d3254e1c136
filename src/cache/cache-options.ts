// A cache's options checked and completed once, when it opens: a bad one is a CacheOptionError naming it.
import { CacheOptionError } from './errors.ts'
import type { CacheMode, CacheOptions } from './index.ts'

const SECOND = 1000
/** room left in a message for the key, the version and the envelope around a value */
const ENVELOPE_ROOM = 4 * 1024
const MAX_REPLICAS = 6
const DEFAULT_MAX_ENTRIES = 100_000
const DEFAULT_LOAD_TIMEOUT = 30 * SECOND
/** a cache name travels in every message and names metrics: short, printable */
const NAME = /^[\w.:-]{1,64}$/
const MODES: readonly CacheMode[] = ['local', 'replicated', 'partitioned']

export interface ResolvedCacheOptions {
  mode: CacheMode
  replicas: number
  readFromBackups: boolean
  ttl: number | undefined
  maxEntries: number
  maxBytes: number | undefined
  maxEntrySize: number
  roles: string[]
  loadTimeout: number
  timeout: number
}

/** What the node's configuration sets for every cache. */
export interface CacheLimits {
  maxMessageSize: number
  callTimeout: number
}

export function resolveCacheOptions (name: string, options: CacheOptions, limits: CacheLimits): ResolvedCacheOptions {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new CacheOptionError(String(name), 'name', 'must be 1 to 64 letters, digits, or . : _ -')
  }
  if (options == null || typeof options !== 'object') { throw new CacheOptionError(name, 'options', 'must be an object') }
  const fail = (option: string, message: string): never => { throw new CacheOptionError(name, option, message) }
  const mode = options.mode ?? 'partitioned'
  if (!MODES.includes(mode)) { fail('mode', `must be one of ${MODES.join(', ')}, not ${String(mode)}`) }
  const largest = limits.maxMessageSize - ENVELOPE_ROOM
  const resolved: ResolvedCacheOptions = {
    mode,
    replicas: integer(options.replicas, 1, 0, MAX_REPLICAS, 'replicas', fail),
    readFromBackups: options.readFromBackups ?? false,
    ttl: options.ttl === undefined ? undefined : integer(options.ttl, 0, 1, Number.MAX_SAFE_INTEGER, 'ttl', fail),
    maxEntries: integer(options.maxEntries, DEFAULT_MAX_ENTRIES, 1, Number.MAX_SAFE_INTEGER, 'maxEntries', fail),
    maxBytes: options.maxBytes === undefined ? undefined : integer(options.maxBytes, 0, 1, Number.MAX_SAFE_INTEGER, 'maxBytes', fail),
    maxEntrySize: integer(options.maxEntrySize, largest, 1, largest, 'maxEntrySize', fail),
    roles: options.roles ?? [],
    loadTimeout: integer(options.loadTimeout, DEFAULT_LOAD_TIMEOUT, 1, Number.MAX_SAFE_INTEGER, 'loadTimeout', fail),
    timeout: integer(options.timeout, limits.callTimeout, 1, Number.MAX_SAFE_INTEGER, 'timeout', fail)
  }
  if (typeof resolved.readFromBackups !== 'boolean') { fail('readFromBackups', 'must be true or false') }
  if (!Array.isArray(resolved.roles) || !resolved.roles.every(role => typeof role === 'string' && role !== '')) {
    fail('roles', 'must be a list of role names')
  }
  if (mode !== 'partitioned' && options.replicas !== undefined) { fail('replicas', `applies to the partitioned mode only, not ${mode}`) }
  return resolved
}

function integer (value: unknown, fallback: number, min: number, max: number, option: string, fail: (option: string, message: string) => never): number {
  if (value === undefined) { return fallback }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(option, `must be an integer from ${min} to ${max}, not ${String(value)}`)
  }
  return value as number
}
