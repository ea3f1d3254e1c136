// One Foundation node: wires the libp2p host, membership, registry, messaging and local actors together.
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { ActorNotFoundError } from '../actors/errors.ts'
import { LocalActors } from '../actors/local-actors.ts'
import { isActorRef } from '../actors/ref.ts'
import { loadIdentity } from '../config/identity.ts'
import { preSharedKeyFrom } from '../config/secret.ts'
import { SECOND } from '../config/units.ts'
import { ClusterDiscovery } from '../discovery/cluster-discovery.ts'
import { createStrategies } from '../discovery/create-strategies.ts'
import { DistributedActors } from '../distribution/distributed-actors.ts'
import { ProcessGroups } from '../groups/process-groups.ts'
import { createMembership } from '../membership/libp2p-membership.ts'
import { DirectMessaging } from '../messaging/direct/direct-messaging.ts'
import { AbortError, NodeDownError } from '../messaging/errors.ts'
import { GossipPubSub } from '../messaging/pubsub/gossip-pubsub.ts'
import { Connector } from '../node/connector.ts'
import { createHost } from '../node/create-host.ts'
import { DashboardFeed } from '../observability/dashboard/dashboard-feed.ts'
import { dashboardSnapshot } from '../observability/dashboard/dashboard-snapshot.ts'
import { DebugService } from '../observability/debug/debug-service.ts'
import { EventLog } from '../observability/events/event-log.ts'
import { Readiness } from '../observability/health/readiness.ts'
import { HttpEndpoint } from '../observability/http/http-endpoint.ts'
import { NodeMetrics } from '../observability/metrics/node-metrics.ts'
import { installRoutes } from '../observability/routes.ts'
import { NodeTracing } from '../observability/tracing/node-tracing.ts'
import { TRACE_ENDPOINT, TraceRequests } from '../observability/tracing/trace-requests.ts'
import { createRegistry } from '../registry/index.ts'
import { LocalSupervisor } from '../supervision/supervisor.ts'
import { endConflictLoser } from './conflict-loser.ts'
import { NodeNotRunningError } from './errors.ts'
import { callLocal } from './local-call.ts'
import { ActorDelivery } from './local-delivery.ts'
import { NameResolver } from './name-resolver.ts'
import { NodeLoadGossip, totalLoad } from './node-load.ts'
import { PartitionWatch } from './partition-watch.ts'
import { RateMeter } from './rate-meter.ts'
import { registryRpc } from './registry-rpc.ts'
import { DISTRIBUTED_PREFIX, SystemEndpoints } from './system-endpoints.ts'
import { waitForMember } from './wait-for-member.ts'
import type { CallOptions, Cluster, ClusterEvents, ClusterHealth, ClusterInfo, ConnectOptions, MigrateOptions, Target } from './index.ts'
import type { NodeLoad } from './node-load.ts'
import type { ActorClass, ActorRef, SpawnOptions } from '../actors/index.ts'
import type { FoundationConfig } from '../config/index.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { Libp2pMembership } from '../membership/libp2p-membership.ts'
import type { PubSub } from '../messaging/pubsub/index.ts'
import type { ConnectorInit } from '../node/connector.ts'
import type { CreateHostOptions, Host } from '../node/create-host.ts'
import type { ClusterDebug, DebugClusterOptions } from '../observability/debug/index.ts'
import type { NodeLifecycle, ReadinessReport } from '../observability/health/readiness.ts'
import type { Traced, TraceRequestOptions, TraceResult } from '../observability/tracing/index.ts'
import type { TraceContext } from '../observability/tracing/trace-context.ts'
import type { Registry } from '../registry/index.ts'
import type { Supervisor, SupervisorSpec } from '../supervision/index.ts'
import type { ComponentLogger, Logger } from '@libp2p/interface'

/** How long connect() waits for a reached peer to join: a membership sync takes milliseconds on a LAN. */
const DEFAULT_JOIN_TIMEOUT = 10 * SECOND

