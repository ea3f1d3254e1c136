// Each node's load (actors, message rate), gossiped when it changes so any node can tell the cluster's totals.
// The report also tells how many names the node holds, so that a member that joins need not ask one that holds none.
import { TypedEventEmitter } from '@libp2p/interface'
import { SECOND } from '../config/units.ts'
import { PublicationIds, decodePublication, encodePublication } from '../messaging/pubsub/publication.ts'
import { Codec } from '../wire/codec.ts'
import { MalformedFrameError } from '../wire/errors.ts'
import type { Host } from '../node/create-host.ts'
import type { MemberNameCountEvents, MemberNameCounts } from '../registry/index.ts'
import type { Message } from '@libp2p/gossipsub'
import type { Logger } from '@libp2p/interface'

/** How often a node looks at its load, and tells the others when it changed: fresh enough for info(). */
export const DEFAULT_LOAD_INTERVAL = 2 * SECOND
/**
 * An unchanged load is told again only this often. Every report reaches every member, several times over through
 * gossipsub's mesh: reports of idle nodes were most of an idle cluster's traffic.
 */
export const DEFAULT_LOAD_REFRESH = 30 * SECOND
/** a message rate within this share of the last one reported is not news */
const RATE_TOLERANCE = 0.1
const MAX_LOAD_MESSAGE = 1024
/** Joins come in bursts while a cluster forms: one report after the burst instead of one per join. */
const JOIN_REPORT_DELAY = 250

export interface NodeLoad {
  /** actors running on the node */
  processes: number
  /** messages per second the node handled, measured */
  messageRate: number
}

export interface NodeLoadGossipComponents {
  host: Host
  log: Logger
  /** this node's load, now */
  local(): NodeLoad
  /** how many names this node holds, now (default: the report does not tell) */
  heldNames?(): number
}

/** What a node reports: its load, and how many names it holds */
interface LoadReport extends NodeLoad {
  names?: number
}

export interface NodeLoadGossipInit {
  cluster: string
  /** default DEFAULT_LOAD_INTERVAL */
  interval?: number
  /** default DEFAULT_LOAD_REFRESH */
  refresh?: number
}

export class NodeLoadGossip extends TypedEventEmitter<MemberNameCountEvents> implements MemberNameCounts {
  private readonly components: NodeLoadGossipComponents
  private readonly topic: string
  private readonly interval: number
  private readonly refresh: number
  private readonly codec = new Codec()
  private lastReport: LoadReport | undefined
  private lastReportAt = 0
  private readonly ids = new PublicationIds()
  private readonly reported = new Map<string, NodeLoad>()
  private readonly names = new Map<string, number>()
  private readonly onMessage = (evt: CustomEvent<Message>): void => { this.receive(evt.detail) }
  private timer: ReturnType<typeof setInterval> | undefined
  private soon: ReturnType<typeof setTimeout> | undefined
  /** load messages from the network that were malformed and dropped */
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
    pubsub.addEventListener('message', this.onMessage)
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
    pubsub.removeEventListener('message', this.onMessage)
    pubsub.unsubscribe(this.topic)
    this.reported.clear()
    this.names.clear()
    this.lastReport = undefined
  }

  /** Tells the others shortly, once: a member joined and knows nothing of us yet. */
  publishSoon (): void {
    if (this.timer == null || this.soon != null) { return }
    this.soon = setTimeout(() => {
      this.soon = undefined
      this.publish()
    }, JOIN_REPORT_DELAY)
  }

  /** Reports the load when it changed since the last report, or when the last one is getting old. */
  publishIfChanged (now = Date.now()): void {
    const report = this.report()
    const last = this.lastReport
    if (last != null && now - this.lastReportAt < this.refresh && !changed(last, report)) { return }
    this.publish(report, now)
  }

  publish (report = this.report(), now = Date.now()): void {
    this.lastReport = report
    this.lastReportAt = now
    const self = this.components.host.peerId.toString()
    const data = encodePublication(this.ids.next(), self, [this.codec.encode(report)])
    this.components.host.services.pubsub.publish(this.topic, data).catch((err: Error) => {
      this.components.log.trace('could not publish the node load - %e', err)
    })
  }

  /** The last load a node reported, undefined before its first report. */
  of (node: string): NodeLoad | undefined {
    return this.reported.get(node)
  }

  /** How many names a node said it holds in its last report; undefined before a report that told. */
  heldNames (node: string): number | undefined {
    return this.names.get(node)
  }

  forget (node: string): void {
    this.reported.delete(node)
    this.names.delete(node)
  }

  private report (): LoadReport {
    const names = this.components.heldNames?.()
    return names == null ? this.components.local() : { ...this.components.local(), names }
  }

  private receive (msg: Message): void {
    if (msg.topic !== this.topic) { return }
    let from: string
    let report: LoadReport
    try {
      const publication = decodePublication(this.codec, msg.data, MAX_LOAD_MESSAGE)
      from = publication.from
      report = validateReport(publication.bodies[0])
    } catch (err: any) {
      this.invalidMessages++
      this.components.log.error('dropped a malformed load report: %s', err.message)
      return
    }
    const { names, ...load } = report
    this.reported.set(from, load)
    if (names != null) { this.names.set(from, names) } else { this.names.delete(from) }
    this.safeDispatchEvent('member:report', { detail: from })
  }
}

function changed (last: LoadReport, now: LoadReport): boolean {
  return now.processes !== last.processes || now.names !== last.names ||
    Math.abs(now.messageRate - last.messageRate) > RATE_TOLERANCE * Math.max(1, last.messageRate)
}

function validateReport (value: unknown): LoadReport {
  const report = value as LoadReport
  if (typeof value !== 'object' || value == null ||
    !Number.isSafeInteger(report.processes) || report.processes < 0 ||
    typeof report.messageRate !== 'number' || !Number.isFinite(report.messageRate) || report.messageRate < 0 ||
    // absent from the reports of nodes that do not tell
    (report.names != null && (!Number.isSafeInteger(report.names) || report.names < 0))) {
    throw new MalformedFrameError('malformed load report')
  }
  const load = { processes: report.processes, messageRate: report.messageRate }
  return report.names != null ? { ...load, names: report.names } : load
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
