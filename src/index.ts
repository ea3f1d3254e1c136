// foundation-mesh: Node services that behave as one cluster, on libp2p.
import { issueAdmissionTicket } from './admission/issue.ts'
import { startFoundationNode } from './cluster/start-node.ts'
import { resolveConfig } from './config/resolve.ts'
import { generateSecret } from './config/secret.ts'
import { startFederation } from './federation/start-federation.ts'
import type { IssueTicketOptions } from './admission/issue.ts'
import type { Cluster } from './cluster/index.ts'
import type { FoundationInit } from './config/index.ts'
import type { Federation, FederationInit } from './federation/index.ts'

/**
 * Starts a node in each of several clusters, each entry of `clusters` a whole set of options with its own secret,
 * and returns the {@link Federation} of them. Every entry is checked before any node starts: a wrong value throws
 * {@link ConfigError} naming `clusters.<name>.<field>`; a node that fails to start stops the others. With
 * `gateway: true` this process forwards messages between its clusters for members of one of them only. (Declared
 * before the one-cluster form, so `ReturnType<typeof Foundation.start>` stays a {@link Cluster}.)
 *
 * @example
 * ```ts
 * const federation = await Foundation.start({
 *   clusters: { app: { secret: Foundation.generateSecret() }, ai: { secret: Foundation.generateSecret() } },
 *   gateway: true
 * })
 * const app: Cluster = federation.get('app')
 * await federation.stop()
 * ```
 */
function start (init: FederationInit): Promise<Federation>
/**
 * Starts a node and joins its cluster. With no options: the 'foundation' cluster, found by mDNS on the
 * local network (the development profile; NODE_ENV=production or FOUNDATION_PROFILE choose another). Options
 * merge with a config file and FOUNDATION_* variables and are checked first: a wrong value throws
 * {@link ConfigError} naming its field, file or variable; production without a secret throws
 * {@link MissingSecretError}. See {@link FoundationInit} for every option.
 *
 * @example
 * ```ts
 * const cluster = await Foundation.start({ clusterName: 'shop' })
 * await cluster.spawn(Counter, { name: 'counter' })
 * const n = await cluster.call('counter', { get: true }, { timeout: 1000 })
 * await cluster.stop()
 * ```
 */
function start (init?: FoundationInit): Promise<Cluster>
async function start (init: FoundationInit | FederationInit = {}): Promise<Cluster | Federation> {
  if (typeof init === 'object' && init != null && 'clusters' in init) { return startFederation(init) }
  return startFoundationNode(resolveConfig(init))
}

/**
 * The entry point: `Foundation.start()` starts a node and joins its cluster, returning a {@link Cluster}.
 *
 * @example
 * ```ts
 * import { Foundation } from 'foundation-mesh'
 *
 * const cluster = await Foundation.start()   // zero config: mDNS on the local network
 * cluster.info().nodes                         // members found so far, this node included
 * await cluster.stop()
 * ```
 */
export const Foundation = {
  start,

  /**
   * An admission ticket for a browser member of a cluster with a secret: the application's server issues one after it
   * has authenticated the user, for the page's peer id, and the page shows it to the members it connects to. The page
   * never holds the secret; a forged, expired or other cluster's ticket is refused, and the page's start fails with
   * `TicketRefusedError` naming why.
   *
   * @example
   * ```ts
   * const ticket = Foundation.issueTicket({ secret: process.env.FOUNDATION_SECRET ?? '', clusterName: 'shop', peerId: '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA' })
   * ```
   */
  issueTicket (options: IssueTicketOptions): string {
    return issueAdmissionTicket(options)
  },

  /**
   * A new random cluster secret, to give every node of one cluster as `secret` (or FOUNDATION_SECRET). Nodes with
   * another secret, or none, can never connect.
   *
   * @example
   * ```ts
   * const secret = Foundation.generateSecret()   // store it where every node can read it
   * const cluster = await Foundation.start({ profile: 'production', secret })
   * ```
   */
  generateSecret
}