const MEMBER_EVENTS = ['member:join', 'member:suspect', 'member:alive', 'member:leave'] as const
const DISTRIBUTION_EVENTS = ['actor:failover', 'actor:moved', 'actor:duplicate', 'actor:quorum-lost'] as const

export class FoundationNode extends TypedEventEmitter<ClusterEvents> implements Cluster {
  readonly id: string
  readonly name: string
  readonly config: FoundationConfig
  readonly host: Host
  readonly membership: Membership
  readonly registry: Registry
  readonly messaging: DirectMessaging
  readonly gossip: GossipPubSub
  readonly actors: LocalActors
  readonly messageRate = new RateMeter()
  /** node services reached over the direct protocol at '$' and '~' ids */
  readonly endpoints = new SystemEndpoints()
  private readonly connector: Connector
  readonly discovery: ClusterDiscovery
  private readonly names: NameResolver
  readonly load: NodeLoadGossip
  /** distributed actors: the directory, placement, failover and handoff */
  readonly distribution: DistributedActors
  readonly groups: ProcessGroups
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
  private readonly readinessChecks: Readiness
  /** trace context on messages and this node's spans, when tracing.enabled */
  readonly tracing: NodeTracing | undefined
  /** traceRequest, and the '$trace' endpoint that answers other nodes' */
  readonly traces: TraceRequests
  private readonly log: Logger
  private readonly logger: ComponentLogger
  /** top-level supervisors still running */
  private readonly supervisors = new Set<LocalSupervisor>()
  private readonly startedAt = Date.now()
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new'
  private stopping: Promise<void> | undefined

