// Each node's load (actors, message rate, mailbox backlog, uptime, and what the platform measures of its process),
// gossiped when it changes so any node can tell the cluster's totals and a balancer can filter members by load.
// The report also tells what the node holds that others replicate (the names it answers for, its group memberships), so
// that a member that joins need not ask one that holds none, and a replica that fell behind notices.
import { TypedEventEmitter } from '@libp2p/interface'
import { SECOND } from '../config/units.ts'
import { PublicationIds, decodePublication, encodePublication } from '../messaging/pubsub/publication.ts'
import { Codec } from '../wire/codec.ts'
import { MalformedFrameError } from '../wire/errors.ts'
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
/** a message rate within this share of the last one reported is not news */
const RATE_TOLERANCE = 0.1
/**
 * A cpu or heap share that moved less than this from the one last told is not news: both jitter from one interval to
 * the next, and a report on every wobble would go to every member every 2 s. A balancer filtering on load needs the
 * tenths, not the hundredths.
 */
const SHARE_STEP = 0.1
/** float subtraction: 0.3 - 0.2 falls just short of 0.1, and a move of a whole step must count */
const SHARE_EPSILON = 1e-9
/**
 * Event-loop lag told by bucket (ms lower bounds): lag jitters by milliseconds all the time, and what a balancer
 * cares about is the order of magnitude (fine, sluggish, stalled), so only a move into another bucket is news.
 */
const LAG_BUCKETS = [0, 20, 50, 100, 250, 500, 1000]
/**
 * A mailbox backlog is news when it moved by more than this share of the one last told, and by at least
 * MAILBOX_MIN_MOVE messages: backlogs come and go within milliseconds, and a few messages more or less is no news.
 */
const MAILBOX_TOLERANCE = 0.5
const MAILBOX_MIN_MOVE = 10
/** bytes a report may take on the wire: a full report (every field, holdings too) takes under 200 */
export const MAX_LOAD_MESSAGE = 1024
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

/** A node's load; the optional fields are absent from a node that does not measure them (a browser tab). */
export interface NodeLoad {
  /** actors running on the node */
  processes: number
  /** messages per second the node handled, measured */
  messageRate: number
  /** the share of the machine's cores the node's process used over the last interval, 0..1 */
  cpu?: number
  /** ms, the 99th percentile of the event loop's delay over the last interval */
  eventLoopLag?: number
  /** the share of the heap limit in use, 0..1 */
  heap?: number
  /** messages waiting in the mailboxes of the node's actors, all together */
  mailbox?: number
  /** ms the node has run: as of the report when it tells, as of now when read through `of()` */
  uptime?: number
}

/** What a node holds that the others replicate or read when they join; each absent when the node does not tell. */
export interface Holdings {
  /** name table entries it answers for: names its actors hold, and writes it made (local and distributed actors) */
  names?: number
  /** the version of its actors' group memberships */
  groups?: Version
}

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
}

/** What a node reports: its load, and what it holds */
type LoadReport = NodeLoad & Holdings

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

  forget (node: string): void {
    this.reported.delete(node)
    this.holdings.delete(node)
    this.newcomers.delete(node)
  }

  private members (): number {
    return this.components.members?.() ?? 1
  }

  private report (): LoadReport {
    return { ...this.components.local(), ...this.components.holdings?.() }
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
    const { names, groups, ...load } = report
    this.reported.set(from, { load, at: Date.now() })
    this.holdings.set(from, { names, groups })
    this.safeDispatchEvent('member:report', { detail: from })
  }
}

/** Whether a report is news against the last one told (exported for the tests); uptime alone never is. */
export function changed (last: LoadReport, now: LoadReport): boolean {
  return now.processes !== last.processes || now.names !== last.names ||
    now.groups?.epoch !== last.groups?.epoch || now.groups?.seq !== last.groups?.seq ||
    Math.abs(now.messageRate - last.messageRate) > RATE_TOLERANCE * Math.max(1, last.messageRate) ||
    shareMoved(last.cpu, now.cpu) || shareMoved(last.heap, now.heap) ||
    lagBucket(last.eventLoopLag) !== lagBucket(now.eventLoopLag) || mailboxMoved(last.mailbox, now.mailbox)
}

