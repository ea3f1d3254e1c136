// Mode 'dns': the A/AAAA records of a headless Service, or for a named port its SRV records, looked up by the dns
// strategy under the kubernetes name. Needs no API access, only the cluster's DNS.
import { readFileSync } from 'node:fs'
import { DnsDiscovery } from '../dns/index.ts'
import { KubernetesConfigError } from './errors.ts'
import { checkPort, DEFAULT_CLUSTER_DOMAIN, DEFAULT_NAMESPACE, requireService } from './options.ts'
import { DEFAULT_SERVICE_ACCOUNT_PATH, serviceAccountFiles } from './service-account.ts'
import type { DiscoveryComponents } from '../index.ts'
import type { KubernetesInit } from '../inits.ts'

export interface KubernetesDnsOptions {
  /** DNS servers to ask instead of the pod's own (/etc/resolv.conf), for tests */
  servers?: string[]
}

/** The pod's namespace from its service account, read once as the strategy is made. */
function ownNamespace (serviceAccountPath: string): string | undefined {
  const file = serviceAccountFiles(serviceAccountPath).namespace
  try {
    const text = readFileSync(file, 'utf8').trim()
    return text === '' ? undefined : text
  } catch (err: any) {
    if (err.code === 'ENOENT') { return undefined }
    throw new KubernetesConfigError('namespace', `namespace: not set, and ${file} cannot be read (${err.code ?? err.message})`)
  }
}

/**
 * `<service>.<namespace>.svc.<clusterDomain>`, whose A/AAAA records are the ready pods of a headless Service; a
 * port given by name is looked up as the SRV records `_<port>._tcp.<that name>`, which carry each pod's port.
 */
export function kubernetesDnsDiscovery (components: DiscoveryComponents, init: KubernetesInit, options: KubernetesDnsOptions = {}): DnsDiscovery {
  const service = requireService(init)
  checkPort(init.port)
  const namespace = init.namespace ?? ownNamespace(init.serviceAccountPath ?? DEFAULT_SERVICE_ACCOUNT_PATH) ?? DEFAULT_NAMESPACE
  const host = `${service}.${namespace}.svc.${init.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN}`
  const polling = { interval: init.interval, timeout: init.timeout, minBackoff: init.minBackoff, maxBackoff: init.maxBackoff, servers: options.servers }
  if (typeof init.port === 'string') {
    return new DnsDiscovery(components, { ...polling, name: `_${init.port.trim()}._tcp.${host}`, mode: 'srv' }, 'kubernetes')
  }
  return new DnsDiscovery(components, { ...polling, name: host, mode: 'a', port: init.port }, 'kubernetes')
}
