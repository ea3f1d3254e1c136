// Everything one node offers to look into it: its event log, debug answers, readiness, metrics, traces and HTTP.
import { DISTRIBUTED_PREFIX } from '../cluster/system-endpoints.ts'
import { DebugService } from './debug/debug-service.ts'
import { HttpUnavailableError } from './errors.ts'
import { EventLog } from './events/event-log.ts'
import { Readiness } from './health/readiness.ts'
import { TRACE_ENDPOINT, TraceRequests } from './tracing/trace-requests.ts'
import type { DashboardFeed } from './dashboard/dashboard-feed.ts'
import type { NodeLifecycle } from './health/readiness.ts'
import type { HttpEndpoint, HttpEndpointInit } from './http/http-endpoint.ts'
import type { ServeHttp } from './http/serve-http.ts'
import type { MetricsSources, NamedCacheStats } from './metrics/index.ts'
import type { ServiceStats } from '../balancing/index.ts'
import type { NodeMetrics } from './metrics/node-metrics.ts'
import type { NodeTracing } from './tracing/node-tracing.ts'
import type { ActorCell } from '../actors/actor-cell.ts'
import type { ClusterEvents, ClusterInfo } from '../cluster/index.ts'
import type { SystemEndpoints } from '../cluster/system-endpoints.ts'
import type { JobProgress } from '../compute/index.ts'
import type { DiscoveryInfo } from '../discovery/cluster-discovery.ts'
import type { Membership } from '../membership/index.ts'
import type { Libp2pMembership } from '../membership/libp2p-membership.ts'
import type { NamedChannelStats } from '../messaging/channels/index.ts'
import type { DirectMessagingStats } from '../messaging/direct/direct-messaging.ts'
import type { ComponentLogger, Connection, TypedEventTarget } from '@libp2p/interface'

