// The order a node's parts start and stop in: protocol handlers before the host takes connections, and the drain
// and the leave before anything the other members still reach is stopped.
import { placementIn } from '../names/name-homes.ts'
import type { LoadSampler } from './load-sampler.ts'
import type { NodeLoadGossip } from './node-load.ts'
import type { PartitionWatch } from './partition-watch.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { CacheService } from '../cache/cache-service.ts'
import type { ComputeService } from '../compute/compute-service.ts'
import type { ClusterDiscovery } from '../discovery/cluster-discovery.ts'
import type { DistributedActors } from '../distribution/distributed-actors.ts'
import type { CrossCluster } from '../federation/cross-cluster.ts'
import type { ProcessGroups } from '../groups/process-groups.ts'
import type { Libp2pMembership } from '../membership/libp2p-membership.ts'
import type { ChannelService } from '../messaging/channels/channel-service.ts'
import type { DirectMessaging } from '../messaging/direct/direct-messaging.ts'
import type { GossipPubSub } from '../messaging/pubsub/gossip-pubsub.ts'
import type { PublicationTree } from '../messaging/pubsub/publication-tree.ts'
import type { NameService } from '../names/name-service.ts'
import type { Connector } from '../node/connector.ts'
import type { Host } from '../node/create-host.ts'
import type { DebugService } from '../observability/debug/debug-service.ts'
import type { HttpEndpoint } from '../observability/http/http-endpoint.ts'
import type { NodeOverlay } from '../overlay/libp2p/node-overlay.ts'
import type { Supervisors } from '../supervision/supervisors.ts'

/** Every part a node starts or stops, by what the order calls on it. */
export interface NodeParts {
  http: Pick<HttpEndpoint, 'start' | 'stop'> | undefined
  host: Pick<Host, 'start' | 'stop'>
  messaging: Pick<DirectMessaging, 'start' | 'stop'>
  gossip: Pick<GossipPubSub, 'start' | 'stop'>
  channels: Pick<ChannelService, 'start' | 'stop'>
  partitions: Pick<PartitionWatch, 'start' | 'stop'>
  membership: Pick<Libp2pMembership, 'start' | 'stop'>
  overlay: Pick<NodeOverlay, 'start' | 'stop' | 'control'>
  publications: Pick<PublicationTree, 'start' | 'stop'>
  names: Pick<NameService, 'start' | 'stop' | 'setPlacement'>
  distribution: Pick<DistributedActors, 'start' | 'stop' | 'drain'>
  groups: Pick<ProcessGroups, 'start' | 'stop'>
  caches: Pick<CacheService, 'start' | 'stop' | 'drain'>
  compute: Pick<ComputeService, 'start' | 'stop'>
  crossCluster: Pick<CrossCluster, 'start' | 'stop'>
  debug: Pick<DebugService, 'start' | 'stop'>
  loadSampler: Pick<LoadSampler, 'start' | 'stop'>
  load: Pick<NodeLoadGossip, 'start' | 'stop'>
  connector: Pick<Connector, 'start' | 'stop'>
  discovery: Pick<ClusterDiscovery, 'start' | 'stop'>
  supervisors: Pick<Supervisors, 'stopAll'>
  actors: Pick<LocalActors, 'stopAll'>
}

/** Starts the parts in dependency order: protocol handlers exist before the host accepts a connection. */
export async function startInOrder (parts: NodeParts): Promise<void> {
  // first: a taken port fails the start before the node has joined anything, and probes answer during it
  await parts.http?.start()
  await parts.messaging.start()
  await parts.gossip.start()
  await parts.channels.start()
  parts.partitions.start()
  await parts.membership.start()
  await parts.overlay.start()
  await parts.publications.start()
  parts.names.start()
  parts.names.setPlacement(placementIn(parts.overlay.control.shape))
  parts.distribution.start()
  parts.groups.start()
  parts.caches.start()
  parts.compute.start()
  parts.crossCluster.start()
  parts.debug.start()
  await parts.host.start()
  parts.loadSampler.start()
  parts.load.start()
  await parts.connector.start()
  await parts.discovery.start()
}

/** Drains, leaves the cluster and stops every part; the HTTP endpoint closes last, whatever failed before it. */
export async function stopInOrder (parts: NodeParts, drainTimeout: number): Promise<void> {
  try {
    // distributed actors and cache partitions move to other members while this node still counts as one
    await Promise.all([parts.distribution.drain(), parts.caches.drain(Date.now() + drainTimeout)])
    // the leave goes out next: other nodes then fail calls to us with NodeDownError instead of
    // finding our names gone while we still count as a member
    await parts.discovery.stop()
    await parts.connector.stop()
    await parts.membership.stop()
    await parts.publications.stop()
    await parts.overlay.stop()
    parts.distribution.stop()
    // members drop this node's local names as it leaves: none is given up one by one
    parts.names.stop()
    parts.groups.stop()
    parts.caches.stop()
    await parts.compute.stop()
    parts.debug.stop()
    parts.crossCluster.stop()
    parts.partitions.stop()
    parts.load.stop()
    parts.loadSampler.stop()
    // supervisors first, or they would restart the actors stopped under them
    await parts.supervisors.stopAll()
    await parts.actors.stopAll()
    await parts.channels.stop()
    await parts.gossip.stop()
    await parts.messaging.stop()
    await parts.host.stop()
  } finally {
    // last, and whatever failed before it (a crashed host, say): probes keep answering (not ready) while the
    // node drains and leaves, and a part that fails to stop must not leave the port open
    await parts.http?.stop()
  }
}

/** Undoes a start that failed part way, so a bad start leaves no socket or timer behind. */
export async function undoStart (parts: NodeParts): Promise<void> {
  // the event-loop monitor runs from the start on: a start that failed after it must not leave it measuring
  parts.loadSampler.stop()
  await Promise.allSettled([parts.http?.stop(), parts.host.stop()])
}
