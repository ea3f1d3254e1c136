// The node's services for actors beyond this process: the name table, distributed actors, the router, supervisors,
// process groups and messages to other clusters; the node starts, drains and stops them with the rest.
import { DistributedActors } from '../distribution/distributed-actors.ts'
import { CrossCluster } from '../federation/cross-cluster.ts'
import { ProcessGroups } from '../groups/process-groups.ts'
import { placementIn } from '../names/name-homes.ts'
import { NameService } from '../names/name-service.ts'
import { Supervisors } from '../supervision/supervisors.ts'
import { endConflictLoser } from './conflict-loser.ts'
import { NameResolver } from './name-resolver.ts'
import { Router } from './router.ts'
import type { NodeLoad } from './load-report.ts'
import type { NodeLoadGossip } from './node-load.ts'
import type { PartitionWatch } from './partition-watch.ts'
import type { SystemEndpoints } from './system-endpoints.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { FoundationConfig } from '../config/index.ts'
import type { Sibling, SiblingLookup } from '../federation/index.ts'
import type { Libp2pMembership } from '../membership/libp2p-membership.ts'
import type { DirectMessaging } from '../messaging/direct/direct-messaging.ts'
import type { NodeMetrics } from '../observability/metrics/node-metrics.ts'
import type { NodeTracing } from '../observability/tracing/node-tracing.ts'
import type { TopologyControl } from '../overlay/libp2p/topology-control.ts'
import type { SupervisorFailure } from '../supervision/index.ts'
import type { ComponentLogger, Logger } from '@libp2p/interface'

export interface ActorPartsComponents {
  self: string
  actors: LocalActors
  membership: Libp2pMembership
  messaging: DirectMessaging
  endpoints: SystemEndpoints
  /** the members' load reports: what each holds, and how long it has been up */
  reports: NodeLoadGossip
  /** this node's load now, and another member's as last reported */
  loadOf(node: string): NodeLoad | undefined
  partitions: Pick<PartitionWatch, 'hasQuorum'>
  /** the overlay's shape in force, which decides where names live */
  topology: Pick<TopologyControl, 'shape' | 'addEventListener'>
  /** the node's own send and call: group messages, and messages to this node's own cluster, go through them */
  local: Pick<Sibling, 'send' | 'call'>
  /** this process's nodes in the other clusters of its federation */
  siblings?: SiblingLookup
  /** whether the node runs: one that is stopping leaves the cluster, names and all */
  running(): boolean
  /** a cluster's usable gateways became none (false) or some (true) */
  clusterChanged(cluster: string, reachable: boolean): void
  /** a top-level supervisor gave up after too many restarts */
  supervisorFailed(failure: SupervisorFailure): void
  tracing: NodeTracing | undefined
  metrics: Pick<NodeMetrics, 'crossCluster'> | undefined
  log: Logger
  logger: ComponentLogger
}

export type ActorConfig = Pick<FoundationConfig, 'clusterName' | 'maxMessageSize' | 'callTimeout' | 'lookupTimeout' | 'tombstoneTtl' | 'distribution'>

export interface ActorParts {
  names: NameService
  distribution: DistributedActors
  router: Router
  crossCluster: CrossCluster
  supervisors: Supervisors
  groups: ProcessGroups
}

export function createActorParts (components: ActorPartsComponents, config: ActorConfig): ActorParts {
  const { self, actors, membership, messaging, endpoints, reports, topology, local, log, logger } = components
  const names = new NameService({
    self,
    membership,
    reports,
    endpoints,
    messaging,
    log: logger.forComponent('foundation:names')
  }, { lookupTimeout: config.lookupTimeout, callTimeout: config.callTimeout, tombstoneTtl: config.tombstoneTtl })
  // the name system only reports a conflict: the node, which owns the actors, ends the losing one
  names.addEventListener('name:conflict', (evt) => {
    if (evt.detail.local) { void endConflictLoser(actors, evt.detail, self, log) }
  })
  // in the partial-view shape no node keeps every name: each lives with a few homes
  topology.addEventListener('topology:change', () => { names.setPlacement(placementIn(topology.shape)) })

  const distribution = new DistributedActors({
    self,
    membership,
    actors,
    messaging,
    endpoints,
    load: components.loadOf,
    names,
    hasQuorum: (rule) => components.partitions.hasQuorum(rule),
    undeliverable: (reason) => { router.undeliverable(reason) },
    log: logger.forComponent('foundation:distribution')
  }, { callTimeout: config.callTimeout, ...config.distribution })
  const router = new Router({
    self,
    actors,
    distribution,
    names: new NameResolver(names),
    isActive: (node) => membership.isActive(node),
    messaging,
    stopLocal: stopLocalActor,
    tracing: components.tracing,
    log
  }, { callTimeout: config.callTimeout })
  const crossCluster = new CrossCluster({
    self,
    cluster: config.clusterName,
    local,
    siblings: components.siblings,
    membership,
    endpoints,
    messaging,
    uptimeOf: (id) => reports.of(id)?.uptime,
    reports,
    changed: components.clusterChanged,
    metrics: components.metrics?.crossCluster
  }, { callTimeout: config.callTimeout })
  const supervisors = new Supervisors({
    actors,
    register: async (name, ref) => { await names.register(name, ref) },
    // a node that is stopping leaves the cluster, names and all: no tombstone to write
    unregister: async (name) => { if (components.running()) { names.unregister(name) } },
    log: logger.forComponent('foundation:supervisor'),
    onFailed: components.supervisorFailed
  })
  const groups = new ProcessGroups({
    self,
    actors,
    membership,
    reports,
    endpoints,
    sendDirect: (node, target, body) => { messaging.send(node, target, body) },
    send: (ref, message) => { local.send(ref, message) },
    call: async (ref, message, options) => local.call(ref, message, options),
    logger
  }, { maxMessageSize: config.maxMessageSize })

  /** An actor of this node, stopped on purpose: its name is given up, and its supervisor does not restart it. */
  async function stopLocalActor (actorId: string): Promise<void> {
    if (await supervisors.stopChild(actorId)) { return }
    const cell = await actors.stop(actorId)
    if (cell?.name != null) { names.unregister(cell.name) }
  }

  return { names, distribution, router, crossCluster, supervisors, groups }
}
