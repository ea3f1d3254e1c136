// One node's messages to other clusters: through this process's own node in the target cluster when it holds one,
// else through the gateways its members advertise, failing over from one to the next. It also serves `$gateway`,
// which forwards for others when this node's process holds the target cluster.
import { AbortError, CallTimeoutError, PeerOverloadedError } from '../messaging/errors.ts'
import { systemClock } from '../time/clock.ts'
import { reachesOthers } from './cut-watch.ts'
import { ClusterUnknownError, ClusterUnreachableError } from './errors.ts'
import { gatewayEndpoint } from './gateway-endpoint.ts'
import { callerError, outcomeOf, verdictOn } from './gateway-failures.ts'
import { gatewayTarget } from './gateway-roles.ts'
import { GATEWAY_ENDPOINT, encodeGatewayRequest } from './gateway-wire.ts'
import { RemoteClusters } from './remote-clusters.ts'
import type { CrossClusterMessaging, RemoteClusterInfo, Sibling, SiblingLookup } from './index.ts'
import type { GatewayState, RemoteCluster } from './remote-cluster.ts'
import type { RemoteClustersComponents, RemoteClustersInit } from './remote-clusters.ts'
import type { CallOptions, Target } from '../cluster/index.ts'
import type { SystemEndpoints } from '../cluster/system-endpoints.ts'
import type { CrossClusterMetrics } from '../observability/metrics/cross-cluster-metrics.ts'
import type { Clock } from '../time/clock.ts'

export interface CrossClusterComponents {
  /** this node's peer id, and its cluster's name */
  self: string
  cluster: string
  /** this node's own send and call, for messages to its own cluster */
  local: Pick<Sibling, 'send' | 'call'>
  /** this process's nodes in other clusters (none outside a federation) */
  siblings?: SiblingLookup
  membership: RemoteClustersComponents['membership']
  endpoints: Pick<SystemEndpoints, 'register'>
  /** the direct protocol to this cluster's members */
  messaging: {
    send(node: string, actorId: string, body: unknown): void
    call(node: string, actorId: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  }
  /** ms a member has been up, as it last reported */
  uptimeOf(id: string): number | undefined
  /** the members' load reports: each gateway tells the clusters it cannot reach (default: none is told) */
  reports?: RemoteClustersComponents['reports']
  /** a cluster's usable gateways became none (false) or some (true) */
  changed(cluster: string, reachable: boolean): void
  metrics?: CrossClusterMetrics
  clock?: Clock
  /** uniform in [0, 1) (default Math.random) */
  random?(): number
}

export interface CrossClusterInit extends RemoteClustersInit {
  /** ms a call waits when it sets no timeout, its gateway tries included */
  callTimeout: number
}

export class CrossCluster implements CrossClusterMessaging {
  private readonly components: CrossClusterComponents
  private readonly callTimeout: number
  private readonly clock: Clock
  private readonly random: () => number
  private readonly remotes: RemoteClusters
  private readonly siblings: SiblingLookup

  constructor (components: CrossClusterComponents, init: CrossClusterInit) {
    this.components = components
    this.callTimeout = init.callTimeout
    this.clock = components.clock ?? systemClock()
    this.random = components.random ?? Math.random
    this.siblings = components.siblings ?? (() => undefined)
    this.remotes = new RemoteClusters({
      self: components.self,
      membership: components.membership,
      probe: async (gateway, cluster, timeout) => await components.messaging.call(gateway, GATEWAY_ENDPOINT, encodeGatewayRequest({ kind: 'probe', cluster }), { timeout }) === true,
      changed: components.changed,
      reports: components.reports,
      clock: this.clock
    }, init)
    // every node answers: one outside a federation says it holds no other cluster
    components.endpoints.register(GATEWAY_ENDPOINT, gatewayEndpoint({ self: components.self, siblings: this.siblings }))
  }

  start (): void {
    this.remotes.start()
  }

  stop (): void {
    this.remotes.stop()
  }

  /** The clusters reached through gateways, as this node sees them now. */
  remoteClusters (): RemoteClusterInfo[] {
    return this.remotes.info()
  }

  /**
   * The clusters this node is a gateway to and cannot reach now: its process's node there stopped, or cut off from
   * the rest. Its load reports tell the members, so one that sends nothing there still learns it.
   */
  unreachableHere (): string[] {
    const own = this.components.membership.members().find(member => member.id === this.components.self)
    const targets = (own?.roles ?? []).flatMap(role => gatewayTarget(role) ?? [])
    return targets.filter(cluster => {
      const sibling = this.siblings(cluster)
      return sibling == null || !reachesOthers(sibling)
    }).sort()
  }

  /** What this node knows of the gateways to a cluster (for tests and benchmarks). */
  remote (cluster: string): RemoteCluster | undefined {
    return this.remotes.get(cluster)
  }

