// Several clusters in one application: a process holding a node in each of several clusters, and messages from any
// node to an actor of another cluster, straight through this process's node there or through gateway members.
import type { CallOptions, Cluster, ClusterInfo, Target } from '../cluster/index.ts'
import type { FoundationInit, HttpInit } from '../config/index.ts'
import type { TypedEventTarget } from '@libp2p/interface'

export interface FederationInit {
  /**
   * the clusters this process is a member of, by name: each entry is a whole set of options, as `Foundation.start`
   * takes, with its own secret, discovery, roles, HTTP endpoint and metrics. The key is the cluster's name; an
   * entry's `clusterName`, when given, must be the same
   */
  clusters: Record<string, FoundationInit>
  /**
   * forward messages between the clusters for members of one of them only (default false): the node in each cluster
   * then carries the reserved role `$gateway:<other>` for every other cluster of this process, and members of that
   * cluster send to the others through it
   */
  gateway?: boolean
  /**
   * one HTTP endpoint for every cluster of this process, as a node's `http` (enabled unless `enabled: false`): each
   * cluster's routes (dashboard, /cluster, /metrics, /healthz, /readyz, /jobs) under /clusters/<name>/, and at the
   * top an index page of the clusters (/), every cluster's info (/clusters), health and readiness of them all
   * (/healthz, /readyz: 503 while any is not) and the metrics of them all (/metrics, each series labelled
   * `node_cluster`). The entries then set no `http` of their own, and collect metrics unless they turn them off
   */
  http?: HttpInit
}

/** The other cluster whose reachability changed. */
export interface ClusterReachability {
  cluster: string
}

export interface CrossClusterEvents {
  /** the last usable gateway to a cluster went: down, left, or cut off from that cluster */
  'cluster:unreachable': CustomEvent<ClusterReachability>
  /** a cluster has a usable gateway again (or its first one joined) */
  'cluster:reachable': CustomEvent<ClusterReachability>
}

export type FederationEvents = CrossClusterEvents

/** Another cluster as one node sees it: the gateways to it among its members. */
export interface RemoteClusterInfo {
  name: string
  /** active members that advertise a gateway to it */
  gateways: number
  /** whether any of them is usable: not known to be cut off from that cluster */
  reachable: boolean
}

export interface FederationInfo {
  /** the federation's own HTTP endpoint (see FederationInit.http), when it serves one */
  http?: string
  /** each cluster of this process, as its node sees it */
  clusters: Record<string, ClusterInfo>
  /** the clusters reached through gateways only; `via` names the clusters of this process that know gateways to it */
  remoteClusters: Array<RemoteClusterInfo & { via: string[] }>
}

/** Messages to actors of another cluster, by cluster name and actor name (or ref). */
export interface CrossClusterMessaging {
  /**
   * Fire-and-forget delivery to an actor of another cluster: through this process's node in it when there is one,
   * else through a gateway (a target's sends keep one gateway while it stays, so they arrive in order). Throws
   * {@link ClusterUnknownError} when no gateway to the cluster is known, {@link ClusterUnreachableError} when every one
   * is down or cut off; what cannot be delivered there is dropped, as `send` drops it.
   *
   * @example
   * ```ts
   * cluster.sendToCluster('ai', 'model-service', { warm: true })
   * ```
   */
  sendToCluster(cluster: string, target: Target, message: unknown): void
  /**
   * Request/response with an actor of another cluster, directly when this process holds a node in it, else through
   * a gateway: the better of two of the longest-lived ones by latency and calls in flight. A gateway that never took
   * the message (down, overloaded, cut off from that cluster) passes the call to the next, at most three, within
   * `timeout`; a gateway lost during the call does too, so a call can then be handled twice. Fails with
   * {@link ClusterUnknownError}, {@link ClusterUnreachableError} (listing the gateways tried),
   * {@link NameNotFoundError} when no actor has that name there, or as `call` fails.
   *
   * @example
   * ```ts
   * try {
   *   const answer = await cluster.callCluster<string>('ai', 'model-service', { prompt: 'hi' }, { timeout: 2000 })
   * } catch (err) {
   *   if (err instanceof ClusterUnreachableError) cluster.send('pager', { cluster: err.cluster, tried: err.tried })
   *   else throw err
   * }
   * ```
   */
  callCluster<Reply = unknown>(cluster: string, target: Target, message: unknown, options?: CallOptions): Promise<Reply>
}

/**
 * One process's nodes in several clusters, as `Foundation.start({ clusters })` returns them: a {@link Cluster} handle
 * per cluster, messages to any of them or through gateways to others, and the reachability of those others.
 *
 * @example
 * ```ts
 * const federation = await Foundation.start({
 *   clusters: {
 *     app: { secret: process.env.APP_SECRET, roles: ['web'] },
 *     ai: { secret: process.env.AI_SECRET }
 *   },
 *   gateway: true,
 *   http: { port: 9464 }
 * })
 * await federation.get('ai').spawn(Counter, { name: 'model-service' })
 * federation.addEventListener('cluster:unreachable', (event) => { federation.get('app').send('pager', event.detail) })
 * const count = await federation.callCluster<number>('ai', 'model-service', { get: true })
 * await federation.stop()
 * ```
 */
export interface Federation extends TypedEventTarget<FederationEvents>, CrossClusterMessaging {
  /** this process's node in the cluster; {@link ClusterUnknownError} when it holds none */
  get(cluster: string): Cluster
  /** the clusters this process holds a node in, in the order given */
  names(): string[]
  /** each cluster's `info()`, and the clusters reached through gateways with their reachability */
  info(): FederationInfo
  /** stops every node, all at once */
  stop(): Promise<void>
}

/** What messages across clusters need of this process's node in another cluster. */
export type Sibling = Pick<Cluster, 'id' | 'send' | 'call' | 'members' | 'addEventListener'>

/** This process's running node in a cluster, when it holds one. */
export type SiblingLookup = (cluster: string) => Sibling | undefined
