// What one node's load report says, and how it is read: the load (actors, message rate, what the platform measures of
// its process) and what the node holds; whether a report is news against the last one told; a report from the network
// checked field by field; and the cluster's totals.
import { CLUSTER_NAME } from '../config/defaults.ts'
import { MalformedFrameError } from '../wire/errors.ts'
import type { Version } from '../groups/group-table.ts'

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

/** What a gateway tells of the clusters it forwards to. */
export interface GatewayReach {
  /** the clusters it is a gateway to and cannot reach now (its node there stopped, or cut off from the rest) */
  unreachable?: string[]
}

/** at most this many clusters named unreachable in a report; a gateway to more names the first ones */
export const MAX_REPORTED_CLUSTERS = 16

/** What a node reports: its load, what it holds, and as a gateway what it cannot reach */
export type LoadReport = NodeLoad & Holdings & GatewayReach

/** Whether a report is news against the last one told (exported for the tests); uptime alone never is. */
export function changed (last: LoadReport, now: LoadReport): boolean {
  return now.processes !== last.processes || now.names !== last.names || now.unreachable?.join() !== last.unreachable?.join() ||
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
  const unreachable = report.unreachable
  if (unreachable != null) {
    if (!Array.isArray(unreachable) || unreachable.length > MAX_REPORTED_CLUSTERS || !unreachable.every(name => typeof name === 'string' && CLUSTER_NAME.test(name))) {
      throw new MalformedFrameError(`malformed load report: unreachable is not a list of at most ${MAX_REPORTED_CLUSTERS} cluster names`)
    }
    checked.unreachable = [...unreachable]
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
