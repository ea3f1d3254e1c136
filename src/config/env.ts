// FOUNDATION_* environment variables: one table mapping each to its option and parser. They override every other
// source, and an unknown one is an error, so a typo is never silently ignored.
import { readFileSync } from 'node:fs'
import { ConfigError } from './errors.ts'

/** environment variables by name, as `process.env` holds them */
export type Env = Record<string, string | undefined>

/** how a variable's text becomes a value; 'file' reads the file the variable names */
export type EnvParser = 'text' | 'list' | 'integer' | 'number' | 'boolean' | 'map' | 'port-or-name' | 'file'

export interface EnvVariable {
  name: string
  /** the option it sets, as a dotted path of FoundationInit */
  field: string
  parse: EnvParser
  doc: string
}

export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'FOUNDATION_PROFILE', field: 'profile', parse: 'text', doc: 'development, production or enterprise' },
  { name: 'FOUNDATION_CONFIG', field: 'configFile', parse: 'text', doc: 'a JSON file of options' },
  { name: 'FOUNDATION_CLUSTER', field: 'cluster', parse: 'list', doc: 'strategies, comma-separated, primary first: kubernetes,static' },
  { name: 'FOUNDATION_CLUSTER_NAME', field: 'clusterName', parse: 'text', doc: 'the cluster\'s name' },
  { name: 'FOUNDATION_NODE_NAME', field: 'name', parse: 'text', doc: 'this node\'s name' },
  { name: 'FOUNDATION_ROLES', field: 'roles', parse: 'list', doc: 'roles, comma-separated' },
  { name: 'FOUNDATION_LISTEN', field: 'listen', parse: 'list', doc: 'multiaddrs, comma-separated' },
  { name: 'FOUNDATION_SECRET', field: 'secret', parse: 'text', doc: 'the cluster secret' },
  { name: 'FOUNDATION_SECRET_FILE', field: 'secret', parse: 'file', doc: 'a file holding the cluster secret, such as a swarm.key' },
  { name: 'FOUNDATION_ALLOW_PEERS', field: 'security.allowPeers', parse: 'list', doc: 'peer ids allowed to connect, comma-separated' },
  { name: 'FOUNDATION_KEY_FILE', field: 'identity.keyFile', parse: 'text', doc: 'this node\'s private key file' },
  { name: 'FOUNDATION_PEERS', field: 'discovery.static.peers', parse: 'list', doc: 'static peers, comma-separated; auto picks static when set' },
  { name: 'FOUNDATION_DNS_NAME', field: 'discovery.dns.name', parse: 'text', doc: 'the DNS name to look up; auto picks dns when set' },
  { name: 'FOUNDATION_DNS_MODE', field: 'discovery.dns.mode', parse: 'text', doc: 'a, srv or dnsaddr' },
  { name: 'FOUNDATION_DNS_PORT', field: 'discovery.dns.port', parse: 'integer', doc: 'the peers\' TCP port for mode a' },
  { name: 'FOUNDATION_DNS_SERVERS', field: 'discovery.dns.servers', parse: 'list', doc: 'DNS servers, comma-separated ip or ip:port' },
  { name: 'FOUNDATION_KUBERNETES_MODE', field: 'discovery.kubernetes.mode', parse: 'text', doc: 'pods, endpoints or dns' },
  { name: 'FOUNDATION_KUBERNETES_SELECTOR', field: 'discovery.kubernetes.selector', parse: 'text', doc: 'label selector of the pods' },
  { name: 'FOUNDATION_KUBERNETES_SERVICE', field: 'discovery.kubernetes.service', parse: 'text', doc: 'the Service, modes endpoints and dns' },
  { name: 'FOUNDATION_KUBERNETES_NAMESPACE', field: 'discovery.kubernetes.namespace', parse: 'text', doc: 'namespace' },
  { name: 'FOUNDATION_KUBERNETES_PORT', field: 'discovery.kubernetes.port', parse: 'port-or-name', doc: 'a port number or container port name' },
  { name: 'FOUNDATION_CONSUL_SERVICE', field: 'discovery.consul.service', parse: 'text', doc: 'the Consul service' },
  { name: 'FOUNDATION_ETCD_PREFIX', field: 'discovery.etcd.prefix', parse: 'text', doc: 'the etcd key prefix' },
  { name: 'FOUNDATION_AWS_TAGS', field: 'discovery.aws.tags', parse: 'map', doc: 'EC2 tags, k=v,k=v' },
  { name: 'FOUNDATION_GCP_LABELS', field: 'discovery.gcp.labels', parse: 'map', doc: 'instance labels, k=v,k=v' },
  { name: 'FOUNDATION_HTTP_ENABLED', field: 'http.enabled', parse: 'boolean', doc: 'true or false' },
  { name: 'FOUNDATION_HTTP_HOST', field: 'http.host', parse: 'text', doc: 'address to bind the HTTP endpoint' },
  { name: 'FOUNDATION_HTTP_PORT', field: 'http.port', parse: 'integer', doc: 'port of the HTTP endpoint' },
  { name: 'FOUNDATION_METRICS_ENABLED', field: 'metrics.enabled', parse: 'boolean', doc: 'true or false: Prometheus metrics at /metrics' },
  { name: 'FOUNDATION_METRICS_PROCESS', field: 'metrics.process', parse: 'boolean', doc: 'true or false: include process and Node.js metrics' },
  { name: 'FOUNDATION_PROBE_INTERVAL', field: 'membership.probeInterval', parse: 'integer', doc: 'ms between failure-detector probes' },
  { name: 'FOUNDATION_SUSPECT_TIMEOUT', field: 'membership.suspectTimeout', parse: 'integer', doc: 'ms a suspect has to refute' },
  { name: 'FOUNDATION_TOPOLOGY', field: 'overlay.topology', parse: 'text', doc: 'auto, full-mesh or partial-view' },
  { name: 'FOUNDATION_CALL_TIMEOUT', field: 'messaging.callTimeout', parse: 'integer', doc: 'ms a call waits by default' },
  { name: 'FOUNDATION_MAX_MESSAGE_SIZE', field: 'messaging.maxMessageSize', parse: 'integer', doc: 'largest message in bytes' },
  { name: 'FOUNDATION_TRACING_ENABLED', field: 'tracing.enabled', parse: 'boolean', doc: 'true or false' },
  { name: 'FOUNDATION_TRACING_SAMPLE_RATE', field: 'tracing.sampleRate', parse: 'number', doc: 'share of untraced messages that start a trace, 0 to 1' },
  { name: 'FOUNDATION_TRACING_MAX_SPANS', field: 'tracing.maxSpans', parse: 'integer', doc: 'spans a node keeps for traceRequest' }
]