/** a measure that appeared or went away is news too */
function shareMoved (last: number | undefined, now: number | undefined): boolean {
  if (last == null || now == null) { return last !== now }
  return Math.abs(now - last) >= SHARE_STEP - SHARE_EPSILON
}

/** the index of the lag's bucket, -1 when not measured */
function lagBucket (lag: number | undefined): number {
  if (lag == null) { return -1 }
  return LAG_BUCKETS.findLastIndex(bound => lag >= bound)
}

function mailboxMoved (last: number | undefined, now: number | undefined): boolean {
  if (last == null || now == null) { return last !== now }
  const move = Math.abs(now - last)
  return move >= MAILBOX_MIN_MOVE && move > MAILBOX_TOLERANCE * last
}

function isCount (value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

/** A count a report may leave out (nodes that do not tell); present, it must be one. */
function optionalCount (value: unknown, field: string): number | undefined {
  if (value == null) { return undefined }
  if (!isCount(value)) { throw new MalformedFrameError(`malformed load report: ${field} is not a count`) }
  return value
}

/** a finite number not below 0, and not above `max` */
function isMeasure (value: unknown, max = Infinity): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max
}

/** A measure a report may leave out (nodes that do not measure); present, it must be one, within `max`. */
function optionalMeasure (value: unknown, field: string, what: string, max?: number): number | undefined {
  if (value == null) { return undefined }
  if (!isMeasure(value, max)) { throw new MalformedFrameError(`malformed load report: ${field} is not ${what}`) }
  return value
}

/** The measured fields of a report from the network, those it tells. */
function measures (report: Record<string, any>): Partial<NodeLoad> {
  const checked: Partial<NodeLoad> = {
    cpu: optionalMeasure(report.cpu, 'cpu', 'a share (0..1)', 1),
    eventLoopLag: optionalMeasure(report.eventLoopLag, 'eventLoopLag', 'a duration'),
    heap: optionalMeasure(report.heap, 'heap', 'a share (0..1)', 1),
    mailbox: optionalCount(report.mailbox, 'mailbox'),
    uptime: optionalMeasure(report.uptime, 'uptime', 'a duration')
  }
  for (const [field, value] of Object.entries(checked)) {
    if (value == null) { delete checked[field as keyof NodeLoad] }
  }
  return checked
}

/** A clean copy of a load report from the network, or MalformedFrameError (exported for the wire tests). */
export function validateReport (value: unknown): LoadReport {
  if (typeof value !== 'object' || value == null) { throw new MalformedFrameError('malformed load report: not a map') }
  const report = value as Record<string, any>
  if (!isCount(report.processes)) { throw new MalformedFrameError('malformed load report: processes is not a count') }
  if (!isMeasure(report.messageRate)) { throw new MalformedFrameError('malformed load report: messageRate is not a rate') }
  const checked: LoadReport = { processes: report.processes, messageRate: report.messageRate, ...measures(report) }
  const names = optionalCount(report.names, 'names')
  if (names != null) { checked.names = names }
  const groups = report.groups
  if (groups != null) {
    if (typeof groups !== 'object' || !isCount(groups.epoch) || !isCount(groups.seq)) {
      throw new MalformedFrameError('malformed load report: groups is not a version')
    }
    checked.groups = { epoch: groups.epoch, seq: groups.seq }
  }
  return checked
}

/** Sums this node's load with the others' last reports; a member that has not reported yet counts as zero. */
export function totalLoad (local: NodeLoad, others: Array<NodeLoad | undefined>): NodeLoad {
  let { processes, messageRate } = local
  for (const load of others) {
    processes += load?.processes ?? 0
    messageRate += load?.messageRate ?? 0
  }
  return { processes, messageRate }
}
