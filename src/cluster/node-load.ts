// Each node's load (actors, message rate, mailbox backlog, uptime, and what the platform measures of its process),
// gossiped when it changes so any node can tell the cluster's totals and a balancer can filter members by load.
// The report also tells what the node holds that others replicate (the names it answers for, its group memberships), so
// that a member that joins need not ask one that holds none, and a replica that fell behind notices; and, from a
// gateway, the clusters it cannot reach, so members that send nothing there still learn it. What a report says and how
// one from the network is checked: load-report.ts.
import { TypedEventEmitter } from '@libp2p/interface'
import { SECOND } from '../config/units.ts'
import { PublicationIds, decodePublication, encodePublication } from '../messaging/pubsub/publication.ts'
import { Codec } from '../wire/codec.ts'
import { MAX_REPORTED_CLUSTERS, changed, validateReport } from './load-report.ts'
import type { Holdings, LoadReport, NodeLoad } from './load-report.ts'
import type { Version } from '../groups/group-table.ts'
import type { MemberReportEvents } from '../groups/index.ts'
import type { MemberNameCounts } from '../names/index.ts'
import type { Host } from '../node/create-host.ts'
import type { NodeKeys } from '../node/node-keys.ts'
import type { GossipsubMessage, SubscriptionChangeData } from '@libp2p/gossipsub'
import type { Logger } from '@libp2p/interface'

/** How often a node looks at its load, and tells the others when it changed: fresh enough for info(). */
export const DEFAULT_LOAD_INTERVAL = 2 * SECOND
/**
 * An unchanged load is told again only this often. Every report reaches every member, several times over through
 * gossipsub's mesh: reports of idle nodes were most of an idle cluster's traffic.
 */
export const DEFAULT_LOAD_REFRESH = 30 * SECOND
/**
 * Each refresh comes after the refresh period times a random factor within 1 ± half this: nodes started together
 * would otherwise all report in the same instant, every period, and the whole cluster handles N reports at once.
 */
const REFRESH_JITTER = 0.4
/**
 * bytes a report may take on the wire: a full report (every field, holdings too) takes under 200, and a gateway's list
 * of clusters it cannot reach at most 16 names of 63 characters
 */
export const MAX_LOAD_MESSAGE = 2048
/** Joins come in bursts while a cluster forms: one report after the burst instead of one per join. */
const JOIN_REPORT_DELAY = 250
/**
 * Every report reaches every member, so the cluster handles members × reports: past this many reports per second
 * across the cluster, the refresh and the join delay grow with the member count (a 200-member cluster refreshes
 * every 200 s, and answers a burst of joins once per 5 s).
 */
const CLUSTER_REPORTS_PER_SECOND = 1
/** ms of join delay per member: see CLUSTER_REPORTS_PER_SECOND */
const JOIN_DELAY_PER_MEMBER = 25
/**
 * ms a member counts as a newcomer, whose first subscription to the reports is answered with ours: a newcomer
 * subscribes within a heartbeat or two of joining
 */
const NEWCOMER_WINDOW = 10 * SECOND

export interface NodeLoadGossipComponents {
  host: Host
  log: Logger
  /** signs this node's reports; checks each report is signed by the node it names */
  keys: NodeKeys
  /** this node's load, now */
  local(): NodeLoad
  /** what this node holds, now (default: the report does not tell) */
  holdings?(): Holdings
  /** active members, this node included (default 1): the report rate scales with it */
  members?(): number
  /** as a gateway, the clusters it cannot reach now, sorted (default none) */
  unreachable?(): string[]
}

export interface NodeLoadGossipInit {
  cluster: string
  /** default DEFAULT_LOAD_INTERVAL */
  interval?: number
  /** default DEFAULT_LOAD_REFRESH */
  refresh?: number
}

export class NodeLoadGossip extends TypedEventEmitter<MemberReportEvents> implements MemberNameCounts {
  private readonly components: NodeLoadGossipComponents
  private readonly topic: string
  private readonly interval: number
  private readonly refresh: number
  private readonly codec = new Codec()
  private lastReport: LoadReport | undefined
  /** when an unchanged report is told again */
  private refreshAt = 0
  private readonly ids = new PublicationIds()
  /** each node's last report, and when it arrived (Date.now()): its uptime has grown since */
  private readonly reported = new Map<string, { load: NodeLoad, at: number }>()
  private readonly holdings = new Map<string, Holdings>()
  /** per gateway, the clusters its last report said it cannot reach */
  private readonly unreachable = new Map<string, readonly string[]>()
  private readonly onMessage = (evt: CustomEvent<GossipsubMessage>): void => { this.receive(evt.detail) }
  /**
   * A newcomer that subscribed after our report for its join went out missed it, and members that join read what
   * others hold from them: it hears ours shortly, not at the next refresh. Only a newcomer's first subscription:
   * gossipsub tells a peer's subscriptions again on each new connection to it, and in partial views connections
   * come and go all the time.
   */
  private readonly onSubscription = (evt: CustomEvent<SubscriptionChangeData>): void => {
    if (!evt.detail.subscriptions.some(s => s.subscribe && s.topic === this.topic)) { return }
    const peer = evt.detail.peerId.toString()
    const joinedAt = this.newcomers.get(peer)
    if (joinedAt == null) { return }
    this.newcomers.delete(peer)
    if (Date.now() - joinedAt <= NEWCOMER_WINDOW) { this.publishSoon() }
  }

  /** members that joined lately, by id: when (Date.now()); see onSubscription */
  private readonly newcomers = new Map<string, number>()

