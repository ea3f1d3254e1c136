// Each discovery strategy's settings with every default filled in: ports from this node's own listen port, names
// from the cluster's name, endpoints and credentials from the platform's usual environment variables.
import { isHttpUrl } from './checks.ts'
import { DEFAULT_CONSUL_ADDRESS, DEFAULT_ETCD_ENDPOINT, DEFAULT_ETCD_TTL, DEFAULT_MDNS_INTERVAL } from './defaults.ts'
import { present } from './env.ts'
import { ConfigError } from './errors.ts'
import type { DiscoverySettings } from './discovery-schema.ts'
import type { Env } from './env.ts'
import type { ResolvedStrategy } from './index.ts'
import type { StrategyName } from '../discovery/index.ts'

export interface StrategyContext {
  clusterName: string
  listen: string[]
  env: Env
}

/** Settings of one strategy, as the schema let them through. */
type Settings<Name extends StrategyName> = Exclude<NonNullable<DiscoverySettings[Name]>, false>
type Resolved<Name extends StrategyName> = Extract<ResolvedStrategy, { name: Name }>['init']
type Resolvers = { [Name in StrategyName]: (settings: Settings<Name>, context: StrategyContext) => Resolved<Name> }

const RESOLVERS: Resolvers = {
  mdns: (s) => ({ interval: s.interval ?? DEFAULT_MDNS_INTERVAL }),

  static: ({ peers, ...rest }) => {
    if (peers == null || peers.length === 0) {
      throw new ConfigError('discovery.static.peers', 'the peers to dial: set discovery.static (an array of multiaddrs or host:port) or FOUNDATION_PEERS', peers)
    }
    return { ...rest, peers }
  },

  dns: ({ name, ...rest }, context) => {
    if (name == null) {
      throw new ConfigError('discovery.dns.name', 'the DNS name to look up: set discovery.dns (a name) or FOUNDATION_DNS_NAME', undefined)
    }
    const mode = rest.mode ?? 'a'
    // SRV records carry their own ports, and dnsaddr records whole multiaddrs
    const port = mode === 'a' ? rest.port ?? fixedPort(context, 'dns', 'FOUNDATION_DNS_PORT') : rest.port
    return { ...rest, name, mode, ...(port != null ? { port } : {}) }
  },

  kubernetes: (s, context) => {
    const mode = s.mode ?? 'pods'
    if (mode !== 'pods' && s.service == null) {
      throw new ConfigError('discovery.kubernetes.service', `the Service to read, which mode '${mode}' needs: set discovery.kubernetes.service or FOUNDATION_KUBERNETES_SERVICE`, undefined)
    }
    const apiServer = s.apiServer ?? kubernetesApiServer(context.env)
    return {
      ...s,
      mode,
      selector: s.selector ?? `foundation.cluster=${context.clusterName}`,
      port: s.port ?? fixedPort(context, 'kubernetes', 'FOUNDATION_KUBERNETES_PORT'),
      ...(apiServer != null ? { apiServer } : {})
    }
  },

  consul: (s, { clusterName, env }) => {
    const token = s.token ?? fromEnv(env, 'CONSUL_HTTP_TOKEN')
    // as the Consul CLI reads them: host:port means http, or https when CONSUL_HTTP_SSL is true
    const scheme = /^(1|true)$/i.test(env.CONSUL_HTTP_SSL ?? '') ? 'https' : 'http'
    const given = s.address != null ? { text: s.address, field: 'discovery.consul.address' } : { text: fromEnv(env, 'CONSUL_HTTP_ADDR'), field: 'CONSUL_HTTP_ADDR' }
    const address = given.text != null ? withScheme(given.text, scheme, given.field) : DEFAULT_CONSUL_ADDRESS
    return { ...s, service: s.service ?? clusterName, address, ...(token != null ? { token } : {}) }
  },

  etcd: (s, { clusterName, env }) => {
    const endpoints = s.endpoints ?? (present(env.ETCD_ENDPOINTS)
      ? env.ETCD_ENDPOINTS.split(',').map(e => e.trim()).filter(e => e !== '').map(e => withScheme(e, 'http', 'ETCD_ENDPOINTS'))
      : [DEFAULT_ETCD_ENDPOINT])
    return { ...s, endpoints, prefix: s.prefix ?? `/foundation/${clusterName}/nodes/`, ttl: s.ttl ?? DEFAULT_ETCD_TTL }
  },

  aws: (s, context) => {
    const region = s.region ?? fromEnv(context.env, 'AWS_REGION')
    return {
      ...s,
      tags: s.tags ?? { 'foundation-cluster': context.clusterName },
      port: s.port ?? fixedPort(context, 'aws'),
      addressType: s.addressType ?? 'private',
      ...(region != null ? { region } : {})
    }
  },

  gcp: (s, context) => {
    const project = s.project ?? fromEnv(context.env, 'GOOGLE_CLOUD_PROJECT')
    return {
      ...s,
      // GCP label values are lowercase
      labels: s.labels ?? { 'foundation-cluster': context.clusterName.toLowerCase() },
      port: s.port ?? fixedPort(context, 'gcp'),
      ...(project != null ? { project } : {})
    }
  }
}

/** The strategy with its settings (or none given) and every default filled in. */
export function resolveStrategy (name: StrategyName, settings: DiscoverySettings[StrategyName], context: StrategyContext): ResolvedStrategy {
  const given = settings === false || settings === undefined ? {} : settings
  const resolver = RESOLVERS[name] as (settings: unknown, context: StrategyContext) => ResolvedStrategy['init']
  return { name, init: resolver(given, context) } as ResolvedStrategy
}

/** Address-based strategies dial peers at this node's own port: the first fixed TCP port it listens on. */
function fixedPort (context: StrategyContext, strategy: string, variable?: string): number {
  for (const address of context.listen) {
    const port = Number(/\/tcp\/(\d+)/.exec(address)?.[1] ?? 0)
    if (port !== 0) { return port }
  }
  const set = variable != null ? `discovery.${strategy}.port or ${variable}` : `discovery.${strategy}.port`
  throw new ConfigError(`discovery.${strategy}.port`,
    `the TCP port peers listen on: set ${set}, or listen on a fixed port (listen has none: ${context.listen.join(', ')})`, undefined)
}

/** `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT` inside a pod. */
function kubernetesApiServer (env: Env): string | undefined {
  const host = fromEnv(env, 'KUBERNETES_SERVICE_HOST')
  if (host == null) { return undefined }
  return `https://${host.includes(':') ? `[${host}]` : host}:${fromEnv(env, 'KUBERNETES_SERVICE_PORT') ?? 443}`
}

function fromEnv (env: Env, variable: string): string | undefined {
  const value = env[variable]
  return present(value) ? value.trim() : undefined
}

/** `host:port`, as these tools' own variables allow, made a URL. */
function withScheme (value: string, scheme: string, variable: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${scheme}://${value}`
  if (!isHttpUrl(url)) { throw new ConfigError(variable, 'host:port or an http(s) URL', value) }
  return url
}
