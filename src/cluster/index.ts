// The cluster as one application sees it: actors, messaging, pub/sub and the live view of its members.
import type { NodeLoad } from './load-report.ts'
import type { PartitionDetail } from './partition-watch.ts'
import type { ActorClass, ActorRef, SpawnOptions } from '../actors/index.ts'
import type { Balancer, RouteOptions } from '../balancing/index.ts'
import type { Cache, CacheOptions } from '../cache/index.ts'
import type { MapReduceOptions, Reducer, TaskFunction, TaskOptions, ThreadTask } from '../compute/index.ts'
import type { DiscoveryInfo } from '../discovery/cluster-discovery.ts'
import type { DiscoveryError } from '../discovery/errors.ts'
import type { DuplicateDetail, FailoverDetail, MovedDetail } from '../distribution/index.ts'
import type { CrossClusterEvents, CrossClusterMessaging, RemoteClusterInfo } from '../federation/index.ts'
import type { Groups } from '../groups/index.ts'
import type { Member } from '../membership/index.ts'
import type { Channel } from '../messaging/channels/index.ts'
import type { PubSub } from '../messaging/pubsub/index.ts'
import type { NameConflictDetail } from '../names/index.ts'
import type { ClusterDebug, DebugClusterOptions } from '../observability/debug/index.ts'
import type { ReadinessReport } from '../observability/health/readiness.ts'
import type { ClusterMetrics } from '../observability/metrics/index.ts'
import type { Traced, TraceRequestOptions, TraceResult } from '../observability/tracing/index.ts'
import type { TopologyInfo } from '../overlay/libp2p/topology-control.ts'
import type { Topology, TopologyChange } from '../overlay/topology-policy.ts'
import type { Supervisor, SupervisorFailure, SupervisorSpec } from '../supervision/index.ts'
import type { TypedEventTarget } from '@libp2p/interface'

export type Target = ActorRef | string

export interface CallOptions {
  /** milliseconds to wait for the answer (default messaging.callTimeout, 5 s) */
  timeout?: number
  signal?: AbortSignal
}

export interface ConnectOptions {
  /** milliseconds to wait for each reached peer to join (default 10 s) */
  timeout?: number
  signal?: AbortSignal
}

export interface MigrateOptions {
  /** the member to move to: its peer id or its name */
  to: string
  signal?: AbortSignal
}

export type ClusterHealth = 'healthy' | 'degraded' | 'stopped'

/** A snapshot of the cluster as this node sees it, computed from live state. */
export interface ClusterInfo {
  cluster: string
  /** this node's peer id and name */
  id: string
  name: string
  /** alive and suspect members, this node included */
  nodes: number
  /** how members are found: the discovery strategies, primary first, joined by '+' ('none' without any) */
  strategy: string
  /** each strategy's state (peers found, failures, last error) and why these strategies were chosen */
  discovery: DiscoveryInfo
  /** the overlay's shape in force on this node: every member linked to every other, or each to a few neighbours */
  topology: Topology
  /** why that shape, since when, and the connections it keeps */
  overlay: TopologyInfo
  /** 'degraded' while any member is suspected */
  health: ClusterHealth
  /** actors running in the cluster: this node's now, the others' as they last reported (every 2 s) */
  processes: number
  /** messages per second handled in the cluster (actor messages and publications), measured by each node */
  messageRate: number
  /** this node's own share of processes and messageRate */
  node: NodeLoad
  /** messages from or to this node that reached no actor: unknown name or id, node not a member, or lost with a broken stream */
  undeliverable: number
  /** distributed actors: live in the whole cluster, and running on this node */
  distributed: { actors: number, local: number }
  /** the active members, each with its last reported load (absent until its first report) */
  members: Array<Pick<Member, 'id' | 'name' | 'roles' | 'status'> & Partial<NodeLoad>>
  /** members declared dead and not yet forgotten (a partition looks like a crash), and whether this side is the majority */
  partition: { unreachable: number, majority: boolean }
  /** the other clusters reached through gateways among the members: how many gateways each has, and whether any is usable */
  remoteClusters: RemoteClusterInfo[]
  /** this node's HTTP endpoint (health, metrics, dashboard), such as 'http://127.0.0.1:9464', when it serves one */
  http?: string
  uptime: number
}