  sendToCluster (cluster: string, target: Target, message: unknown): void {
    const direct = this.direct(cluster)
    if (direct != null) {
      direct.send(target, message)
      return
    }
    const remote = this.remoteOrThrow(cluster)
    const key = typeof target === 'string' ? target : `${target.node}/${target.id}`
    const gateway = remote.chooseForSend(key, { uptimeOf: this.components.uptimeOf, now: this.clock.now(), random: this.random })
    if (gateway == null) { throw new ClusterUnreachableError(cluster, []) }
    this.components.messaging.send(gateway.id, GATEWAY_ENDPOINT, encodeGatewayRequest({ kind: 'send', cluster, target, message }))
  }

  async callCluster<Reply = unknown>(cluster: string, target: Target, message: unknown, options: CallOptions = {}): Promise<Reply> {
    const started = this.clock.now()
    // a name unknown here throws before it is counted: any string would make a series of its own
    const call = this.callFor(cluster, target, message, options)
    try {
      const reply = await call() as Reply
      this.components.metrics?.record(cluster, 'ok', this.clock.now() - started)
      return reply
    } catch (err) {
      const seen = callerError(err, cluster, target, options.timeout ?? this.callTimeout)
      this.components.metrics?.record(cluster, outcomeOf(seen), this.clock.now() - started)
      throw seen
    }
  }

  /** The call, straight or through gateways; ClusterUnknownError when neither way is known. */
  private callFor (cluster: string, target: Target, message: unknown, options: CallOptions): () => Promise<unknown> {
    const direct = this.direct(cluster)
    if (direct != null) { return async () => direct.call(target, message, options) }
    const remote = this.remoteOrThrow(cluster)
    return async () => this.throughGateways(remote, target, message, options)
  }

  /** The node to use without a gateway: this one for its own cluster, or this process's node in the other. */
  private direct (cluster: string): Pick<Sibling, 'send' | 'call'> | undefined {
    return cluster === this.components.cluster ? this.components.local : this.siblings(cluster)
  }

  private remoteOrThrow (cluster: string): RemoteCluster {
    const remote = this.remotes.get(cluster)
    if (remote == null) { throw new ClusterUnknownError(cluster) }
    return remote
  }

  /** Tries the gateways, one at a time, until one takes the call or none is left, within the call's timeout. */
  private async throughGateways (remote: RemoteCluster, target: Target, message: unknown, options: CallOptions): Promise<unknown> {
    if (options.signal?.aborted === true) { throw new AbortError(options.signal.reason) }
    const started = this.clock.now()
    const deadline = started + (options.timeout ?? this.callTimeout)
    remote.budget.deposit(started)
    const tried: string[] = []
    let lastError: unknown
    for (;;) {
      const now = this.clock.now()
      const gateway = now < deadline ? remote.chooseForCall({ exclude: new Set(tried), uptimeOf: this.components.uptimeOf, now, random: this.random }) : undefined
      if (gateway == null || (tried.length > 0 && !remote.budget.tryWithdraw(now))) {
        throw new ClusterUnreachableError(remote.name, tried, { cause: lastError })
      }
      tried.push(gateway.id)
      const request = encodeGatewayRequest({ kind: 'call', cluster: remote.name, target, message, timeout: deadline - now })
      try {
        return await this.attempt(gateway, request, deadline - now, options.signal)
      } catch (err) {
        lastError = err
        const verdict = verdictOn(err, gateway.id)
        if (verdict === 'final') { throw err }
        if (verdict === 'cut-off') { this.remotes.cutOff(remote.name, gateway.id) }
      }
    }
  }

  /** One try through one gateway, measured for the next choice. */
  private async attempt (gateway: GatewayState, request: unknown[], timeout: number, signal?: AbortSignal): Promise<unknown> {
    gateway.inFlight++
    const sent = this.clock.now()
    try {
      const value = await this.components.messaging.call(gateway.id, GATEWAY_ENDPOINT, request, { timeout, signal })
      gateway.latency.observe(this.clock.now() - sent, this.clock.now())
      return value
    } catch (err) {
      // a timeout (the gateway's or this node's) weighs as the whole of it, and so does the gateway failing itself, so
      // a gateway slow to answer is drawn less; an answer from beyond the gateway (a handler's throw, the target's node
      // lost) is an answer; the caller's own abort says nothing
      if ((err as Error | undefined)?.name === CallTimeoutError.name || verdictOn(err, gateway.id) === 'cut-off' || err instanceof PeerOverloadedError) {
        gateway.latency.penalize(Math.max(this.clock.now() - sent, timeout), this.clock.now())
      } else if (!(err instanceof AbortError)) {
        gateway.latency.observe(this.clock.now() - sent, this.clock.now())
      }
      throw err
    } finally {
      gateway.inFlight--
    }
  }
}
