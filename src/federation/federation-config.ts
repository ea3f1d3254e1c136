// The options of several clusters in one process, resolved before any node starts: each entry as `Foundation.start`
// resolves its options, every error naming the entry (`clusters.ai.secret`), and the gateway roles added.
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from '../config/defaults.ts'
import { ENV_VARIABLES } from '../config/env.ts'
import { ConfigError } from '../config/errors.ts'
import { isPlainObject, valueAt } from '../config/layers.ts'
import { hideSecrets } from '../config/redact.ts'
import { resolveConfig } from '../config/resolve.ts'
import { httpSchema } from '../config/schema.ts'
import { gatewayRolesIn } from './gateway-roles.ts'
import type { FederationInit } from './index.ts'
import type { Env } from '../config/env.ts'
import type { FoundationConfig } from '../config/index.ts'

/**
 * Options that make one cluster what it is. A FOUNDATION_* variable overrides every entry alike, so one of these
 * would give every cluster the same secret, name or port: each entry sets them instead.
 */
const PER_CLUSTER_FIELDS = new Set(['clusterName', 'secret', 'identity.keyFile', 'listen', 'http.port', 'discovery.static.peers', 'discovery.dns.name'])

const FEDERATION_KEYS = new Set(['clusters', 'gateway', 'http'])

export interface FederatedConfig {
  name: string
  config: FoundationConfig
}

/** The one endpoint a federation serves every cluster's routes on. */
export interface FederationHttp {
  host: string
  port: number
  /** no port was configured: a taken one falls back to any free port */
  portIsDefault: boolean
}

/** The federation's `http`, checked: undefined when it serves none (each cluster then as its own entry says). */
export function resolveFederationHttp (init: FederationInit): FederationHttp | undefined {
  if (init.http === undefined) { return undefined }
  const parsed = httpSchema.safeParse(init.http)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path
    const received = issue.code === 'unrecognized_keys' ? issue.keys[0] : valueAt(init.http, path as Array<string | number>)
    throw new ConfigError(['http', ...path].join('.'), issue.message, received)
  }
  if (parsed.data.enabled === false) { return undefined }
  return { host: parsed.data.host ?? DEFAULT_HTTP_HOST, port: parsed.data.port ?? DEFAULT_HTTP_PORT, portIsDefault: parsed.data.port == null }
}

/** Each cluster's configuration, in the order given; ConfigError naming the first wrong field of any. */
export function resolveFederation (init: FederationInit, env: Env = process.env): FederatedConfig[] {
  if (!isPlainObject(init)) { throw new ConfigError('(options)', 'an object', init) }
  for (const key of Object.keys(init)) {
    if (!FEDERATION_KEYS.has(key)) { throw new ConfigError(key, 'clusters and gateway only, beside each other (options of a cluster go in its entry of clusters)', key) }
  }
  const { clusters, gateway } = init
  if (!isPlainObject(clusters) || Object.keys(clusters).length === 0) { throw new ConfigError('clusters', 'an object of at least one cluster\'s options, by cluster name', clusters) }
  if (gateway !== undefined && typeof gateway !== 'boolean') { throw new ConfigError('gateway', 'true or false', gateway) }
  checkEnvironment(env)
  const names = Object.keys(clusters)
  const served = resolveFederationHttp(init) != null
  return names.map(name => {
    const entry = clusters[name]
    if (served && isPlainObject(entry) && entry.http !== undefined) {
      throw new ConfigError(`clusters.${name}.http`, 'nothing beside the federation\'s http, which serves every cluster of this process, each under /clusters/<name>', entry.http)
    }
    const config = resolveEntry(name, entry, env)
    if (gateway !== true && !served) { return { name, config } }
    // a copy, whose secrets print hidden again
    const federated = { ...config }
    // roles are signed into membership once: the gateway's are there from the node's first record
    if (gateway === true) { federated.roles = [...config.roles, ...gatewayRolesIn(name, names)] }
    // the federation's endpoint serves the node's routes, metrics included unless the entry turns them off
    if (served) {
      const metrics = isPlainObject(entry) && isPlainObject(entry.metrics) ? entry.metrics.enabled : undefined
      federated.http = { ...config.http, enabled: true, mounted: true }
      federated.metrics = { ...config.metrics, enabled: metrics !== false }
    }
    return { name, config: hideSecrets(federated) }
  })
}

function checkEnvironment (env: Env): void {
  for (const variable of ENV_VARIABLES) {
    const value = env[variable.name]
    if (PER_CLUSTER_FIELDS.has(variable.field) && value != null && value !== '') {
      throw new ConfigError(variable.name, `no ${variable.name} when several clusters start in one process (it would set ${variable.field} of each alike: set it in each entry of clusters)`, value)
    }
  }
}

function resolveEntry (name: string, entry: unknown, env: Env): FoundationConfig {
  const field = `clusters.${name}`
  if (!isPlainObject(entry)) { throw new ConfigError(field, 'an object of options, as Foundation.start takes', entry) }
  let config: FoundationConfig
  try {
    config = resolveConfig({ clusterName: name, ...entry }, env)
  } catch (err) {
    throw err instanceof ConfigError ? scoped(err, field) : err
  }
  if (config.clusterName !== name) {
    throw new ConfigError(`${field}.clusterName`, `"${name}", the entry's key, or nothing`, entry.clusterName)
  }
  return config
}

/** The error of one entry, naming its field within the entry: `clusters.ai.secret`; a variable keeps its name. */
function scoped (err: ConfigError, field: string): ConfigError {
  if (err.field.startsWith('FOUNDATION_')) { return new ConfigError(err.field, err.expected, err.received, { note: `for ${field}`, cause: err }) }
  const inEntry = err.field === '(options)' ? field : `${field}.${err.field}`
  return new ConfigError(inEntry, err.expected, err.received, { cause: err })
}
