// The HyParView wire messages, and the validator every decoded message passes before the core sees it.
import { messageFields } from '../message-fields.ts'

/** Sent by a newcomer to its contact, which links to it and walks FORWARD_JOINs from its other active peers. */
export interface JoinMessage { type: 'join' }
/**
 * A walk announcing the newcomer `peer`: the node where `ttl` reaches 0 (or that has no one else to pass it to)
 * links to it; the node where it equals the passive walk length keeps it in its passive view.
 */
export interface ForwardJoinMessage { type: 'forward-join', peer: string, ttl: number }
/**
 * Asks the receiver to link to the sender. `high` must be accepted, evicting a peer if need be: the sender has no
 * link left, or (after a FORWARD_JOIN) has already linked to the receiver. `low` is accepted only into a free slot.
 */
export interface NeighborMessage { type: 'neighbor', priority: NeighborPriority }
export type NeighborPriority = 'high' | 'low'
/** The answer to a NEIGHBOR: with `accepted`, the sender has linked to the receiver. */
export interface NeighborReplyMessage { type: 'neighbor-reply', accepted: boolean }
/**
 * The sender unlinked from the receiver. It keeps the receiver in its passive view unless `leaving`, which says
 * the sender is shutting down and should be forgotten (the paper has no leave; without it a leaver lingers in
 * passive views and wastes repair attempts).
 */
export interface DisconnectMessage { type: 'disconnect', leaving?: true }
/**
 * A random walk carrying ids from `origin` (its own first). `path` names the nodes it passed through after the
 * origin, each added by the node that passes it on: the node where it ends sends the answer back along them.
 */
export interface ShuffleMessage { type: 'shuffle', origin: string, peers: string[], ttl: number, path?: string[] }
/**
 * Passive ids sent back to a SHUFFLE's origin, as many as it sent. `route` names the hops still ahead of it: a
 * node that gets it with a route passes it on to the first, the origin gets it with none.
 */
export interface ShuffleReplyMessage { type: 'shuffle-reply', peers: string[], route?: string[] }

export type HyParViewMessage =
  | JoinMessage
  | ForwardJoinMessage
  | NeighborMessage
  | NeighborReplyMessage
  | DisconnectMessage
  | ShuffleMessage
  | ShuffleReplyMessage
export type HyParViewMessageType = HyParViewMessage['type']

/**
 * A message the core wants delivered to one peer, linked or not (NEIGHBOR goes to passive peers, as does the answer
 * to a walk that came without a path).
 */
export interface HyParViewOutbound { to: string, message: HyParViewMessage }

/** Bounds on what a peer may send us; the frame size limit bounds the total on top of these. */
export const HYPARVIEW_LIMITS = {
  /** a peer id is ~52 characters */
  idLength: 128,
  /** walks are 6 hops in the paper; a far longer one is forged or a bug, and would make a walk a flood's cost */
  ttl: 16,
  /** ids in one SHUFFLE or its reply: ka + kp + 1 is 8 by default, a passive view 30 */
  peers: 64
}

const fields = messageFields('hyparview', HYPARVIEW_LIMITS.idLength)
// annotated, so that the compiler narrows types after a call that never returns
const fail: (field: string, problem: string) => never = fields.fail
const { record, id } = fields

function ttl (value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) { fail('ttl', 'is not a non-negative integer') }
  if (value > HYPARVIEW_LIMITS.ttl) { fail('ttl', `is above ${HYPARVIEW_LIMITS.ttl}`) }
  return value
}

function ids (value: unknown, field: string, limit: number): string[] {
  if (!Array.isArray(value)) { fail(field, 'is not a list') }
  if (value.length > limit) { fail(field, `has more than ${limit} entries`) }
  return value.map((item, i) => id(item, `${field}[${i}]`))
}

function peers (value: unknown): string[] {
  return ids(value, 'peers', HYPARVIEW_LIMITS.peers)
}

/** The hops of a walk, or of its answer on the way back: at most one per hop a walk may take, and the origin. */
function hops (value: unknown, field: string): { [key: string]: string[] } {
  return value == null ? {} : { [field]: ids(value, field, HYPARVIEW_LIMITS.ttl + 1) }
}

/**
 * Returns a clean copy of a decoded message, or throws MalformedFrameError naming the first bad field. The copy
 * drops unknown fields so nothing a peer adds can reach the core.
 */
export function validateHyParViewMessage (value: unknown): HyParViewMessage {
  const m = record(value, 'message')
  switch (m.type) {
    case 'join':
      return { type: 'join' }
    case 'forward-join':
      return { type: 'forward-join', peer: id(m.peer, 'peer'), ttl: ttl(m.ttl) }
    case 'neighbor':
      if (m.priority !== 'high' && m.priority !== 'low') { fail('priority', 'is not high or low') }
      return { type: 'neighbor', priority: m.priority }
    case 'neighbor-reply':
      if (typeof m.accepted !== 'boolean') { fail('accepted', 'is not a boolean') }
      return { type: 'neighbor-reply', accepted: m.accepted }
    case 'disconnect':
      if (m.leaving != null && m.leaving !== true) { fail('leaving', 'is not true') }
      return m.leaving === true ? { type: 'disconnect', leaving: true } : { type: 'disconnect' }
    case 'shuffle':
      return { type: 'shuffle', origin: id(m.origin, 'origin'), peers: peers(m.peers), ttl: ttl(m.ttl), ...hops(m.path, 'path') }
    case 'shuffle-reply':
      return { type: 'shuffle-reply', peers: peers(m.peers), ...hops(m.route, 'route') }
    default:
      fail('type', 'is not a known message type')
  }
}
