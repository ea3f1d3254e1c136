// What one channel frame carries: a publication's topic and message, and on a latest-wins channel its key with the
// sender's epoch and sequence number, by which a receiver tells a newer value from an older one.
import { MalformedFrameError } from '../../wire/errors.ts'
import { MAX_TOPIC_LENGTH } from '../pubsub/topics.ts'
import { MAX_CHANNEL_KEY_LENGTH } from './index.ts'
import type { Codec } from '../../wire/codec.ts'

/** Where a latest-wins publication stands among its sender's: a later epoch (a restart) or sequence is newer. */
export interface RecordOrder {
  key: string
  /** when the sender's channel started (ms since the epoch): a node restarted under the same peer id counts anew */
  epoch: number
  /** the sender's count of its publications on the channel, from 1 */
  sequence: number
}

export interface ChannelRecord {
  topic: string
  message: unknown
  /** present exactly on a latest-wins channel */
  order?: RecordOrder
}

/** Encoded once per publish: every peer's copy is the same bytes. */
export function encodeRecord (codec: Codec, topic: string, message: unknown, order?: RecordOrder): Uint8Array {
  return codec.encode(order === undefined ? [topic, message] : [topic, message, order.key, order.epoch, order.sequence])
}

/**
 * The record in a frame, checked for shape: MalformedFrameError for anything else (the caller resets the stream). A
 * latest-wins channel's records carry their order and a plain channel's do not: two nodes that disagree on it are
 * misconfigured, and say so at the first frame.
 */
export function decodeRecord (codec: Codec, payload: Uint8Array, latestWins: boolean): ChannelRecord {
  const value = codec.decode(payload)
  if (!Array.isArray(value)) { throw new MalformedFrameError('a channel record is not an array') }
  const [topic, message, key, epoch, sequence] = value as unknown[]
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    throw new MalformedFrameError(`a channel record's topic is not a string of 1 to ${MAX_TOPIC_LENGTH} characters`)
  }
  if (!latestWins) {
    if (value.length !== 2) { throw new MalformedFrameError(`a record of ${value.length} fields on a channel that is not latest-wins (2)`) }
    return { topic, message }
  }
  if (value.length !== 5) { throw new MalformedFrameError(`a record of ${value.length} fields on a latest-wins channel (5)`) }
  if (!isKey(key)) { throw new MalformedFrameError(`a latest-wins record's key is not a string of 1 to ${MAX_CHANNEL_KEY_LENGTH} characters`) }
  if (!isCount(epoch) || !isCount(sequence)) { throw new MalformedFrameError('a latest-wins record\'s epoch or sequence is not a whole number') }
  return { topic, message, order: { key, epoch, sequence } }
}

export function isKey (key: unknown): key is string {
  return typeof key === 'string' && key.length > 0 && key.length <= MAX_CHANNEL_KEY_LENGTH
}

function isCount (n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
}
