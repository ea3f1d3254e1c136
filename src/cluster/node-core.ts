// A node's parts, built by role and started and stopped in order, and what it tells of itself: lifecycle, members,
// info() and connect(). FoundationNode answers the Cluster API on top of it.
import { TypedEventEmitter } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { LocalActors } from '../actors/local-actors.ts'
import { SECOND } from '../config/units.ts'
import { nodeKeys } from '../node/node-keys.ts'
import { NodeTracing } from '../observability/tracing/node-tracing.ts'
import { createActorParts } from './actor-parts.ts'
import { clusterInfo } from './cluster-info.ts'
import { NodeNotRunningError } from './errors.ts'
import { forwardEvents } from './forward-events.ts'
import { LoadSampler } from './load-sampler.ts'
import { createMembershipParts } from './membership-parts.ts'
import { createMessagingParts } from './messaging-parts.ts'
import { NodeLoadGossip } from './node-load.ts'
import { observeNode } from './observability-parts.ts'
import { PartitionWatch } from './partition-watch.ts'
import { RateMeter } from './rate-meter.ts'
import { startInOrder, stopInOrder, undoStart } from './start-order.ts'
import { SystemEndpoints } from './system-endpoints.ts'
import { waitForMember } from './wait-for-member.ts'
import { createWorkloads } from './workloads.ts'
import type { CallOptions, ClusterEvents, ClusterInfo, ConnectOptions, Target } from './index.ts'
import type { NodeLoad } from './load-report.ts'
import type { Router } from './router.ts'
import type { NodeSeams } from './start-node.ts'
import type { NodeParts } from './start-order.ts'
import type { LoadBalancer } from '../balancing/load-balancer.ts'
import type { CacheService } from '../cache/cache-service.ts'
import type { ComputeService } from '../compute/compute-service.ts'
import type { FoundationConfig } from '../config/index.ts'
import type { ClusterDiscovery } from '../discovery/cluster-discovery.ts'
import type { DistributedActors } from '../distribution/distributed-actors.ts'
import type { CrossCluster } from '../federation/cross-cluster.ts'
import type { ProcessGroups } from '../groups/process-groups.ts'
import type { Member } from '../membership/index.ts'
import type { Libp2pMembership } from '../membership/libp2p-membership.ts'
import type { ChannelService } from '../messaging/channels/channel-service.ts'
import type { DirectMessaging } from '../messaging/direct/direct-messaging.ts'
import type { GossipPubSub } from '../messaging/pubsub/gossip-pubsub.ts'
import type { PublicationTree } from '../messaging/pubsub/publication-tree.ts'
import type { NameService } from '../names/name-service.ts'
import type { Host } from '../node/create-host.ts'
import type { DashboardFeed } from '../observability/dashboard/dashboard-feed.ts'
import type { DebugService } from '../observability/debug/debug-service.ts'
import type { EventLog } from '../observability/events/event-log.ts'
import type { NodeLifecycle, Readiness, ReadinessReport } from '../observability/health/readiness.ts'
import type { HttpEndpoint } from '../observability/http/http-endpoint.ts'
import type { NodeMetrics } from '../observability/metrics/node-metrics.ts'
import type { TraceRequests } from '../observability/tracing/trace-requests.ts'
import type { NodeOverlay } from '../overlay/libp2p/node-overlay.ts'
import type { NodePlatform } from '../platform/node-platform.ts'
import type { Supervisors } from '../supervision/supervisors.ts'
import type { FrameCompression } from '../wire/compression/index.ts'
import type { ComponentLogger, Logger, PrivateKey } from '@libp2p/interface'

/** How long connect() waits for a reached peer to join: a membership sync takes milliseconds on a LAN. */
const DEFAULT_JOIN_TIMEOUT = 10 * SECOND

const MEMBER_EVENTS = ['member:join', 'member:suspect', 'member:alive', 'member:leave'] as const
const DISTRIBUTION_EVENTS = ['actor:failover', 'actor:moved', 'actor:duplicate', 'actor:quorum-lost'] as const
const PARTITION_EVENTS = ['partition:detected', 'partition:healed'] as const
const TOPOLOGY_EVENTS = ['topology:change'] as const

