// The Plumtree wire messages, and the validator every decoded message passes before the core sees it.
import { messageFields } from '../message-fields.ts'

/**
 * A message's payload, opaque to the tree: bytes, or any value the adapter's codec carries (MessagePack here).
 * The core never looks inside; its size is bounded by the frame limit of the wire, not here.
 */
export type PlumtreePayload = Uint8Array | unknown

/**
 * The payload itself, pushed down eager links. `round` is the sender's distance in hops from `origin` (0 when the
 * origin sends it), so the receiver sits at round + 1. `origin` is the sender's claim; authenticate it in the
 * payload if it matters.
 */
export interface GossipMessage { type: 'gossip', id: string, payload: PlumtreePayload, round: number, origin: string }
/** One message the sender holds, and its distance from the origin in hops. */
export interface IHaveEntry { id: string, round: number }
/** Lazy push: ids the sender received, batched, so the receiver can ask for what its tree links failed to bring. */
export interface IHaveMessage { type: 'ihave', entries: IHaveEntry[] }
/**
 * Makes the link eager again. With `id`, also asks for that payload (repair); without, only rewires the tree
 * toward a shorter path (the paper's GRAFT(null, r)), since a payload we already have would come back a duplicate.
 */
export interface GraftMessage { type: 'graft', id?: string, round: number }
/** The sender got a payload twice; the receiver stops pushing payloads to it and sends IHAVEs instead. */
export interface PruneMessage { type: 'prune' }

export type PlumtreeMessage = GossipMessage | IHaveMessage | GraftMessage | PruneMessage
export type PlumtreeMessageType = PlumtreeMessage['type']

/** A message the core wants delivered to one neighbour. */
export interface PlumtreeOutbound { to: string, message: PlumtreeMessage }

/** Bounds on what a peer may send us; the frame size limit bounds the total on top of these. */
export const PLUMTREE_LIMITS = {
  /** a peer id is ~52 characters; an id is an origin plus a sequence number, or a hash */
  idLength: 128,
  /**
   * Rounds are hops from the origin: a random overlay of 10,000 nodes with 5 links each is about a dozen hops deep,
   * and a tree built from it a few times that. A larger round is forged or a loop; the core stops counting here.
   */
  round: 1024,
  /** ids in one IHAVE; a sender splits longer batches (see PlumtreeConfig.maxIhaveIds) */
  ihaveEntries: 1024
}

const fields = messageFields('plumtree', PLUMTREE_LIMITS.idLength)
// annotated, so that the compiler narrows types after a call that never returns
const fail: (field: string, problem: string) => never = fields.fail
const { record, id } = fields

function round (value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) { fail(field, 'is not a non-negative integer') }
  if (value > PLUMTREE_LIMITS.round) { fail(field, `is above ${PLUMTREE_LIMITS.round}`) }
  return value
}

function entries (value: unknown): IHaveEntry[] {
  if (!Array.isArray(value)) { fail('entries', 'is not a list') }
  if (value.length === 0) { fail('entries', 'is empty') }
  if (value.length > PLUMTREE_LIMITS.ihaveEntries) { fail('entries', `has more than ${PLUMTREE_LIMITS.ihaveEntries} entries`) }
  return value.map((item, i) => {
    const e = record(item, `entries[${i}]`)
    return { id: id(e.id, `entries[${i}].id`), round: round(e.round, `entries[${i}].round`) }
  })
}

/**
 * Returns a clean copy of a decoded message, or throws MalformedFrameError naming the first bad field. The copy
 * drops unknown fields so nothing a peer adds reaches the core. The payload is passed through as it is: it is the
 * application's, and only `undefined` (no payload at all) is refused.
 */
export function validatePlumtreeMessage (value: unknown): PlumtreeMessage {
  const m = record(value, 'message')
  switch (m.type) {
    case 'gossip':
      if (m.payload === undefined) { fail('payload', 'is missing') }
      return { type: 'gossip', id: id(m.id, 'id'), payload: m.payload, round: round(m.round, 'round'), origin: id(m.origin, 'origin') }
    case 'ihave':
      return { type: 'ihave', entries: entries(m.entries) }
    case 'graft': {
      const message: GraftMessage = { type: 'graft', round: round(m.round, 'round') }
      if (m.id != null) { message.id = id(m.id, 'id') }
      return message
    }
    case 'prune':
      return { type: 'prune' }
    default:
      return fail('type', 'is not a known message type')
  }
}
