// `cluster.info()`: the snapshot of the cluster as this node sees it, assembled from readings taken when asked.
import { totalLoad } from './load-report.ts'
import type { ClusterHealth, ClusterInfo } from './index.ts'
import type { NodeLoad } from './load-report.ts'
import type { DiscoveryInfo } from '../discovery/cluster-discovery.ts'
import type { RemoteClusterInfo } from '../federation/index.ts'
import type { Member } from '../membership/index.ts'
import type { TopologyInfo } from '../overlay/libp2p/topology-control.ts'

/** What the snapshot is made of, read from the node's parts at the moment of asking. */
export interface ClusterInfoSources {
  cluster: string
  /** this node's peer id and name */
  id: string
  name: string
  /** false before the node started and once it began to stop: the health then reads 'stopped' */
  running: boolean
  discovery: DiscoveryInfo
  topology: TopologyInfo
  /** alive and suspect members, this node included */
  active: Member[]
  /** this node's load, measured now */
  local: NodeLoad
  /** another member's load as it last reported it, its uptime as of now; undefined before its first report */
  loadOf(id: string): NodeLoad | undefined
  undeliverable: number
  distributed: { actors: number, local: number }
  partition: { unreachable: number, majority: boolean }
  /** the other clusters reached through gateways among the members */
  remoteClusters: RemoteClusterInfo[]
  /** the URL of this node's HTTP endpoint, when it serves one */
  http?: string
  uptime: number
}

export function clusterInfo (sources: ClusterInfoSources): ClusterInfo {
  const { id, active, local, discovery } = sources
  const others = active.filter(m => m.id !== id).map(m => sources.loadOf(m.id))
  return {
    cluster: sources.cluster,
    id,
    name: sources.name,
    nodes: active.length,
    strategy: discovery.strategies.map(s => s.name).join('+') || 'none',
    discovery,
    topology: sources.topology.shape,
    overlay: sources.topology,
    health: healthOf(sources.running, active),
    ...totalLoad(local, others),
    node: local,
    undeliverable: sources.undeliverable,
    distributed: sources.distributed,
    members: active.map(({ id: member, name, roles, status }) => ({ id: member, name, roles, status, ...(member === id ? local : sources.loadOf(member)) })),
    partition: sources.partition,
    remoteClusters: sources.remoteClusters,
    ...(sources.http != null ? { http: sources.http } : {}),
    uptime: sources.uptime
  }
}

function healthOf (running: boolean, active: Member[]): ClusterHealth {
  if (!running) { return 'stopped' }
  return active.some(m => m.status === 'suspect') ? 'degraded' : 'healthy'
}