export abstract class NodeCore extends TypedEventEmitter<ClusterEvents> {
  readonly id: string
  readonly name: string
  readonly config: FoundationConfig
  readonly host: Host
  readonly membership: Libp2pMembership
  /** which connections the node keeps: the overlay's links, and the shape the cluster's size calls for */
  readonly overlay: NodeOverlay
  /** the names of every kind of actor, one table on every node */
  readonly names: NameService
  readonly messaging: DirectMessaging
  /** compresses large frames on links where it pays, and inflates what peers compressed; shared by every stream */
  readonly compression: FrameCompression
  readonly gossip: GossipPubSub
  /** named pub/sub channels (messaging.channels), each on streams and queues of its own */
  readonly channels: ChannelService
  /** publications over the overlay's broadcast tree, where gossipsub does not reach every subscriber */
  readonly publications: PublicationTree
  readonly actors: LocalActors
  readonly messageRate = new RateMeter()
  /** node services reached over the direct protocol at '$' and '~' ids */
  readonly endpoints = new SystemEndpoints()
  readonly discovery: ClusterDiscovery
  readonly load: NodeLoadGossip
  /** the platform's measures of this process (cpu, lag, heap), taken once per load interval for the report */
  private readonly loadSampler: LoadSampler
  /** distributed actors: placement, failover and handoff */
  readonly distribution: DistributedActors
  readonly groups: ProcessGroups
  /** the caches this node opened, and the partitions of distributed caches it keeps */
  readonly caches: CacheService
  /** map-reduce: the tasks registered here, the chunks this node runs for jobs, and the jobs it coordinates */
  readonly compute: ComputeService
  /** routed calls: one actor of a service's group per call, chosen by load, with ejection and a retry budget */
  readonly balancer: LoadBalancer
  /** messages to other clusters, straight or through gateways, and the `$gateway` endpoint that forwards others' */
  readonly crossCluster: CrossCluster
  /** members declared dead and not yet forgotten, partition events, and quorum */
  readonly partitions: PartitionWatch
  /** health, metrics, cluster state and the dashboard over HTTP, when http.enabled */
  readonly http: HttpEndpoint | undefined
  /** the recent-events log: member, actor, partition, name and supervisor events, newest last */
  readonly eventLog: EventLog
  /** answers '$debug' and gathers debugCluster() */
  readonly debug: DebugService
  /** the dashboard's live stream, when HTTP is served */
  readonly dashboard: DashboardFeed | undefined
  /** this node's Prometheus registry and call timer, when metrics.enabled */
  readonly metrics: NodeMetrics | undefined
  /** trace context on messages and this node's spans, when tracing.enabled */
  readonly tracing: NodeTracing | undefined
  /** traceRequest, and the '$trace' endpoint that answers other nodes' */
  readonly traces: TraceRequests
  /** takes sends, calls, lookups and stops to a local actor, a distributed actor or another node */
  protected readonly router: Router
  /** top-level supervisors still running */
  protected readonly supervisors: Supervisors
  private readonly readinessChecks: Readiness
  /** every part start() and stop() take through their order */
  private readonly parts: NodeParts
  private readonly log: Logger
  private readonly startedAt = Date.now()
  protected state: NodeLifecycle = 'new'
  private stopping: Promise<void> | undefined