/** What the environment sets: options as nested objects, and which variable set each dotted path. */
export interface EnvLayer {
  value: Record<string, unknown>
  variables: Map<string, string>
}

export function readEnv (env: Env): EnvLayer {
  const known = new Map(ENV_VARIABLES.map(v => [v.name, v]))
  for (const name of Object.keys(env)) {
    if (name.startsWith('FOUNDATION_') && !known.has(name)) {
      const near = closest(name, [...known.keys()])
      throw new ConfigError(name, near != null ? `a known FOUNDATION_* variable (did you mean ${near}?)` : 'a known FOUNDATION_* variable (see the README\'s table)', name, { note: 'unknown environment variable' })
    }
  }
  if (present(env.FOUNDATION_SECRET) && present(env.FOUNDATION_SECRET_FILE)) {
    throw new ConfigError('FOUNDATION_SECRET_FILE', 'either FOUNDATION_SECRET or FOUNDATION_SECRET_FILE, not both', undefined)
  }

  const layer: EnvLayer = { value: {}, variables: new Map() }
  for (const variable of ENV_VARIABLES) {
    const raw = env[variable.name]
    if (!present(raw)) { continue }
    setPath(layer.value, variable.field, parse(variable, raw))
    layer.variables.set(variable.field, variable.name)
  }
  return layer
}

/** An empty variable counts as unset, as `FOO=` in a compose file usually means. */
export function present (value: string | undefined): value is string {
  return value != null && value.trim() !== ''
}

function parse (variable: EnvVariable, raw: string): unknown {
  const fail = (expected: string): never => { throw new ConfigError(variable.name, expected, raw) }
  if (variable.parse === 'file') { return readSecretFile(variable.name, raw) }
  switch (variable.parse) {
    case 'list': return items(raw)
    case 'integer': return /^\s*\d+\s*$/.test(raw) ? Number(raw) : fail('a whole number')
    case 'number': return /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(raw) ? Number(raw) : fail('a number such as 0.25')
    case 'boolean': {
      const word = raw.trim().toLowerCase()
      if (['true', '1', 'yes', 'on'].includes(word)) { return true }
      if (['false', '0', 'no', 'off'].includes(word)) { return false }
      return fail('true or false')
    }
    case 'map': {
      const map: Record<string, string> = {}
      for (const item of items(raw)) {
        const at = item.indexOf('=')
        if (at < 1) { fail('key=value pairs, comma-separated, such as team=shop,env=prod') }
        map[item.slice(0, at).trim()] = item.slice(at + 1).trim()
      }
      return map
    }
    case 'port-or-name': return /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw.trim()
    default: return raw
  }
}

function readSecretFile (name: string, path: string): string {
  try {
    // editors and `echo >` end files with a newline that is not part of the secret
    return readFileSync(path, 'utf8').trimEnd()
  } catch (err: any) {
    throw new ConfigError(name, 'a readable file', path, { note: `cannot read ${path}: ${String(err.code ?? err.message)}`, cause: err })
  }
}

function items (raw: string): string[] {
  return raw.split(',').map(s => s.trim()).filter(s => s !== '')
}

export function setPath (target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) {
    const next = node[key]
    node = (next != null && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>
  }
  node[keys[keys.length - 1]] = value
}

/** The known name a typo most likely meant, if one is close. */
function closest (name: string, names: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 4
  for (const candidate of names) {
    const d = distance(name, candidate)
    if (d < bestDistance) { best = candidate; bestDistance = d }
  }
  return best
}

function distance (a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]
}
