// The kubernetes strategy: peers are the ready pods matching a label selector, or the ready endpoints of a Service
// (EndpointSlices), asked of the API server with the pod's own service account; or the A records of a headless
// Service, which needs no API access at all.
import { DiscoveryError } from '../errors.ts'
import { PollingDiscovery } from '../polling-discovery.ts'
import { ENDPOINT_SLICES, KubernetesApi, PODS } from './api.ts'
import { sliceCandidates } from './endpoint-slices.ts'
import { KubernetesConfigError } from './errors.ts'
import { podCandidates } from './pods.ts'
import { DEFAULT_SERVICE_ACCOUNT_PATH } from './service-account.ts'
import type { Candidate, DiscoveryComponents, DiscoveryFactory } from '../index.ts'
import type { KubernetesInit } from '../inits.ts'
import type { EndpointSlice, Pod } from './types.ts'

export { KubernetesConfigError, ContinueExpiredError } from './errors.ts'
export { DEFAULT_SERVICE_ACCOUNT_PATH } from './service-account.ts'
export { RBAC_EXAMPLE } from './api-errors.ts'
export { PAGE_SIZE } from './api.ts'

export const DEFAULT_NAMESPACE = 'default'
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local'
const MODES = ['pods', 'endpoints', 'dns'] as const

/** The environment variables read, so tests can pass their own. */
export type KubernetesEnv = Record<string, string | undefined>

/** `apiServer`, else the in-cluster address every pod gets in its environment. */
export function apiServerUrl (init: KubernetesInit, env: KubernetesEnv): URL {
  let text = init.apiServer
  if (text == null) {
    const host = env.KUBERNETES_SERVICE_HOST
    const port = env.KUBERNETES_SERVICE_PORT ?? '443'
    if (host == null || host === '') {
      throw new KubernetesConfigError('apiServer', 'apiServer: not set, and KUBERNETES_SERVICE_HOST is not in the environment (not running in a pod?)')
    }
    text = `https://${host.includes(':') ? `[${host}]` : host}:${port}`
  }
  try {
    const url = new URL(text)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') { throw new Error(`protocol ${url.protocol}`) }
    return url
  } catch (err: any) {
    throw new KubernetesConfigError('apiServer', `apiServer: "${text}" is not an http(s) URL (${err.message})`)
  }
}

/** Peers listen where this node does when no port is configured. */
function ownTcpPort (addresses: string[]): number | undefined {
  for (const address of addresses) {
    const port = Number(/\/tcp\/(\d+)/.exec(address)?.[1])
    if (port > 0) { return port }
  }
  return undefined
}

export class KubernetesDiscovery extends PollingDiscovery {
  readonly name = 'kubernetes'
  private readonly mode: 'pods' | 'endpoints'
  private readonly selector: string
  private readonly namespace?: string
  private readonly port?: number | string
  private readonly api: KubernetesApi

  /** `env` is read here, once: pass one in tests rather than changing process.env. */
  constructor (components: DiscoveryComponents, init: KubernetesInit, env: KubernetesEnv = process.env) {
    super(components, init, 'kubernetes')
    const mode = init.mode ?? 'pods'
    if (mode === 'dns') {
      throw new KubernetesConfigError('mode', 'mode: \'dns\' is run by kubernetesDiscovery() as a DNS lookup; this class asks the API')
    }
    if (!MODES.includes(mode)) {
      throw new KubernetesConfigError('mode', `mode: "${String(mode)}" is not one of ${MODES.join(', ')}`)
    }
    this.mode = mode
    if (mode === 'pods') {
      if (init.selector == null || init.selector.trim() === '') {
        throw new KubernetesConfigError('selector', 'selector: mode \'pods\' needs a label selector, such as foundation.cluster=shop')
      }
      this.selector = init.selector.trim()
    } else {
      this.selector = `kubernetes.io/service-name=${requireService(init)}`
    }
    checkPort(init.port)
    this.namespace = init.namespace
    this.port = init.port
    this.api = new KubernetesApi({
      server: apiServerUrl(init, env),
      serviceAccountPath: init.serviceAccountPath ?? DEFAULT_SERVICE_ACCOUNT_PATH,
      log: this.log
    })
  }

  protected async poll (signal: AbortSignal): Promise<Candidate[]> {
    const port = this.port ?? ownTcpPort(this.components.self.addresses())
    if (port == null) {
      throw new DiscoveryError('kubernetes', 'port: not set, and this node listens on no fixed TCP port that peers would share')
    }
    const namespace = this.namespace ?? await this.api.ownNamespace() ?? DEFAULT_NAMESPACE
    const candidates = this.mode === 'pods'
      ? podCandidates(await this.api.list<Pod>(PODS, namespace, this.selector, signal), port, this.log)
      : sliceCandidates(await this.api.list<EndpointSlice>(ENDPOINT_SLICES, namespace, this.selector, signal), port, this.log)
    if (candidates.length === 0) {
      this.log('no ready %s match %s in namespace "%s"', this.mode === 'pods' ? 'pods' : 'endpoints', this.selector, namespace)
    }
    return candidates
  }
}

function requireService (init: KubernetesInit): string {
  if (init.service == null || init.service.trim() === '') {
    throw new KubernetesConfigError('service', `service: mode '${init.mode ?? 'pods'}' needs the name of the Service`)
  }
  return init.service.trim()
}

function checkPort (port: number | string | undefined): void {
  if (port == null) { return }
  if (typeof port === 'number' ? !(Number.isInteger(port) && port > 0 && port < 65536) : port.trim() === '') {
    throw new KubernetesConfigError('port', `port: ${JSON.stringify(port)} is neither a TCP port number nor a port name`)
  }
}

export function kubernetesDiscovery (init: KubernetesInit): DiscoveryFactory {
  return (components) => new KubernetesDiscovery(components, init)
}
