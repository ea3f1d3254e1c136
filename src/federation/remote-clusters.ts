// The other clusters a node can reach through gateways among its members: learnt from the members' roles on every
// membership change, with the gateways cut off by failures probed until they answer that they reach their cluster
// again. Tells when a cluster's set of usable gateways becomes empty or non-empty.
import { systemClock } from '../time/clock.ts'
import { gatewayTarget } from './gateway-roles.ts'
import { RemoteCluster } from './remote-cluster.ts'
import type { RemoteClusterInfo } from './index.ts'
import type { MemberReportEvents } from '../groups/index.ts'
import type { Member, MembershipEvents } from '../membership/index.ts'
import type { Clock, Timer } from '../time/clock.ts'
import type { TypedEventTarget } from '@libp2p/interface'

/** ms between probes of a cut-off gateway: how soon traffic returns to it once it reaches its cluster again */
export const DEFAULT_GATEWAY_PROBE_INTERVAL = 1000

const MEMBER_EVENTS = ['member:join', 'member:suspect', 'member:alive', 'member:leave'] as const

export interface RemoteClustersComponents {
  /** this node's peer id: it is never its own gateway */
  self: string
  membership: Pick<TypedEventTarget<MembershipEvents>, 'addEventListener' | 'removeEventListener'> & { members(): Member[] }
  /** asks a gateway whether it reaches `cluster` now; rejects when the gateway cannot be asked */
  probe(gateway: string, cluster: string, timeout: number): Promise<boolean>
  /** a cluster's usable gateways became none (false) or some (true) */
  changed(cluster: string, reachable: boolean): void
  /** the members' load reports, in which each gateway names the clusters it cannot reach (default: none told) */
  reports?: Pick<TypedEventTarget<MemberReportEvents>, 'addEventListener' | 'removeEventListener'> & { unreachableFrom(id: string): readonly string[] }
  clock?: Clock
}

export interface RemoteClustersInit {
  probeInterval?: number
}

export class RemoteClusters {
  private readonly components: RemoteClustersComponents
  private readonly clock: Clock
  private readonly probeInterval: number
  private readonly clusters = new Map<string, RemoteCluster>()
  /** gateways with a probe in flight, as `cluster/id` */
  private readonly probing = new Set<string>()
  private probeTimer: Timer | undefined
  private running = false
  /** per member, the clusters its last report named out of reach, as read by the last refresh (joined) */
  private readonly reportedSeen = new Map<string, string>()
  private readonly onMemberEvent = (): void => { this.refresh() }
  /**
   * Every member reports its load, every few seconds while it changes: only a report whose list of clusters out of
   * reach differs from the one read last is news here, so the members and roles are not read again for the others.
   */
  private readonly onReport = (evt: CustomEvent<string>): void => {
    const listed = this.components.reports?.unreachableFrom(evt.detail).join() ?? ''
    if (listed !== (this.reportedSeen.get(evt.detail) ?? '')) { this.refresh() }
  }

  constructor (components: RemoteClustersComponents, init: RemoteClustersInit = {}) {
    this.components = components
    this.clock = components.clock ?? systemClock()
    this.probeInterval = init.probeInterval ?? DEFAULT_GATEWAY_PROBE_INTERVAL
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    for (const type of MEMBER_EVENTS) { this.components.membership.addEventListener(type, this.onMemberEvent) }
    this.components.reports?.addEventListener('member:report', this.onReport)
    this.refresh()
  }

  stop (): void {
    if (!this.running) { return }
    this.running = false
    for (const type of MEMBER_EVENTS) { this.components.membership.removeEventListener(type, this.onMemberEvent) }
    this.components.reports?.removeEventListener('member:report', this.onReport)
    this.probeTimer?.cancel()
    this.probeTimer = undefined
  }

  /** the cluster while any member advertises a gateway to it, dead ones included */
  get (cluster: string): RemoteCluster | undefined {
    const remote = this.clusters.get(cluster)
    return remote?.known === true ? remote : undefined
  }

  info (): RemoteClusterInfo[] {
    return [...this.clusters.values()].filter(remote => remote.known).map(remote => remote.info())
  }

  /** Leaves a gateway out of `cluster`'s choices until a probe finds it reaching that cluster again. */
  cutOff (cluster: string, gateway: string): void {
    const remote = this.clusters.get(cluster)
    if (remote == null) { return }
    this.changing(remote, () => remote.cutOff(gateway))
    if (this.running && this.probeTimer == null) { this.probeTimer = this.clock.every(this.probeInterval, () => { this.probeAll() }) }
  }

  /** Reads the gateways from every member's roles again, and the clusters each says it cannot reach. */
  private refresh (): void {
    const active = new Map<string, Set<string>>()
    const advertised = new Map<string, number>()
    /** per cluster, the gateways whose last report says they cannot reach it */
    const unreachable = new Map<string, Set<string>>()
    this.reportedSeen.clear()
    for (const member of this.components.membership.members()) {
      if (member.id === this.components.self) { continue }
      const listed = this.components.reports?.unreachableFrom(member.id) ?? []
      if (listed.length > 0) { this.reportedSeen.set(member.id, listed.join()) }
      for (const cluster of listed) {
        let ids = unreachable.get(cluster)
        if (ids == null) { unreachable.set(cluster, ids = new Set()) }
        ids.add(member.id)
      }
      for (const role of member.roles) {
        const cluster = gatewayTarget(role)
        if (cluster == null) { continue }
        advertised.set(cluster, (advertised.get(cluster) ?? 0) + 1)
        if (member.status === 'alive' || member.status === 'suspect') {
          let ids = active.get(cluster)
          if (ids == null) { active.set(cluster, ids = new Set()) }
          ids.add(member.id)
        }
      }
    }
    const now = this.clock.now()
    for (const name of new Set([...this.clusters.keys(), ...advertised.keys()])) {
      let remote = this.clusters.get(name)
      if (remote == null) { this.clusters.set(name, remote = new RemoteCluster(name, now)) }
      const current = remote
      this.changing(current, () => { current.update(active.get(name) ?? new Set(), advertised.get(name) ?? 0, now, unreachable.get(name) ?? new Set()) })
      if (!current.known) { this.clusters.delete(name) }
    }
  }

  /** Runs a change and tells of the cluster's reachability when it flipped. */
  private changing (remote: RemoteCluster, change: () => unknown): void {
    const before = remote.reachable
    change()
    if (remote.reachable !== before) { this.components.changed(remote.name, remote.reachable) }
  }

  /** One probe in flight per cut-off gateway; the timer ends once none is cut off. */
  private probeAll (): void {
    let cutOff = 0
    for (const remote of this.clusters.values()) {
      for (const gateway of remote.cutOffIds()) {
        cutOff++
        const key = `${remote.name}/${gateway}`
        if (this.probing.has(key)) { continue }
        this.probing.add(key)
        this.components.probe(gateway, remote.name, this.probeInterval).then(
          (reaches) => { if (reaches && this.running) { this.changing(remote, () => remote.restore(gateway)) } },
          () => { /* unreachable still: the next round asks again */ }
        ).finally(() => { this.probing.delete(key) })
      }
    }
    if (cutOff === 0) {
      this.probeTimer?.cancel()
      this.probeTimer = undefined
    }
  }
}