  /** Use `Foundation.start()`: it builds the host first, which is async. */
  constructor (config: FoundationConfig, host: Host, logger: ComponentLogger, seams: NodeSeams = {}, metrics?: NodeMetrics) {
    super()
    this.config = config
    this.metrics = metrics
    this.host = host
    this.id = host.peerId.toString()
    this.name = config.name
    this.log = logger.forComponent('foundation:node')
    this.logger = logger
    this.tracing = config.tracing.enabled
      ? new NodeTracing({ node: this.id, nodeName: config.name, sampleRate: config.tracing.sampleRate, maxSpans: config.tracing.maxSpans })
      : undefined

    this.actors = new LocalActors({
      tracing: this.tracing,
      nodeId: this.id,
      onUnhandledError: (err, cell) => { this.log.error('actor %s failed on a sent message: %s', cell.name ?? cell.ref.id, err.message) },
      onProcessed: () => { this.messageRate.mark() },
      // an actor that ended itself with context.stop() gives its name up, as stopActor does
      onExit: (cell) => { if (cell.name != null) { this.unregisterName(cell.name) } }
    })
    this.membership = createMembership({ host, logger }, {
      cluster: config.clusterName,
      name: config.name,
      roles: config.roles,
      maxFrameSize: config.maxMessageSize,
      ...config.membership
    })
    this.connector = new Connector({ host, membership: this.membership, logger }, seams.connector)
    const { strategies, ...choice } = config.discovery
    this.discovery = new ClusterDiscovery(
      { log: logger.forComponent('foundation:discovery'), offer: (candidates) => { this.connector.offer(candidates) } },
      createStrategies(strategies, {
        logger,
        self: { peerId: this.id, name: config.name, addresses: () => this.addresses() }
      }, { mdns: host.services.mdns }),
      choice
    )
    this.discovery.addEventListener('discovery:error', (evt) => { this.safeDispatchEvent('discovery:error', { detail: evt.detail }) })
    // the load report tells what this node holds: members that join skip asking a node that holds none
    this.load = new NodeLoadGossip({
      host,
      log: this.log,
      local: () => this.localLoad(),
      holdings: () => ({ names: this.registry.localNames().length, groups: this.groups.localVersion(), directory: this.distribution.directory.size })
    }, { cluster: config.clusterName })
    this.registry = createRegistry(
      { host, membership: this.membership, logger, rpc: registryRpc(this.endpoints, () => this.messaging), nameCounts: this.load },
      { cluster: config.clusterName, lookupTimeout: config.lookupTimeout }
    )
    this.registry.addEventListener('name:conflict', (evt) => {
      if (evt.detail.local) { void endConflictLoser(this.actors, evt.detail, this.id, this.log) }
      this.safeDispatchEvent('name:conflict', { detail: evt.detail })
    })
    this.partitions = new PartitionWatch({ membership: this.membership })
    this.partitions.addEventListener('partition:detected', (evt) => { this.safeDispatchEvent('partition:detected', { detail: evt.detail }) })
    this.partitions.addEventListener('partition:healed', (evt) => { this.safeDispatchEvent('partition:healed', { detail: evt.detail }) })
    this.names = new NameResolver(this.registry)
    this.messaging = new DirectMessaging(
      { host, logger, local: new ActorDelivery(this.actors, this.endpoints, () => this.gossip, this.tracing), tracing: this.tracing },
      { cluster: config.clusterName, maxMessageSize: config.maxMessageSize, maxQueuedBytes: config.maxQueuedBytes, observeCall: metrics?.callLatency.record }
    )
    this.gossip = new GossipPubSub(
      { host, logger, sendDirect: (node, topic, message, trace) => { this.messaging.publish(node, topic, message, trace) }, tracing: this.tracing },
      { cluster: config.clusterName, maxMessageSize: config.maxMessageSize }
    )

    this.distribution = new DistributedActors({
      self: this.id,
      membership: this.membership,
      actors: this.actors,
      messaging: this.messaging,
      endpoints: this.endpoints,
      load: (id) => id === this.id ? this.localLoad() : this.load.of(id),
      reports: this.load,
      hasQuorum: (rule) => this.partitions.hasQuorum(rule),
      undeliverable: (reason) => { this.undeliverable(reason) },
      log: logger.forComponent('foundation:distribution')
    }, { callTimeout: config.callTimeout, ...config.distribution })
    for (const type of DISTRIBUTION_EVENTS) {
      this.distribution.addEventListener(type, (evt) => { this.safeDispatchEvent(type, { detail: evt.detail }) })
    }
    this.groups = new ProcessGroups({
      self: this.id,
      actors: this.actors,
      membership: this.membership,
      reports: this.load,
      endpoints: this.endpoints,
      sendDirect: (node, target, body) => { this.messaging.send(node, target, body) },
      send: (ref, message) => { this.send(ref, message) },
      call: async (ref, message, options) => this.call(ref, message, options),
      logger
    }, { maxMessageSize: config.maxMessageSize })

    this.eventLog = new EventLog({ nameOf: (id) => this.membership.get(id)?.name })
    this.eventLog.watch(this)
    this.debug = new DebugService({
      local: {
        id: this.id,
        name: this.name,
        distributedPrefix: DISTRIBUTED_PREFIX,
        actors: () => this.actors.cells(),
        actorCount: () => this.actors.count,
        supervised: (actorId) => [...this.supervisors].some(s => s.childOf(actorId) != null),
        connections: () => this.host.getConnections(),
        nameOf: (id) => this.membership.get(id)?.name,
        messageRate: () => Math.round(this.messageRate.perSecond()),
        messages: () => ({ in: this.messaging.stats.messagesIn, out: this.messaging.stats.messagesOut }),
        events: (limit) => this.eventLog.recent(limit),
        uptime: () => Date.now() - this.startedAt
      },
      endpoints: this.endpoints,
      activeMembers: () => this.membership.activeMembers(),
      call: async (peer, target, body, options) => this.messaging.call(peer, target, body, options),
      log: logger.forComponent('foundation:debug')
    })
    this.readinessChecks = new Readiness({
      lifecycle: () => this.state,
      draining: () => this.distribution.isDraining,
      registrySynced: () => this.registry.synced(),
      otherMembers: () => this.membership.activeMembers().length - 1,
      strategies: () => this.discovery.info().strategies,
      mdnsRounds: () => {
        const stats = host.services.mdns?.stats
        return stats != null ? stats.queriesSent + stats.queriesSkipped : undefined
      },
      uptime: () => Date.now() - this.startedAt
    })
    metrics?.attach({
      members: () => this.membership.members(),
      messaging: this.messaging,
      pubsub: this.gossip,
      actors: this.actors,
      registry: this.registry,
      membershipInvalidFrames: () => (this.membership as Partial<Libp2pMembership>).invalidFrames ?? 0,
      localHealth: () => (this.membership as Partial<Libp2pMembership>).localHealth ?? 0,
      unreachable: () => this.partitions.unreachable().length,
      ready: () => this.readinessChecks.report().ready,
      events: this
    })
    this.traces = new TraceRequests({
      self: this.id,
      tracing: this.tracing,
      activeMembers: () => this.membership.activeMembers(),
      call: async (peer, target, body, options) => this.messaging.call(peer, target, body, options),
      callTimeout: config.callTimeout
    })
    this.endpoints.register(TRACE_ENDPOINT, this.traces.endpoint)

    if (config.http.enabled) {
      this.http = new HttpEndpoint({ log: logger.forComponent('foundation:http') }, config.http)
      this.dashboard = new DashboardFeed({
        gather: async (signal) => {
          const debug = await this.debug.cluster({ timeout: 2 * SECOND, maxActors: 20, maxEvents: 0, signal })
          return dashboardSnapshot(config.clusterName, this.id, this.membership.members(), debug, Date.now())
        },
        events: this.eventLog,
        log: logger.forComponent('foundation:dashboard')
      })
      installRoutes(this.http, this)
    }

    for (const type of MEMBER_EVENTS) {
      this.membership.addEventListener(type, (evt) => {
        if (type === 'member:leave') {
          this.messaging.nodeDown(evt.detail.id)
          this.load.forget(evt.detail.id)
        }
        // a newcomer learns our load now rather than at the next interval
        if (type === 'member:join' && this.state === 'running') { this.load.publishSoon() }
        this.safeDispatchEvent(type, { detail: evt.detail })
      })
    }
  }