export type { TopologyInfo } from './overlay/libp2p/topology-control.ts'
export type { Topology, TopologyChange } from './overlay/topology-policy.ts'
export type { Cluster, ClusterInfo, ClusterEvents, ClusterHealth, CallOptions, ConnectOptions, MigrateOptions, Target } from './cluster/index.ts'
export type { Federation, FederationInit, FederationEvents, FederationInfo, ClusterReachability, CrossClusterEvents, CrossClusterMessaging, RemoteClusterInfo } from './federation/index.ts'
export { ClusterUnknownError, ClusterUnreachableError, NameNotFoundError } from './federation/errors.ts'
export type {
  FoundationInit, DiscoveryInit, MessagingInit, RegistryInit, DistributionConfigInit, SecurityInit, IdentityInit, HttpInit, MetricsInit, ProfileName, ClusterChoice,
  OverlayConfigInit, TopologyChoice,
  FoundationConfig, ResolvedDiscovery, ResolvedStrategy
} from './config/index.ts'
export type { MdnsInit, StaticInit, DnsInit, KubernetesInit, ConsulInit, EtcdInit, AwsInit, GcpInit } from './discovery/inits.ts'
export type { Candidate, DiscoveryStrategy, DiscoveryEvents, DiscoveryComponents, StrategyName, StrategyStatus } from './discovery/index.ts'
export type { DiscoveryInfo } from './discovery/cluster-discovery.ts'
export type { DistributeOptions, DistributedActorInfo, FailoverDetail, MovedDetail, DuplicateDetail, QuorumRule } from './distribution/index.ts'
export type { Placement, PlacementCandidate, PlacementFunction, PlacementStrategyName } from './placement/index.ts'
export type { Actor, ActorClass, ActorContext, ActorRef, SpawnOptions, ExitReason } from './actors/index.ts'
export type {
  Supervisor, SupervisorSpec, ChildSpec, ActorChildSpec, SupervisorChildSpec, ChildInfo, ChildStatus, ChildExit, ChildRestart,
  SupervisorEvents, SupervisorFailure, SupervisorStrategy, RestartPolicy
} from './supervision/index.ts'
export type { Member, MemberStatus, MembershipInit } from './membership/index.ts'
// referenced by the types above, so the API reference can link them
export type { NodeLoad } from './cluster/load-report.ts'
export type { SelfDescription } from './discovery/index.ts'
export type { ClusterMembershipInit } from './config/index.ts'
export type { ConfigErrorOptions } from './config/errors.ts'
export type { Env } from './config/env.ts'
export type { Groups, GroupEvents, GroupMember, MulticallOptions, MulticallResult } from './groups/index.ts'
export type { TracingInit, SpanRecord, SpanKind, Traced, TraceResult, TraceRequestOptions } from './observability/tracing/index.ts'
export { InvalidTraceIdError, InvalidTraceRequestError, InvalidTraceAnswerError } from './observability/tracing/errors.ts'
export type { PubSub, Subscription, SubscriptionHandler, PublicationMeta, PublishOptions } from './messaging/pubsub/index.ts'
export type { Channel, ChannelConfig, ChannelInit, ChannelPriority, ChannelStats } from './messaging/channels/index.ts'
export { ChannelUnknownError, ChannelKeyRequiredError } from './messaging/channels/errors.ts'
export { ConfigError, MissingSecretError } from './config/errors.ts'
export type { IssueTicketOptions } from './admission/issue.ts'
export { TicketRefusedError, AdmissionTimeoutError } from './admission/ticket-wire.ts'
// the options checked and resolved without starting a node, and the resolved config's printable view
export { resolveConfig } from './config/resolve.ts'
export { redactedConfig } from './config/redact.ts'
export { ActorNotFoundError, ActorHandlerError, ActorStoppedError, DuplicateNameError, DuplicateActorIdError } from './actors/errors.ts'
export { CallTimeoutError, NodeDownError, AbortError, MessageTooLargeError, PeerOverloadedError, PubSubNotRunningError } from './messaging/errors.ts'
export { NodeNotRunningError, JoinTimeoutError } from './cluster/errors.ts'
export { HttpPortInUseError } from './observability/errors.ts'
export { InvalidGroupNameError, NotLocalActorError, InvalidGroupMessageError } from './groups/errors.ts'
export { SupervisorSpecError, ChildStartError, RestartIntensityError, UnknownChildError, SupervisorStoppedError } from './supervision/errors.ts'
export { NameTakenError, InvalidNameError, NameNotVisibleError } from './names/errors.ts'
export { UnknownActorTypeError, NoEligibleNodeError, NoQuorumError, PlacementFailedError, DistributionOptionError } from './distribution/errors.ts'
export type { Cache, CacheEvents, CacheMode, CacheOptions, CacheStats, EvictedDetail, LostDetail, RebalanceDetail, WriteOptions } from './cache/index.ts'
export { CacheOptionError, CacheUnavailableError, CacheValueError, EntryTooLargeError } from './cache/errors.ts'
export type { ChunkInfo, JobProgress, JobState, MapReduceOptions, Reducer, TaskContext, TaskFunction, TaskOptions, ThreadTask } from './compute/index.ts'
export { ChunkTooLargeError, MapReduceOptionError, NoWorkersLeftError, RetryableTaskError, TaskFailedError, TaskNameError, TaskNotFoundError, TaskOptionError } from './compute/errors.ts'
export type { Balancer, BalancingStrategy, RouteConstraints, RouteOptions, ServiceStats } from './balancing/index.ts'
export type { CodecName, CompressionMode, CompressionPolicy } from './wire/compression/index.ts'
export { NoEligibleMemberError, RouteOptionError, ServiceNotFoundError } from './balancing/errors.ts'
export { PlacementError, InvalidPlacementOptionError } from './placement/errors.ts'
export type { NameConflictDetail } from './names/index.ts'
export type { PartitionDetail } from './cluster/partition-watch.ts'
export type { ClusterDebug, DebugClusterOptions, NodeDebugInfo, ActorDebugInfo, LinkDebugInfo, CacheDebugInfo, UnansweredMember } from './observability/debug/index.ts'
export type { RecordedEvent, RecordedEventType } from './observability/events/index.ts'
export type { ClusterMetrics } from './observability/metrics/index.ts'
export type { ReadinessReport, ReadinessCheck, NodeLifecycle } from './observability/health/readiness.ts'
export { InvalidDebugRequestError, InvalidDebugAnswerError } from './observability/debug/errors.ts'
export type { DevApp, DevAppCleanup, DevAppContext } from './cli/app.ts'
export { DiscoveryError, DiscoveryUnreachableError, DiscoveryForbiddenError, DiscoveryResponseError } from './discovery/errors.ts'
export { DiscoveryDependencyError } from './discovery/dependency.ts'