  /** Use `Foundation.start()`: it builds the host first, which is async. */
  constructor (config: FoundationConfig, host: Host, privateKey: PrivateKey, logger: ComponentLogger, platform: NodePlatform, seams: NodeSeams = {}, metrics?: NodeMetrics) {
    super()
    this.config = config
    this.metrics = metrics
    this.host = host
    this.id = host.peerId.toString()
    this.name = config.name
    this.log = logger.forComponent('foundation:node')
    this.tracing = config.tracing.enabled
      ? new NodeTracing({ node: this.id, nodeName: config.name, sampleRate: config.tracing.sampleRate, maxSpans: config.tracing.maxSpans, storage: platform.contextStorage() })
      : undefined

    this.actors = new LocalActors({
      tracing: this.tracing,
      nodeId: this.id,
      onUnhandledError: (err, cell) => { this.log.error('actor %s failed on a sent message: %s', cell.name ?? cell.ref.id, err.message) },
      onProcessed: () => { this.messageRate.mark() },
      // an actor that ended itself with context.stop() gives its name up, as stopActor does
      onExit: (cell) => { if (cell.name != null) { this.unregisterName(cell.name) } }
    })
    // what this node publishes is signed with its key, and what others publish is checked against theirs
    const keys = nodeKeys(privateKey, platform.keyCrypto)
    // the overlay, made below, knows the shape that decides how long a dial yields to the peer's; a node nobody can
    // dial yields to no one
    const dialYield = (): number => platform.dialable ? this.overlay.dialYield() : 0
    const membershipParts = createMembershipParts({
      host,
      keys,
      logger,
      platform,
      dialYield,
      keepsLinkTo: (member) => this.overlay.keepsLinkTo(member),
      addresses: () => this.addresses(),
      connector: seams.connector
    }, config)
    this.membership = membershipParts.membership
    this.discovery = membershipParts.discovery
    forwardEvents(this.discovery, this, ['discovery:error'])
    // the load report tells what this node holds: members that join skip asking a node that holds none
    this.loadSampler = new LoadSampler({ probe: platform.loadProbe?.bind(platform) })
    this.load = new NodeLoadGossip({
      host,
      keys,
      log: this.log,
      local: () => this.localLoad(),
      holdings: () => ({ names: this.names.readableCount(), groups: this.groups.localVersion() }),
      members: () => this.membership.activeMembers().length,
      unreachable: () => this.crossCluster.unreachableHere()
    }, { cluster: config.clusterName })
    this.partitions = new PartitionWatch({ membership: this.membership })
    forwardEvents(this.partitions, this, PARTITION_EVENTS)
    const messagingParts = createMessagingParts({
      host,
      logger,
      keys,
      membership: this.membership,
      actors: this.actors,
      endpoints: this.endpoints,
      tracing: this.tracing,
      dialYield,
      reconnect: () => { membershipParts.connector.reconsider() },
      frameCodecs: seams.frameCodecs ?? platform.frameCodecs?.() ?? [],
      observeCall: metrics?.callLatency.record
    }, config)
    this.compression = messagingParts.compression
    this.messaging = messagingParts.messaging
    this.overlay = messagingParts.overlay
    this.publications = messagingParts.publications
    this.gossip = messagingParts.gossip
    this.channels = messagingParts.channels
    forwardEvents(this.overlay.control, this, TOPOLOGY_EVENTS)

    const loadOf = (node: string): NodeLoad | undefined => node === this.id ? this.localLoad() : this.load.of(node)
    const actorParts = createActorParts({
      self: this.id,
      actors: this.actors,
      membership: this.membership,
      messaging: this.messaging,
      endpoints: this.endpoints,
      reports: this.load,
      loadOf,
      partitions: this.partitions,
      topology: this.overlay.control,
      local: this,
      siblings: seams.siblings,
      running: () => this.state === 'running',
      clusterChanged: (cluster, reachable) => { this.safeDispatchEvent(reachable ? 'cluster:reachable' : 'cluster:unreachable', { detail: { cluster } }) },
      supervisorFailed: (failure) => { this.safeDispatchEvent('supervisor:failed', { detail: failure }) },
      tracing: this.tracing,
      metrics,
      log: this.log,
      logger
    }, config)
    this.names = actorParts.names
    this.distribution = actorParts.distribution
    this.router = actorParts.router
    this.crossCluster = actorParts.crossCluster
    this.supervisors = actorParts.supervisors
    this.groups = actorParts.groups
    forwardEvents(this.names, this, ['name:conflict'])
    forwardEvents(this.distribution, this, DISTRIBUTION_EVENTS)
    const workloads = createWorkloads({
      self: this.id,
      membership: this.membership,
      messaging: this.messaging,
      endpoints: this.endpoints,
      groups: this.groups,
      call: async (ref, message, options) => this.router.call(ref, message, options),
      loadOf,
      joined: () => this.readinessChecks.joined(),
      logger
    }, { maxMessageSize: config.maxMessageSize, callTimeout: config.callTimeout })
    this.caches = workloads.caches
    this.balancer = workloads.balancer
    this.compute = workloads.compute

    const observability = observeNode(this, { config, platform, supervised: (actorId) => this.supervisors.supervised(actorId), metrics, logger })
    this.eventLog = observability.eventLog
    this.debug = observability.debug
    this.readinessChecks = observability.readiness
    this.traces = observability.traces
    this.http = observability.http
    this.dashboard = observability.dashboard
    this.parts = { ...membershipParts, ...messagingParts, ...actorParts, ...workloads, host, http: this.http, partitions: this.partitions, debug: this.debug, loadSampler: this.loadSampler, load: this.load, actors: this.actors }

    // before the node's listeners hear of a leave: calls to the member have failed and its load is forgotten
    this.membership.addEventListener('member:leave', (evt) => {
      this.messaging.nodeDown(evt.detail.id)
      this.load.forget(evt.detail.id)
    })
    // a newcomer learns our load now rather than at the next interval
    this.membership.addEventListener('member:join', (evt) => { if (this.state === 'running') { this.load.joined(evt.detail.id) } })
    forwardEvents(this.membership, this, MEMBER_EVENTS)
  }

