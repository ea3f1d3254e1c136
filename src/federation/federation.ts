// One process's nodes in several clusters: a handle per cluster, messages to the others (through this process's own
// node there, else through the gateways its clusters know), and the other clusters' reachability over all of them.
import { TypedEventEmitter } from '@libp2p/interface'
import { ClusterUnknownError } from './errors.ts'
import type { Federation, FederationEvents, FederationInfo } from './index.ts'
import type { FoundationNode } from '../cluster/foundation-node.ts'
import type { CallOptions, ClusterInfo, Target } from '../cluster/index.ts'
import type { HttpEndpoint } from '../observability/http/http-endpoint.ts'

export class FoundationFederation extends TypedEventEmitter<FederationEvents> implements Federation {
  /** each cluster's node, in the order given */
  readonly nodes: ReadonlyMap<string, FoundationNode>
  /** per cluster reached through gateways only, the clusters of this process that have a usable gateway to it */
  private readonly reachableVia = new Map<string, Set<string>>()
  private stopping: Promise<void> | undefined
  /** the one endpoint serving every cluster's routes, when the federation has one */
  private http: HttpEndpoint | undefined

  constructor (nodes: ReadonlyMap<string, FoundationNode>) {
    super()
    this.nodes = nodes
    for (const [name, node] of nodes) {
      node.addEventListener('cluster:reachable', (evt) => { this.reachable(evt.detail.cluster, name, true) })
      node.addEventListener('cluster:unreachable', (evt) => { this.reachable(evt.detail.cluster, name, false) })
      // a cluster that was reachable before this handle listened
      for (const remote of node.crossCluster.remoteClusters()) {
        if (remote.reachable) { this.reachable(remote.name, name, true) }
      }
    }
  }

  /** Serves every cluster's routes on `http` from now until stop: it listens once this resolves. */
  async serve (http: HttpEndpoint): Promise<void> {
    this.http = http
    await http.start()
  }

  get (cluster: string): FoundationNode {
    const node = this.nodes.get(cluster)
    if (node == null) { throw new ClusterUnknownError(cluster) }
    return node
  }

  names (): string[] {
    return [...this.nodes.keys()]
  }

  info (): FederationInfo {
    const clusters: Record<string, ClusterInfo> = {}
    const remote = new Map<string, FederationInfo['remoteClusters'][number]>()
    for (const [name, node] of this.nodes) {
      const info = node.info()
      clusters[name] = info
      for (const other of info.remoteClusters) {
        if (this.nodes.has(other.name)) { continue }
        const seen = remote.get(other.name) ?? { name: other.name, gateways: 0, reachable: false, via: [] }
        remote.set(other.name, { ...seen, gateways: seen.gateways + other.gateways, reachable: seen.reachable || other.reachable, via: [...seen.via, name] })
      }
    }
    return { ...(this.http?.url != null ? { http: this.http.url } : {}), clusters, remoteClusters: [...remote.values()] }
  }

  sendToCluster (cluster: string, target: Target, message: unknown): void {
    this.through(cluster).sendToCluster(cluster, target, message)
  }

  async callCluster<Reply = unknown>(cluster: string, target: Target, message: unknown, options?: CallOptions): Promise<Reply> {
    return this.through(cluster).callCluster<Reply>(cluster, target, message, options)
  }

  async stop (): Promise<void> {
    this.stopping ??= (async () => {
      const stops = [...this.nodes.values()].map(async node => { await node.stop() })
      if (this.http != null) { stops.push(this.http.stop()) }
      const failed = (await Promise.allSettled(stops)).find(result => result.status === 'rejected')
      if (failed != null) { throw failed.reason }
    })()
    await this.stopping
  }

  /**
   * The node to send from: this process's node in the cluster itself; else the first of its clusters with a usable
   * gateway to it, else the first that knows one (and fails the call, naming what it tried). Each node's own message
   * goes straight to a cluster this process holds, so any of them would do for those.
   */
  private through (cluster: string): FoundationNode {
    const own = this.nodes.get(cluster)
    if (own != null) { return own }
    const usable = this.reachableVia.get(cluster)
    const via = usable != null && usable.size > 0 ? this.nodes.get(usable.values().next().value as string) : undefined
    if (via != null) { return via }
    for (const node of this.nodes.values()) {
      if (node.crossCluster.remote(cluster) != null) { return node }
    }
    throw new ClusterUnknownError(cluster)
  }

  /** One node's news of a cluster; the federation tells when the first usable way to it opens or the last closes. */
  private reachable (cluster: string, via: string, reachable: boolean): void {
    if (this.nodes.has(cluster)) { return }
    let ways = this.reachableVia.get(cluster)
    if (ways == null) { this.reachableVia.set(cluster, ways = new Set()) }
    const before = ways.size
    if (reachable) { ways.add(via) } else { ways.delete(via) }
    if (before === 0 && ways.size > 0) { this.safeDispatchEvent('cluster:reachable', { detail: { cluster } }) }
    if (before > 0 && ways.size === 0) { this.safeDispatchEvent('cluster:unreachable', { detail: { cluster } }) }
  }
}
