// Builds the strategies a resolved configuration names. The SDK-backed ones load their SDK only as they start.
import { awsDiscovery } from './aws/index.ts'
import { consulDiscovery } from './consul/index.ts'
import { dnsDiscovery } from './dns/index.ts'
import { UnknownStrategyError } from './errors.ts'
import { etcdDiscovery } from './etcd/index.ts'
import { gcpDiscovery } from './gcp/index.ts'
import { kubernetesDiscovery } from './kubernetes/index.ts'
import { mdnsDiscovery } from './mdns/index.ts'
import { staticDiscovery } from './static/index.ts'
import type { DiscoveryComponents, DiscoveryFactory, DiscoveryStrategy, StrategyName } from './index.ts'
import type { AwsInit, ConsulInit, DnsInit, EtcdInit, GcpInit, KubernetesInit, StaticInit } from './inits.ts'
import type { ClusterMdns } from './mdns/cluster-mdns.ts'

/** One strategy with its options filled in by the configuration. */
export interface StrategyChoice {
  name: StrategyName
  init: unknown
}

export interface StrategyHosts {
  /** the host's mDNS service, which the mdns strategy reads */
  mdns?: ClusterMdns
}

export function createStrategies (choices: StrategyChoice[], components: DiscoveryComponents, hosts: StrategyHosts = {}): DiscoveryStrategy[] {
  return choices.map(choice => factoryOf(choice, hosts)(components))
}

function factoryOf (choice: StrategyChoice, hosts: StrategyHosts): DiscoveryFactory {
  switch (choice.name) {
    case 'mdns':
      if (hosts.mdns == null) { throw new UnknownStrategyError('mdns', 'the host runs no mDNS service') }
      return mdnsDiscovery(hosts.mdns)
    case 'static':
      return staticDiscovery(choice.init as StaticInit)
    case 'dns':
      return dnsDiscovery(choice.init as DnsInit)
    case 'kubernetes':
      return kubernetesDiscovery(choice.init as KubernetesInit)
    case 'consul':
      return consulDiscovery(choice.init as ConsulInit)
    case 'etcd':
      return etcdDiscovery(choice.init as EtcdInit)
    case 'aws':
      return awsDiscovery(choice.init as AwsInit)
    case 'gcp':
      return gcpDiscovery(choice.init as GcpInit)
    default:
      throw new UnknownStrategyError(choice.name, 'not available in this build')
  }
}
