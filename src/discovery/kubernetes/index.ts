// The kubernetes strategy: peers are the ready pods matching a label selector, or the ready endpoints of a Service
// (EndpointSlices), asked of the API server with the pod's own service account; or (mode 'dns', in dns.ts) the
// records of a headless Service, which needs no API access at all.
import { DiscoveryError } from '../errors.ts'
import { PollingDiscovery } from '../polling-discovery.ts'
import { ENDPOINT_SLICES, KubernetesApi, PODS } from './api.ts'
import { kubernetesDnsDiscovery } from './dns.ts'
import { sliceCandidates } from './endpoint-slices.ts'
import { KubernetesConfigError } from './errors.ts'
import { apiServerUrl, checkMode, checkPort, DEFAULT_NAMESPACE, ownTcpPort, requireService } from './options.ts'
import { podCandidates } from './pods.ts'
import { DEFAULT_SERVICE_ACCOUNT_PATH } from './service-account.ts'
import type { Candidate, DiscoveryComponents, DiscoveryFactory, DiscoveryStrategy } from '../index.ts'
import type { KubernetesInit } from '../inits.ts'
import type { KubernetesEnv } from './options.ts'
import type { EndpointSlice, Pod } from './types.ts'

export { KubernetesConfigError, ContinueExpiredError } from './errors.ts'
export { DEFAULT_SERVICE_ACCOUNT_PATH } from './service-account.ts'
export { RBAC_EXAMPLE } from './api-errors.ts'
export { PAGE_SIZE } from './api.ts'
export { DEFAULT_CLUSTER_DOMAIN, DEFAULT_NAMESPACE } from './options.ts'
export type { KubernetesEnv } from './options.ts'
export { kubernetesDnsDiscovery } from './dns.ts'
export type { KubernetesDnsOptions } from './dns.ts'

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
    const mode = checkMode(init.mode ?? 'pods')
    if (mode === 'dns') {
      throw new KubernetesConfigError('mode', 'mode: \'dns\' asks DNS, not the API: make it with kubernetesDiscovery() or kubernetesDnsDiscovery()')
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

/** Mode 'dns' runs the dns strategy under the kubernetes name; the other modes ask the API. */
export function createKubernetesDiscovery (components: DiscoveryComponents, init: KubernetesInit, env: KubernetesEnv = process.env): DiscoveryStrategy {
  return checkMode(init.mode ?? 'pods') === 'dns'
    ? kubernetesDnsDiscovery(components, init)
    : new KubernetesDiscovery(components, init, env)
}

export function kubernetesDiscovery (init: KubernetesInit): DiscoveryFactory {
  return (components) => createKubernetesDiscovery(components, init)
}