export interface ClusterEvents extends CrossClusterEvents {
  'member:join': CustomEvent<Member>
  'member:suspect': CustomEvent<Member>
  'member:alive': CustomEvent<Member>
  'member:leave': CustomEvent<Member>
  /** actors of a lost member restarted on this node */
  'actor:failover': CustomEvent<FailoverDetail>
  /** an actor of this node moved to another member with its state */
  'actor:moved': CustomEvent<MovedDetail>
  /** this node ran a second instance of a name (each side of a healed partition ran one); this one ended */
  'actor:duplicate': CustomEvent<DuplicateDetail>
  /** an actor ended here because this side of a partition lost the quorum the actor asks for */
  'actor:quorum-lost': CustomEvent<{ name: string }>
  /** a discovery strategy failed a round (unreachable backend, missing permission, bad answer); it retries by itself */
  'discovery:error': CustomEvent<DiscoveryError>
  /** a top-level supervisor gave up after too many restarts; its children are stopped */
  'supervisor:failed': CustomEvent<SupervisorFailure>
  /** members became unreachable (declared dead): a partition or crashes, which look alike from here */
  'partition:detected': CustomEvent<PartitionDetail>
  /** unreachable members came back */
  'partition:healed': CustomEvent<PartitionDetail & { returned: string[] }>
  /** two writes of one name met after a partition; on the losing node (`local`) its actor is stopped */
  'name:conflict': CustomEvent<NameConflictDetail>
  /** the overlay switched shape as the cluster's size crossed a threshold; `reason` says which */
  'topology:change': CustomEvent<TopologyChange>
}

/**
 * One node's handle on its cluster, as `Foundation.start` returns it: actors, messaging, pub/sub, process groups,
 * supervisors and the live membership view. Membership, failover and partition changes arrive as events.
 *
 * @example
 * ```ts
 * const cluster = await Foundation.start({ clusterName: 'shop' })
 * cluster.addEventListener('member:join', (event) => {
 *   const joined: Member = event.detail
 *   cluster.send('audit', { joined: joined.name })
 * })
 * cluster.addEventListener('partition:detected', (event) => {
 *   cluster.send('audit', { unreachable: event.detail.unreachable.length })
 * })
 * ```
 */
export interface Cluster extends TypedEventTarget<ClusterEvents>, CrossClusterMessaging {
  /** this node's peer id */
  readonly id: string
  readonly name: string
  /**
   * Topics namespaced per cluster: a publication reaches the subscribers of every node.
   *
   * @example
   * ```ts
   * let latest = 0
   * const subscription = cluster.pubsub.subscribe<number>('prices', (price, meta) => {
   *   if (!meta.local) latest = price
   * })
   * await cluster.pubsub.publish('prices', 42)
   * subscription.unsubscribe()
   * ```
   */
  readonly pubsub: PubSub
  /**
   * A named pub/sub channel of `messaging.channels`: the same operations as `pubsub`, on streams and queues of its own
   * to every member, so a channel flooded with bulk messages never delays another's. A publication goes straight to
   * each other member, which hands it to its subscribers; with a `key`, publications of one key keep their order. On a
   * `latestWins` channel a newer publication replaces the one of the same topic and key still waiting for a slow
   * member, and each publish needs a `key` ({@link ChannelKeyRequiredError}). An unconfigured name throws
   * {@link ChannelUnknownError}, listing the configured ones.
   *
   * @example
   * ```ts
   * // every node: Foundation.start({ messaging: { channels: { control: {}, bulk: { parallelism: 4 }, state: { latestWins: true } } } })
   * cluster.channel('control').subscribe<{ drain: boolean }>('commands', (command) => { cluster.send('worker', command) })
   * await cluster.channel('bulk').publish('rows', { id: 7, text }, { key: 'table-7' })   // one key, one order
   * await cluster.channel('state').publish('load', { cpu: 0.4 }, { key: cluster.id })    // slow members get the newest only
   * const { dropped, replaced } = cluster.channel('state').stats()
   * ```
   */
  channel(name: string): Channel
  /**
   * Process groups: named sets of actors across the cluster, for broadcast and multicall.
   *
   * @example
   * ```ts
   * const worker = await cluster.spawn(Counter)
   * await cluster.groups.join('counters', worker)
   * cluster.groups.broadcast('counters', { inc: 1 })
   * const counts = await cluster.groups.multicall<number>('counters', { get: true }, { timeout: 1000 })
   * const total = counts.reduce((sum, r) => sum + (r.ok ? r.value : 0), 0)
   * ```
   */
  readonly groups: Groups
  /**
   * What this node's routed calls did, per service: requests, retries, retries the budget refused, ejections and the
   * actors ejected now (see `route`).
   *
   * @example
   * ```ts
   * const { requests, retries, ejected } = cluster.balancer.stats('score')
   * ```
   */
  readonly balancer: Balancer

