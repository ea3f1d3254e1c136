// The options of every discovery strategy, with their defaults. Durations are milliseconds.
import type { PollingInit } from './polling-discovery.ts'

export interface MdnsInit {
  /** ms between queries on the local network (default 1 s) */
  interval?: number
}

export interface StaticInit extends PollingInit {
  /** the peers to dial: multiaddrs (`/ip4/10.0.0.7/tcp/4001`, optionally ending in `/p2p/<id>`) or `host:port` */
  peers: string[]
}

export interface DnsInit extends PollingInit {
  /** the DNS name to look up, such as `app.internal` or `_foundation._tcp.app.internal` */
  name: string
  /**
   * 'a': A and AAAA records of `name`, each dialled at `port`;
   * 'srv': SRV records of `name`, each target's A/AAAA records dialled at the record's port;
   * 'dnsaddr': `dnsaddr=<multiaddr>` TXT records of `_dnsaddr.<name>`, followed through nested /dnsaddr entries
   * (default 'a')
   */
  mode?: 'a' | 'srv' | 'dnsaddr'
  /** the TCP port peers listen on, for mode 'a' (default: this node's own fixed listen port) */
  port?: number
  /** DNS servers as `ip` or `ip:port` (default: the system's) */
  servers?: string[]
}

export interface KubernetesInit extends PollingInit {
  /**
   * 'pods': pods matching `selector` from the API; 'endpoints': the ready endpoints of `service` from the
   * EndpointSlice API; 'dns': A records of the headless `service` (no API access needed) (default 'pods')
   */
  mode?: 'pods' | 'endpoints' | 'dns'
  /** label selector of the pods, mode 'pods' (default `foundation.cluster=<clusterName>`) */
  selector?: string
  /** the Service, modes 'endpoints' and 'dns' (required there) */
  service?: string
  /** namespace (default: the pod's own, read from the service account, else 'default') */
  namespace?: string
  /** the TCP port peers listen on: a number, or the name of a container port (default: this node's fixed listen port) */
  port?: number | string
  /** API server URL (default `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`) */
  apiServer?: string
  /** folder with the service account's `token`, `ca.crt` and `namespace` (default /var/run/secrets/kubernetes.io/serviceaccount) */
  serviceAccountPath?: string
  /** DNS suffix for mode 'dns' (default 'cluster.local') */
  clusterDomain?: string
}

export interface ConsulInit extends PollingInit {
  /** the Consul service whose passing instances are peers (default: the cluster name) */
  service?: string
  /** agent or server URL (default $CONSUL_HTTP_ADDR, else http://127.0.0.1:8500) */
  address?: string
  /** ACL token (default $CONSUL_HTTP_TOKEN); never logged */
  token?: string
  datacenter?: string
  /** only instances with this tag */
  tag?: string
}

export interface EtcdInit {
  /** etcd URLs (default $ETCD_ENDPOINTS split on commas, else http://127.0.0.1:2379) */
  endpoints?: string[]
  /** key prefix under which each node registers (default `/foundation/<clusterName>/nodes/`) */
  prefix?: string
  /** ms the registration lease lives without a keep-alive (default 10 s) */
  ttl?: number
  /** credentials, when etcd has auth on; never logged */
  auth?: { username: string, password: string }
  /** ms before a failed connection or watch is retried, doubled each time (default 1 s) */
  minBackoff?: number
  /** longest ms between retries (default 30 s) */
  maxBackoff?: number
}

export interface AwsInit extends PollingInit {
  /** EC2 tags every peer instance carries (default `{ 'foundation-cluster': <clusterName> }`) */
  tags?: Record<string, string>
  /** region (default $AWS_REGION, then the SDK's own resolution) */
  region?: string
  /** the TCP port peers listen on (default: this node's fixed listen port) */
  port?: number
  /** which address to dial (default 'private') */
  addressType?: 'private' | 'public'
  /** EC2 API endpoint, for VPC endpoints and tests (default the SDK's) */
  endpoint?: string
}

export interface GcpInit extends PollingInit {
  /** project id (default $GOOGLE_CLOUD_PROJECT, then the SDK's own resolution) */
  project?: string
  /** zone to list; all zones when absent */
  zone?: string
  /** labels every peer instance carries (default `{ 'foundation-cluster': <clusterName> }`) */
  labels?: Record<string, string>
  /** the TCP port peers listen on (default: this node's fixed listen port) */
  port?: number
  /**
   * Compute API endpoint, for private endpoints and tests: `host`, `host:port` or a URL, `http://` for a
   * plain-HTTP one (default the SDK's)
   */
  apiEndpoint?: string
}