  /** where the node is in its life: stopping covers the drain and the leave */
  get lifecycle (): NodeLifecycle {
    return this.state
  }

  /** ms since the node was created, its start following at once */
  get uptime (): number {
    return Date.now() - this.startedAt
  }

  readiness (): ReadinessReport {
    return this.readinessChecks.report()
  }

  /** Starts the parts in dependency order (see start-order.ts). */
  async start (): Promise<void> {
    if (this.state !== 'new') { return }
    await startInOrder(this.parts)
    this.state = 'running'
    this.log('node %s (%s) started in cluster %s', this.name, this.id, this.config.clusterName)
  }

  /** Leaves the cluster and stops; concurrent callers all wait for the same stop. */
  async stop (): Promise<void> {
    if (this.state === 'running') {
      this.state = 'stopping'
      this.stopping = stopInOrder(this.parts, this.config.distribution.drainTimeout).finally(() => { this.state = 'stopped' })
    }
    await this.stopping
  }

  /** Undoes a start that failed part way, so a bad start leaves no socket or timer behind. */
  async abandon (): Promise<void> {
    this.state = 'stopped'
    await undoStart(this.parts)
  }

  members (): Member[] {
    return this.membership.members()
  }

  info (): ClusterInfo {
    const stats = this.messaging.stats
    return clusterInfo({
      cluster: this.config.clusterName,
      id: this.id,
      name: this.name,
      running: this.state === 'running',
      discovery: this.discovery.info(),
      topology: this.overlay.info(),
      active: this.membership.activeMembers(),
      local: this.localLoad(),
      loadOf: (id) => this.load.of(id),
      undeliverable: stats.undeliverable + stats.lost,
      distributed: { actors: this.distribution.liveCount, local: this.distribution.localCount },
      partition: { unreachable: this.partitions.unreachable().length, majority: this.partitions.hasQuorum('majority') },
      remoteClusters: this.crossCluster.remoteClusters(),
      http: this.http?.url,
      uptime: this.uptime
    })
  }

  addresses (): string[] {
    return this.host.getMultiaddrs().map(ma => ma.toString())
  }

  async connect (addresses: string | string[], options: ConnectOptions = {}): Promise<void> {
    this.assertRunning()
    const list = Array.isArray(addresses) ? addresses : [addresses]
    await Promise.all(list.map(async (address) => {
      const connection = await this.host.dial(multiaddr(address), { signal: options.signal })
      await waitForMember(this.membership, connection.remotePeer.toString(), options.timeout ?? DEFAULT_JOIN_TIMEOUT, options.signal)
    }))
  }

  private localLoad (): NodeLoad {
    return {
      processes: this.actors.count,
      messageRate: Math.round(this.messageRate.perSecond()),
      ...this.loadSampler.latest(),
      mailbox: this.actors.mailboxes().sum,
      uptime: this.uptime
    }
  }

  private unregisterName (name: string): void {
    if (this.state !== 'running') { return }
    this.names.unregister(name)
  }

  protected assertRunning (): void {
    if (this.state !== 'running') { throw new NodeNotRunningError(this.state) }
  }

  /** the Cluster API's send and call, which the parts built here use for this node's own messages */
  abstract send (target: Target, message: unknown): void
  abstract call<Reply = unknown>(target: Target, message: unknown, options?: CallOptions): Promise<Reply>
}