  get pubsub (): PubSub {
    return this.gossip
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

  /** Starts the parts in dependency order: protocol handlers exist before the host accepts a connection. */
  async start (): Promise<void> {
    if (this.state !== 'new') { return }
    // first: a taken port fails the start before the node has joined anything, and probes answer during it
    await this.http?.start()
    await this.messaging.start()
    await this.gossip.start()
    this.partitions.start()
    await this.membership.start()
    await this.registry.start()
    this.distribution.start()
    this.groups.start()
    this.debug.start()
    await this.host.start()
    this.load.start()
    await this.connector.start()
    await this.discovery.start()
    this.state = 'running'
    this.log('node %s (%s) started in cluster %s', this.name, this.id, this.config.clusterName)
  }

  /** Leaves the cluster and stops; concurrent callers all wait for the same stop. */
  async stop (): Promise<void> {
    if (this.state === 'running') {
      this.state = 'stopping'
      this.stopping = this.shutdown().finally(() => { this.state = 'stopped' })
    }
    await this.stopping
  }

  private async shutdown (): Promise<void> {
    try {
      // distributed actors move to other members with their state while this node still counts as one
      await this.distribution.drain()
      // the leave goes out next: other nodes then fail calls to us with NodeDownError instead of
      // finding our names gone while we still count as a member
      await this.discovery.stop()
      await this.connector.stop()
      await this.membership.stop()
      this.distribution.stop()
      this.groups.stop()
      this.debug.stop()
      this.partitions.stop()
      this.load.stop()
      // supervisors first, or they would restart the actors stopped under them
      await Promise.allSettled([...this.supervisors].map(async s => s.stop()))
      await this.actors.stopAll()
      await this.registry.stop()
      await this.gossip.stop()
      await this.messaging.stop()
      await this.host.stop()
    } finally {
      // last, and whatever failed before it (a crashed host, say): probes keep answering (not ready) while the
      // node drains and leaves, and a part that fails to stop must not leave the port open
      await this.http?.stop()
    }
  }

  /** Undoes a start that failed part way, so a bad start leaves no socket or timer behind. */
  async abandon (): Promise<void> {
    this.state = 'stopped'
    await Promise.allSettled([this.http?.stop(), this.host.stop()])
  }

  async spawn<Args extends unknown[]>(actor: ActorClass<any, Args>, options: SpawnOptions<Args> = {}): Promise<ActorRef> {
    this.assertRunning()
    if (options.distribute === true) { return this.distribution.spawn(actor, options.name, options.args ?? [], options) }
    const cell = await this.actors.spawn(actor, options.args ?? [], options.name)
    if (options.name != null) {
      try {
        await this.registry.register(options.name, cell.ref, { signal: options.signal, visible: options.visible })
      } catch (err) {
        await this.actors.stop(cell.ref.id)
        throw err
      }
    }
    return cell.ref
  }

  define (actor: ActorClass, type?: string): void {
    this.distribution.define(actor, type)
  }

  async migrate (target: Target, options: MigrateOptions): Promise<ActorRef> {
    this.assertRunning()
    if (typeof target === 'string') { return this.distribution.migrate(target, options.to, options.signal) }
    const name = distributedNameOf(target)
    if (name == null) { throw new ActorNotFoundError(`distributed actor ${target.node}/${target.id} (only distributed actors move)`) }
    return this.distribution.migrate(name, options.to, options.signal)
  }

  async supervise (spec: SupervisorSpec): Promise<Supervisor> {
    this.assertRunning()
    const supervisor = new LocalSupervisor({
      actors: this.actors,
      register: async (name, ref) => { await this.registry.register(name, ref) },
      // a node that is stopping leaves the cluster, names and all: no tombstone to write
      unregister: async (name) => { if (this.state === 'running') { await this.registry.unregister(name) } },
      log: this.logger.forComponent('foundation:supervisor')
    }, spec, {
      onFailed: (error) => {
        this.supervisors.delete(supervisor)
        this.safeDispatchEvent('supervisor:failed', { detail: { name: supervisor.name, error } })
      },
      onStopped: () => { this.supervisors.delete(supervisor) }
    })
    await supervisor.start()
    this.supervisors.add(supervisor)
    return supervisor
  }

  async stopActor (target: Target): Promise<void> {
    const name = this.distributedTarget(target)
    if (name != null) {
      await this.distribution.stopActor(name)
      return
    }
    const ref = typeof target === 'string' ? this.actors.named(target)?.ref : target
    if (ref == null || ref.node !== this.id) { throw new ActorNotFoundError(typeof target === 'string' ? target : `${target.node}/${target.id}`) }
    // a supervised actor is stopped through its supervisor, or it would be restarted
    for (const supervisor of this.supervisors) {
      const child = supervisor.childOf(ref.id)
      if (child != null) {
        await child.supervisor.stopChild(child.id)
        return
      }
    }
    const cell = await this.actors.stop(ref.id)
    if (cell?.name != null) { await this.registry.unregister(cell.name) }
  }

  send (target: Target, message: unknown): void {
    this.assertRunning()
    const span = this.tracing?.outgoing('send', 'producer', typeof target === 'string' ? target : target.id)
    if (span === undefined) {
      // known untraced: nothing below looks the trace up again
      this.sendTo(target, message, null)
      return
    }
    try {
      this.sendTo(target, message, span)
      span.end()
    } catch (err) {
      span.end(err)
      throw err
    }
  }

  /** The message carries `trace` by hand to the wire or the mailbox; distributed actors read it from the context. */
  private sendTo (target: Target, message: unknown, trace: TraceContext | null): void {
    if (isActorRef(target)) {
      const name = distributedNameOf(target)
      if (name != null) { this.inTrace(trace, () => { this.distribution.send(name, message) }) } else { this.sendToRef(target, message, trace) }
      return
    }
    const local = this.actors.named(target)
    if (local != null) {
      local.deliver(message, undefined, trace)
      return
    }
    if (this.distribution.has(target)) {
      this.inTrace(trace, () => { this.distribution.send(target, message) })
      return
    }
    // names resolve in order of sends, so two sends to one name arrive in the order they were made
    this.names.resolve(target).then(
      (ref) => {
        if (ref == null) { this.undeliverable(`no actor named "${target}"`) } else { this.sendToRef(ref, message, trace) }
      },
      (err: Error) => { this.undeliverable(`lookup of "${target}" failed: ${err.message}`) }
    )
  }

  async call<Reply = unknown>(target: Target, message: unknown, options: CallOptions = {}): Promise<Reply> {
    this.assertRunning()
    const span = this.tracing?.outgoing('call', 'client', typeof target === 'string' ? target : target.id)
    if (span === undefined) { return this.callTo(target, message, options, null) }
    try {
      const reply = await this.callTo<Reply>(target, message, options, span)
      span.end()
      return reply
    } catch (err) {
      span.end(err)
      throw err
    }
  }

  /** As sendTo: the call carries `trace` by hand, and distributed actors read it from the context. */
  private async callTo<Reply>(target: Target, message: unknown, options: CallOptions, trace: TraceContext | null): Promise<Reply> {
    if (options.signal?.aborted === true) { throw new AbortError(options.signal.reason) }
    const timeout = options.timeout ?? this.config.callTimeout
    let ref: ActorRef | undefined
    if (isActorRef(target)) {
      const name = distributedNameOf(target)
      if (name != null) { return this.inTrace(trace, async () => this.distribution.call(name, message, timeout, options.signal)) as Promise<Reply> }
      ref = target
    } else {
      ref = this.actors.named(target)?.ref
      if (ref == null && this.distribution.has(target)) { return this.inTrace(trace, async () => this.distribution.call(target, message, timeout, options.signal)) as Promise<Reply> }
      ref ??= await this.names.resolve(target, options.signal)
      if (ref == null) { throw new ActorNotFoundError(`named "${target}"`) }
    }
    if (ref.node === this.id) {
      const cell = this.actors.get(ref.id)
      if (cell == null) { throw new ActorNotFoundError(`${ref.node}/${ref.id}`) }
      return callLocal<Reply>(cell, message, timeout, options.signal, trace)
    }
    if (!this.membership.isActive(ref.node)) { throw new NodeDownError(ref.node) }
    return this.messaging.call(ref.node, ref.id, message, { timeout, signal: options.signal }, trace) as Promise<Reply>
  }

  async lookup (name: string, options: { signal?: AbortSignal } = {}): Promise<ActorRef | undefined> {
    return this.actors.named(name)?.ref ?? this.distribution.lookup(name) ?? this.names.resolve(name, options.signal)
  }

  async debugCluster (options: DebugClusterOptions = {}): Promise<ClusterDebug> {
    this.assertRunning()
    return this.debug.cluster(options)
  }

  async trace<T>(name: string, fn: () => T | Promise<T>): Promise<Traced<T>> {
    if (this.tracing === undefined) { return { traceId: undefined, value: await fn() } }
    return this.tracing.trace(name, fn)
  }

  async traceRequest (traceId: string, options: TraceRequestOptions = {}): Promise<TraceResult> {
    this.assertRunning()
    return this.traces.request(traceId, options)
  }

  members (): Member[] {
    return this.membership.members()
  }

  info (): ClusterInfo {
    const discovery = this.discovery.info()
    const active = this.membership.activeMembers()
    const local = this.localLoad()
    const others = active.filter(m => m.id !== this.id).map(m => this.load.of(m.id))
    return {
      cluster: this.config.clusterName,
      id: this.id,
      name: this.name,
      nodes: active.length,
      strategy: discovery.strategies.map(s => s.name).join('+') || 'none',
      discovery,
      topology: 'full-mesh',
      health: this.health(active),
      ...totalLoad(local, others),
      node: local,
      undeliverable: this.messaging.stats.undeliverable + this.messaging.stats.lost,
      distributed: { actors: this.distribution.directory.liveCount, local: this.distribution.localCount },
      members: active.map(({ id, name, roles, status }) => ({ id, name, roles, status, ...(id === this.id ? local : this.load.of(id)) })),
      partition: { unreachable: this.partitions.unreachable().length, majority: this.partitions.hasQuorum('majority') },
      ...(this.http?.url != null ? { http: this.http.url } : {}),
      uptime: this.uptime
    }
  }

  private localLoad (): NodeLoad {
    return { processes: this.actors.count, messageRate: Math.round(this.messageRate.perSecond()) }
  }

  private health (active: Member[]): ClusterHealth {
    if (this.state !== 'running') { return 'stopped' }
    return active.some(m => m.status === 'suspect') ? 'degraded' : 'healthy'
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

  private sendToRef (ref: ActorRef, message: unknown, trace: TraceContext | null): void {
    if (ref.node === this.id) {
      const cell = this.actors.get(ref.id)
      if (cell == null) { this.undeliverable(`no actor ${ref.id} on this node`) } else { cell.deliver(message, undefined, trace) }
      return
    }
    if (!this.membership.isActive(ref.node)) {
      this.undeliverable(`node ${ref.node} is not a member`)
      return
    }
    this.messaging.send(ref.node, ref.id, message, trace)
  }

  /** Runs code that finds a message's trace in the context (distributed actors), inside `trace`. */
  private inTrace<T> (trace: TraceContext | null, fn: () => T): T {
    return trace === null || this.tracing === undefined ? fn() : this.tracing.within(trace, fn)
  }

  /** The distributed actor a target stands for: a distributed ref, or a name no actor of this node goes by. */
  private distributedTarget (target: Target): string | undefined {
    if (typeof target !== 'string') { return distributedNameOf(target) }
    return this.actors.named(target) == null && this.distribution.has(target) ? target : undefined
  }

  private unregisterName (name: string): void {
    if (this.state !== 'running') { return }
    this.registry.unregister(name).catch((err: Error) => { this.log.error('could not unregister %s: %s', name, err.message) })
  }

  private undeliverable (reason: string): void {
    this.messaging.stats.undeliverable++
    this.log('undeliverable message: %s', reason)
  }

  private assertRunning (): void {
    if (this.state !== 'running') { throw new NodeNotRunningError(this.state) }
  }
}

/** Internal settings no user config reaches: tests use them to cut the network and to redial faster. */
export interface NodeSeams {
  /** peers refused right now, on every dial and handshake */
  refusePeer?(peerId: string): boolean
  connector?: ConnectorInit
  /** the connection protector for the cluster secret (default: the node's own; see CreateHostOptions) */
  protector?: CreateHostOptions['protector']
  /** the transports (default TCP): `@libp2p/memory` runs hundreds of nodes in one process; see CreateHostOptions */
  transports?: CreateHostOptions['transports']
}

/** The name in a distributed actor's ref; undefined for any other ref. */
function distributedNameOf (ref: ActorRef): string | undefined {
  return ref.id.startsWith(DISTRIBUTED_PREFIX) ? ref.id.slice(DISTRIBUTED_PREFIX.length) : undefined
}

export async function startFoundationNode (config: FoundationConfig, seams: NodeSeams = {}): Promise<FoundationNode> {
  const logger = defaultLogger()
  // before the host, whose libp2p metrics go into the same registry
  const metrics = config.metrics.enabled ? new NodeMetrics({ process: config.metrics.process }) : undefined
  const host = await createHost({
    cluster: config.clusterName,
    listen: config.listen,
    secret: config.secret != null ? preSharedKeyFrom(config.secret) : undefined,
    mdns: mdnsOf(config),
    maxMessageSize: config.maxMessageSize,
    privateKey: config.identity.keyFile != null ? await loadIdentity(config.identity.keyFile) : undefined,
    allowPeers: config.security.allowPeers,
    refusePeer: seams.refusePeer,
    protector: seams.protector,
    transports: seams.transports,
    metrics: metrics?.libp2p()
  })
  const node = new FoundationNode(config, host, logger, seams, metrics)
  try {
    await node.start()
  } catch (err) {
    await node.abandon()
    throw err
  }
  return node
}

/** The host runs the mDNS responder only when the mdns strategy is chosen: a node found otherwise stays silent. */
function mdnsOf (config: FoundationConfig): { enabled: boolean, interval: number } {
  const mdns = config.discovery.strategies.find(s => s.name === 'mdns')
  return mdns != null ? { enabled: true, interval: mdns.init.interval } : { enabled: false, interval: 0 }
}