  private timer: ReturnType<typeof setInterval> | undefined
  private soon: ReturnType<typeof setTimeout> | undefined
  /** load messages from the network that were malformed, or not signed by the node they name, and dropped */
  invalidMessages = 0

  constructor (components: NodeLoadGossipComponents, init: NodeLoadGossipInit) {
    super()
    this.components = components
    this.topic = `foundation/${init.cluster}/load`
    this.interval = init.interval ?? DEFAULT_LOAD_INTERVAL
    this.refresh = init.refresh ?? DEFAULT_LOAD_REFRESH
  }

  /** Needs a running host: gossipsub subscribes only once started. */
  start (): void {
    if (this.timer != null) { return }
    const pubsub = this.components.host.services.pubsub
    pubsub.addEventListener('gossipsub:message', this.onMessage)
    pubsub.addEventListener('subscription-change', this.onSubscription)
    pubsub.subscribe(this.topic)
    this.timer = setInterval(() => { this.publishIfChanged() }, this.interval)
  }

  stop (): void {
    if (this.timer == null) { return }
    clearInterval(this.timer)
    clearTimeout(this.soon)
    this.timer = undefined
    this.soon = undefined
    const pubsub = this.components.host.services.pubsub
    pubsub.removeEventListener('gossipsub:message', this.onMessage)
    pubsub.removeEventListener('subscription-change', this.onSubscription)
    try {
      pubsub.unsubscribe(this.topic)
    } catch {
      // a host that died under the node has stopped pub/sub already: there is no topic left to leave
    }
    this.reported.clear()
    this.holdings.clear()
    this.unreachable.clear()
    this.newcomers.clear()
    this.lastReport = undefined
  }

  /** A member joined and knows nothing of us yet: it hears our report shortly. */
  joined (member: string, now = Date.now()): void {
    if (this.timer == null) { return }
    for (const [id, at] of this.newcomers) {
      if (now - at > NEWCOMER_WINDOW) { this.newcomers.delete(id) }
    }
    this.newcomers.set(member, now)
    this.publishSoon()
  }

  /** Tells the others shortly, once for all the joins until then. */
  publishSoon (): void {
    if (this.timer == null || this.soon != null) { return }
    this.soon = setTimeout(() => {
      this.soon = undefined
      this.publish()
    }, this.joinReportDelay())
  }

  /** ms this node waits after a join before it reports, once for all the joins until then */
  joinReportDelay (): number {
    return Math.max(JOIN_REPORT_DELAY, this.members() * JOIN_DELAY_PER_MEMBER)
  }

  /** Reports the load when it changed since the last report, or when the last one is getting old. */
  publishIfChanged (now = Date.now()): void {
    const report = this.report()
    const last = this.lastReport
    if (last != null && now < this.refreshAt && !changed(last, report)) { return }
    this.publish(report, now)
  }

  publish (report = this.report(), now = Date.now()): void {
    this.lastReport = report
    const refresh = Math.max(this.refresh, this.members() * SECOND / CLUSTER_REPORTS_PER_SECOND)
    this.refreshAt = now + refresh * (1 - REFRESH_JITTER / 2 + Math.random() * REFRESH_JITTER)
    const self = this.components.host.peerId.toString()
    const data = encodePublication(this.ids.next(), self, [this.codec.encode(report)], (bytes) => this.components.keys.own.signDigestOf(bytes))
    this.components.host.services.pubsub.publish(this.topic, data).catch((err: Error) => {
      this.components.log.trace('could not publish the node load - %e', err)
    })
  }

  /** The last load a node reported, its uptime as of `now`; undefined before its first report. */
  of (node: string, now = Date.now()): NodeLoad | undefined {
    const last = this.reported.get(node)
    if (last?.load.uptime == null) { return last?.load }
    return { ...last.load, uptime: last.load.uptime + Math.max(0, now - last.at) }
  }

  /** How many names a node said it holds in its last report; undefined before a report that told. */
  heldNames (node: string): number | undefined {
    return this.holdings.get(node)?.names
  }

  /** The version of a node's group memberships its last report told; undefined before one did. */
  groupVersion (node: string): Version | undefined {
    return this.holdings.get(node)?.groups
  }

  /** The clusters a gateway said in its last report it cannot reach; none before a report that told. */
  unreachableFrom (node: string): readonly string[] {
    return this.unreachable.get(node) ?? []
  }

  forget (node: string): void {
    this.reported.delete(node)
    this.holdings.delete(node)
    this.unreachable.delete(node)
    this.newcomers.delete(node)
  }

  private members (): number {
    return this.components.members?.() ?? 1
  }

  private report (): LoadReport {
    const unreachable = this.components.unreachable?.().slice(0, MAX_REPORTED_CLUSTERS) ?? []
    return { ...this.components.local(), ...this.components.holdings?.(), ...(unreachable.length > 0 ? { unreachable } : {}) }
  }

  private receive ({ msg, propagationSource }: GossipsubMessage): void {
    if (msg.topic !== this.topic) { return }
    let from: string
    let report: LoadReport
    try {
      const publication = decodePublication(this.codec, msg.data, MAX_LOAD_MESSAGE, this.components.keys.peers, propagationSource.toString())
      from = publication.from
      report = validateReport(publication.bodies[0])
    } catch (err: any) {
      this.invalidMessages++
      this.components.log.error('dropped a load report: %s', err.message)
      return
    }
    const { names, groups, unreachable, ...load } = report
    this.reported.set(from, { load, at: Date.now() })
    this.holdings.set(from, { names, groups })
    if (unreachable != null) { this.unreachable.set(from, unreachable) } else { this.unreachable.delete(from) }
    this.safeDispatchEvent('member:report', { detail: from })
  }
}