  /**
   * Starts an actor on this node and returns its ref. With `name` the actor is registered cluster-wide, so any
   * node reaches it by that name; a name another actor holds fails the spawn ({@link DuplicateNameError} here,
   * {@link NameTakenError} elsewhere in the cluster). With `distribute: true` it becomes a distributed actor: it runs on
   * the member its `placement` chooses, and another member restarts it when that one is lost (see `define`).
   *
   * @example
   * ```ts
   * const ref = await cluster.spawn(Counter, { name: 'counter' })
   * cluster.send(ref, { inc: 1 })             // by ref...
   * cluster.send('counter', { inc: 1 })       // ...or by name, from any node
   *
   * class Greeter implements Actor<string, string> {
   *   private readonly greeting: string
   *   constructor (greeting: string) { this.greeting = greeting }
   *   receive (who: string): string { return `${this.greeting}, ${who}` }
   * }
   * await cluster.spawn(Greeter, { name: 'greeter', args: ['Hello'] })
   * ```
   */
  spawn<Args extends unknown[]>(actor: ActorClass<any, Args>, options?: SpawnOptions<Args>): Promise<ActorRef>
  /**
   * Opens a cache by name: 'partitioned' (the default: each key on an owner and `replicas` backups, moved as members
   * come and go), 'replicated' (every member keeps every entry; reads are local) or 'local' (this node only). Open a
   * distributed cache with the same mode and replicas on every node that uses it; members that keep entries of it
   * without opening it do so all the same. The same name again, with no options or the same ones, gives the same
   * handle; other options throw {@link CacheOptionError}.
   *
   * @example
   * ```ts
   * const prices = cluster.cache<number>('prices', { ttl: 60_000 })
   * await prices.set('apple', 3)
   * const price = await prices.getOrLoad('pear', async () => (await fetch('https://prices.example/pear')).json())
   * ```
   */
  cache<V = unknown>(name: string, options?: CacheOptions): Cache<V>
  /**
   * Registers a task by name on this node, for map-reduce jobs: a function, run on the event loop at most
   * `concurrency` chunks at once (I/O-bound work), or `{ module }`, whose export runs in a pool of worker threads
   * (CPU-bound work). Register it on every node that may run it: only its name and the chunks' items travel, never
   * code. The same name again replaces it. A bad name throws {@link TaskNameError}.
   *
   * @example
   * ```ts
   * cluster.task('score', async (rows: Row[], { signal }) => {
   *   const scores = await Promise.all(rows.map(async row => (await fetch(row.url, { signal })).json()))
   *   return scores.reduce((sum, s) => sum + s.value, 0)
   * })
   * cluster.task('hash', { module: new URL('./hash-worker.js', import.meta.url) })   // export default (items) => ...
   * ```
   */
  task<Item = any, Result = any>(name: string, task: TaskFunction<Item, Result> | ThreadTask, options?: TaskOptions): void
  /**
   * Runs a registered task over `source` (an array, an iterable or an async iterable, read as the job goes) in chunks
   * of `chunkSize` items, on every active member with `roles` that has the task, and folds each chunk's result into
   * the accumulator with `reduce`, on this node, exactly once. Members that finish sooner take more chunks; a member
   * lost has its chunks tried elsewhere at once, as are chunks that time out or throw a {@link RetryableTaskError},
   * up to `maxAttempts` tries. Any other error of the task rejects with {@link TaskFailedError} naming the chunk;
   * no member with the task, {@link TaskNotFoundError}; `signal` aborted, AbortError, and the members stop the
   * chunks they run.
   *
   * @example
   * ```ts
   * const total = await cluster.mapReduce(rows, 'score', (sum: number, part: number) => sum + part, {
   *   initial: 0,
   *   roles: ['ai'],
   *   chunkSize: 100,
   *   onProgress: (p) => { cluster.send('job-watch', { done: p.done, inFlight: p.inFlight }) },
   *   signal: AbortSignal.timeout(60_000)
   * })
   * ```
   */
  mapReduce<Item, Result, Acc>(source: Iterable<Item> | AsyncIterable<Item>, task: string, reduce: Reducer<Acc, Result>, options?: MapReduceOptions<Acc>): Promise<Acc>
  /**
   * Defines an actor type on this node, by class name unless `type` is given, so distributed actors of that type
   * can run here. Define the same types on every node that may host them.
   *
   * @example
   * ```ts
   * class Cart implements Actor {
   *   items: string[] = []
   *   receive (message: { add: string }) { this.items.push(message.add); return this.items.length }
   *   handoff () { return this.items }                      // the state that moves with it
   *   resume (items: string[]) { this.items = items }
   * }
   *
   * cluster.define(Cart)                                    // on every node that may run carts
   * await cluster.spawn(Cart, { name: 'cart:7', distribute: true })
   * await cluster.call('cart:7', { add: 'apple' })          // wherever it runs now
   * ```
   */
  define(actor: ActorClass, type?: string): void
  /**
   * Moves a distributed actor to another member, by peer id or name, with the state its `handoff()` returns;
   * messages sent meanwhile wait and are delivered after the move. Resolves to its new ref.
   *
   * @example
   * ```ts
   * const moved = await cluster.migrate('cart:7', { to: 'node-2' })
   * moved.node   // node-2's peer id
   * ```
   */
  migrate(target: Target, options: MigrateOptions): Promise<ActorRef>
  /**
   * Starts a supervisor of actors on this node and its children, in order. A bad spec throws
   * {@link SupervisorSpecError} naming the field; a child that cannot start throws {@link ChildStartError} (the
   * others are stopped again).
   *
   * @example
   * ```ts
   * const supervisor = await cluster.supervise({
   *   strategy: 'one-for-one',
   *   maxRestarts: 3,
   *   withinMs: 5000,
   *   children: [
   *     { id: 'counter', actor: Counter, name: 'counter' },
   *     { id: 'scratch', actor: Counter, restart: 'temporary' }
   *   ]
   * })
   * supervisor.addEventListener('child:restart', (event) => { cluster.send('audit', event.detail) })
   * ```
   */
  supervise(spec: SupervisorSpec): Promise<Supervisor>
  /**
   * stops an actor of this node (a supervised one through its supervisor: it is not restarted; its name is removed
   * from the registry), or a distributed actor wherever it runs. {@link ActorNotFoundError} for an actor of another
   * node that is not distributed, or one that does not run.
   *
   * @example
   * ```ts
   * await cluster.stopActor('counter')
   * ```
   */
  stopActor(target: Target): Promise<void>
  /**
   * Fire-and-forget delivery to an actor anywhere in the cluster, by ref or name. Messages from one sender to one
   * target arrive in the order they were sent. What cannot be delivered (no such name, its node gone) is dropped
   * and counted in `info().undeliverable`; use `call` to learn of it. Messages are msgpack-encoded plain data.
   *
   * @example
   * ```ts
   * cluster.send('counter', { inc: 1 })
   * ```
   */
  send(target: Target, message: unknown): void
  /**
   * Request/response with an actor anywhere in the cluster: resolves to what its `receive` returns. Fails with
   * {@link ActorNotFoundError}, {@link CallTimeoutError} (after `timeout`, default 5 s), {@link NodeDownError} (its
   * node is not a member, or was lost during the call), {@link PeerOverloadedError}, {@link AbortError}, or
   * {@link ActorHandlerError} carrying the handler's throw.
   *
   * @example
   * ```ts
   * const count = await cluster.call<number>('counter', { get: true }, { timeout: 1000 })
   * ```
   */
  call<Reply = unknown>(target: Target, message: unknown, options?: CallOptions): Promise<Reply>
  /**
   * Calls one of the actors that serve `service` (the members of the process group of that name, on any node) and
   * resolves to its answer. The `strategy` picks the actor (default `least-latency`); `constraints` leave out members
   * whose gossiped load is over a limit, or that lack a role. An actor that keeps failing is ejected for a while. A try
   * that fails because the actor never took the message (its node down, the actor gone, the peer overloaded) goes on
   * to another actor, up to `retries` times and within the service's retry budget, all within `timeout`. Fails with
   * {@link ServiceNotFoundError} when the group is empty, {@link NoEligibleMemberError} (saying which constraint left
   * each actor out) when none may take the call, {@link RouteOptionError} for a bad option, or as `call` does.
   *
   * @example
   * ```ts
   * const worker = await cluster.spawn(Scorer)
   * await cluster.groups.join('api', worker)                // on every node that serves 'api'
   *
   * const reply = await cluster.route('api', { score: 'text' }, {
   *   strategy: 'least-latency',
   *   constraints: { maxCpu: 0.8, maxEventLoopLag: 100, roles: ['ai'] },
   *   timeout: 1000
   * })
   * await cluster.route('sessions', { touch: true }, { strategy: 'consistent-hash', key: 'user-42' })
   * ```
   */
  route<Reply = unknown>(service: string, message: unknown, options?: RouteOptions): Promise<Reply>
  /**
   * Where a name is registered, or undefined: this node's actors first, then distributed actors, then the
   * cluster's registry.
   *
   * @example
   * ```ts
   * const ref = await cluster.lookup('counter')
   * if (ref === undefined) await cluster.spawn(Counter, { name: 'counter' })
   * ```
   */
  lookup(name: string, options?: { signal?: AbortSignal }): Promise<ActorRef | undefined>
  /**
   * Every member this node knows, itself included, with its status: `alive` and `suspect` ones are active;
   * `dead` and `left` ones stay listed until forgotten.
   *
   * @example
   * ```ts
   * const gpuNodes = cluster.members().filter(m => m.status === 'alive' && m.roles.includes('gpu'))
   * ```
   */
  members(): Member[]
  /**
   * A snapshot of the cluster as this node sees it, computed now: size, health, discovery, load, partitions.
   *
   * @example
   * ```ts
   * const { nodes, health, processes, partition } = cluster.info()
   * if (health === 'degraded' || !partition.majority) cluster.send('pager', { nodes, processes })
   * ```
   */
  info(): ClusterInfo
  /** the multiaddrs this node listens on, with its peer id */
  addresses(): string[]
  /**
   * Dials nodes by multiaddr (such as another node's `addresses()`) and waits until they are members;
   * {@link JoinTimeoutError} when one never joins. For nodes without discovery, or to join a cluster across networks.
   *
   * @example
   * ```ts
   * await cluster.connect('/ip4/10.0.0.7/tcp/4001/p2p/12D3KooWRm8J3iL796zPFi2EtGGtUJn58AG67gcqzMFHZnnsTzqD', { timeout: 10_000 })
   * ```
   */
  connect(addresses: string | string[], options?: ConnectOptions): Promise<void>
  /**
   * Asks every active member for its actors (with mailbox depth), links and recent events. Never fails for one
   * member: those that do not answer in time are listed in `unanswered`.
   */
  debugCluster(options?: DebugClusterOptions): Promise<ClusterDebug>
  /**
   * this node's Prometheus metrics (Foundation's and libp2p's) in a registry of its own, to serve or merge into an
   * application's; undefined when metrics are off
   */
  readonly metrics?: ClusterMetrics
  /** whether this node is ready to take traffic (started, joined, registry in sync, not draining), check by check, as /readyz answers */
  readiness(): ReadinessReport
  /**
   * Runs `fn` as a span of its own and gives its trace id: every message sent inside it, and every message its
   * handlers send on, belongs to that trace. Inside a trace already (a handler, an OpenTelemetry span) it joins
   * that trace. This is how a trace starts in development, where tracing is on but no message starts one by itself
   * (`tracing.sampleRate` 0; set it to 1 to trace every message). The trace id is undefined when tracing is off
   *
   * @example
   * ```ts
   * const { traceId, value } = await cluster.trace('checkout', async () => cluster.call('cart', { checkout: true }))
   * const { spans } = await cluster.traceRequest(traceId!)
   * ```
   */
  trace<T>(name: string, fn: () => T | Promise<T>): Promise<Traced<T>>
  /**
   * Every span of one trace recorded by the active members (asked over the network) and this node, oldest first;
   * members that do not answer in time are listed in `missing`, never failing the whole request.
   * InvalidTraceIdError when `traceId` is not 32 hex digits
   */
  traceRequest(traceId: string, options?: TraceRequestOptions): Promise<TraceResult>
  /** leaves the cluster gracefully and stops the node */
  stop(): Promise<void>
}