/** What the observability of one node reads from it; every function is read live, when asked. */
export interface NodeObservabilityComponents {
  /** this node's peer id and name, and its cluster's name */
  id: string
  name: string
  cluster: string
  /** the node's own events: the event log records them and the metrics count them */
  events: TypedEventTarget<ClusterEvents>
  lifecycle(): NodeLifecycle
  /** ms since the node was created */
  uptime(): number
  /** `cluster.info()`, served at /cluster */
  info(): ClusterInfo
  membership: Pick<Membership, 'get' | 'members' | 'activeMembers'>
  actors: MetricsSources['actors'] & { cells(): IterableIterator<ActorCell> }
  messaging: {
    readonly stats: DirectMessagingStats
    call(peer: string, target: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  }
  pubsub: MetricsSources['pubsub']
  compression: MetricsSources['compression']
  /** the name table: its size, the name messages it rejected, and whether every member's names were read */
  names: { knownNames(): number, tombstones(): number, readonly invalidMessages: number, synced(): boolean }
  discovery: { info(): DiscoveryInfo }
  /** distributed actors are being handed off to other members */
  draining(): boolean
  /** cache partitions this node should keep and is still receiving */
  cacheUnsynced(): number
  /** the caches this node opened, each with this node's counters: for the metrics and the debug answer */
  caches(): NamedCacheStats[]
  /** the map-reduce jobs this node coordinates, running then the last finished: for the debug answer */
  jobs(): JobProgress[]
  /** each service this node routed calls to, with this node's counters: for the metrics */
  routes(): ServiceStats[]
  /** each named channel of this node, with its counters here: for the metrics */
  channels?(): NamedChannelStats[]
  /** whether a supervisor runs this actor */
  supervised(actorId: string): boolean
  /** what the gate for browsers' admission tickets counted, by verdict; absent without a cluster secret */
  admission?(): Partial<Record<string, number>> | undefined
  /** messages per second this node handles */
  messageRate(): number
  connections(): Connection[]
  /** members declared dead and not yet forgotten */
  unreachable(): number
  /** periodic mDNS queries that came due; undefined when mDNS does not run */
  mdnsRounds(): number | undefined
  /** where the '$debug' and '$trace' endpoints are registered */
  endpoints: SystemEndpoints
  tracing: NodeTracing | undefined
  metrics: NodeMetrics | undefined
  logger: ComponentLogger
}

export interface NodeObservabilityInit {
  /** serve health, metrics, cluster state and the dashboard over HTTP when enabled */
  http: HttpEndpointInit & { enabled: boolean }
  /** ms each member has to answer a trace request */
  callTimeout: number
  /** builds the HTTP endpoint and the dashboard's feed, where the platform can serve (see http/serve-http.ts) */
  serveHttp?: ServeHttp
}

export interface NodeObservability {
  /** the recent-events log: member, actor, partition, name and supervisor events, newest last */
  eventLog: EventLog
  /** answers '$debug' and gathers debugCluster() */
  debug: DebugService
  readiness: Readiness
  /** traceRequest, and the '$trace' endpoint that answers other nodes' */
  traces: TraceRequests
  /** undefined when HTTP is not enabled */
  http: HttpEndpoint | undefined
  /** the dashboard's live stream, when HTTP is served */
  dashboard: DashboardFeed | undefined
}

/** Builds the parts and connects them to the node; nothing listens or serves until the node starts them. */
export function createNodeObservability (components: NodeObservabilityComponents, init: NodeObservabilityInit): NodeObservability {
  const { id, membership, messaging, logger } = components
  const eventLog = new EventLog({ nameOf: (peer) => membership.get(peer)?.name })
  eventLog.watch(components.events)
  const debug = new DebugService({
    local: {
      id,
      name: components.name,
      distributedPrefix: DISTRIBUTED_PREFIX,
      actors: () => components.actors.cells(),
      actorCount: () => components.actors.count,
      supervised: (actorId) => components.supervised(actorId),
      connections: () => components.connections(),
      nameOf: (peer) => membership.get(peer)?.name,
      messageRate: () => components.messageRate(),
      messages: () => ({ in: messaging.stats.messagesIn, out: messaging.stats.messagesOut }),
      events: (limit) => eventLog.recent(limit),
      uptime: () => components.uptime(),
      caches: () => components.caches(),
      jobs: () => components.jobs()
    },
    endpoints: components.endpoints,
    activeMembers: () => membership.activeMembers(),
    call: async (peer, target, body, options) => messaging.call(peer, target, body, options),
    log: logger.forComponent('foundation:debug')
  })
  const readiness = new Readiness({
    lifecycle: () => components.lifecycle(),
    draining: () => components.draining(),
    namesSynced: () => components.names.synced(),
    cacheUnsynced: () => components.cacheUnsynced(),
    otherMembers: () => membership.activeMembers().length - 1,
    strategies: () => components.discovery.info().strategies,
    mdnsRounds: () => components.mdnsRounds(),
    uptime: () => components.uptime()
  })
  components.metrics?.attach({
    members: () => membership.members(),
    messaging,
    pubsub: components.pubsub,
    compression: components.compression,
    actors: components.actors,
    names: components.names,
    // only the libp2p membership counts these; another implementation reads as none
    membershipInvalidFrames: () => (membership as Partial<Libp2pMembership>).invalidFrames ?? 0,
    membershipRefused: () => (membership as Partial<Libp2pMembership>).refusedRecords ?? { missing: 0, forged: 0, ungranted: 0 },
    admissionRefused: () => components.admission?.(),
    localHealth: () => (membership as Partial<Libp2pMembership>).localHealth ?? 0,
    unreachable: () => components.unreachable(),
    ready: () => readiness.report().ready,
    caches: () => components.caches(),
    routes: () => components.routes(),
    channels: () => components.channels?.() ?? [],
    events: components.events
  })
  const traces = new TraceRequests({
    self: id,
    tracing: components.tracing,
    activeMembers: () => membership.activeMembers(),
    call: async (peer, target, body, options) => messaging.call(peer, target, body, options),
    callTimeout: init.callTimeout
  })
  components.endpoints.register(TRACE_ENDPOINT, traces.endpoint)

  if (!init.http.enabled) { return { eventLog, debug, readiness, traces, http: undefined, dashboard: undefined } }
  if (init.serveHttp == null) { throw new HttpUnavailableError() }
  const { http, dashboard } = init.serveHttp(components, { debug, eventLog, readiness }, init.http)
  return { eventLog, debug, readiness, traces, http, dashboard }
}
