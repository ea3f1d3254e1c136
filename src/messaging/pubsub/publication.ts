// The bytes of one gossipsub message: a 16-byte id, a version, the sender, then one or more encoded messages, and the
// sender's signature of all that. gossipsub relays a message from node to node, so the connection it came on names
// only the last relay: the signature is what proves the sender, at one Ed25519 signature per batch (not per message).
import { SIGNATURE_LENGTH } from '../../node/node-keys.ts'
import { MalformedFrameError } from '../../wire/errors.ts'
import { FrameDecoder, encodeFrames } from '../../wire/frames.ts'
import { ForgedPublicationError } from '../errors.ts'
import type { PeerKeys } from '../../node/node-keys.ts'
import type { WireTrace } from '../../observability/tracing/wire.ts'
import type { Codec } from '../../wire/codec.ts'

/** 8 bytes of publisher nonce and 8 of sequence: unique per publication, and cheap for gossipsub to read as its id. */
export const PUBLICATION_ID_LENGTH = 16
/** a batch of untraced messages: the sender, then the messages, then the signature */
export const PUBLICATION_VERSION = 3
/** a batch with traced messages: the sender, a trace table, then the messages, then the signature */
export const TRACED_PUBLICATION_VERSION = 4
const HEADER_LENGTH = PUBLICATION_ID_LENGTH + 1

/** Signs the SHA-256 of bytes with this node's key: SigningKey.signDigestOf (see node-keys.ts for why the digest). */
export type Sign = (data: Uint8Array) => Uint8Array

/** The trace context of one message of a batch: its index, its traceparent and tracestate. */
export type TraceEntry = [index: number, ...WireTrace]

export interface Publication {
  from: string
  /** the messages, in publish order: several when publishes of one turn were batched into one gossipsub message */
  bodies: unknown[]
  /** the trace context of each traced message, by index; absent when none is traced */
  traces?: Array<WireTrace | undefined>
}

/** Numbers a node's publications; a fresh random nonce per node keeps ids unique across restarts. */
export class PublicationIds {
  private readonly nonce = crypto.getRandomValues(new Uint8Array(8))
  private sequence = 0

  next (): Uint8Array {
    const id = new Uint8Array(PUBLICATION_ID_LENGTH)
    id.set(this.nonce, 0)
    const view = new DataView(id.buffer)
    this.sequence++
    view.setUint32(8, Math.floor(this.sequence / 2 ** 32))
    view.setUint32(12, this.sequence >>> 0)
    return id
  }
}

/**
 * `bodies` are already encoded by the codec, so their size was checked once, at publish; `traces` too, when given.
 * `sign` signs the SHA-256 of everything before the signature, the id included: a relay can neither change a batch
 * nor send it again under a new id.
 */
export function encodePublication (id: Uint8Array, from: string, bodies: Uint8Array[], sign: Sign, traces?: Uint8Array): Uint8Array {
  const sender = new TextEncoder().encode(from)
  const frames = encodeFrames(traces === undefined ? [sender, ...bodies] : [sender, traces, ...bodies])
  const signed = HEADER_LENGTH + frames.byteLength
  const out = new Uint8Array(signed + SIGNATURE_LENGTH)
  out.set(id, 0)
  out[PUBLICATION_ID_LENGTH] = traces === undefined ? PUBLICATION_VERSION : TRACED_PUBLICATION_VERSION
  out.set(frames, HEADER_LENGTH)
  out.set(sign(out.subarray(0, signed)), signed)
  return out
}

/**
 * The batch in `data`, once its sender is proven: MalformedFrameError for bytes that are not a publication,
 * ForgedPublicationError for one its named sender did not sign. `relay` is the peer the batch came from, authenticated
 * by its connection: a batch that came straight from the sender it names needs no signature check, which spares it in
 * the full mesh, where gossipsub floods each publication to every subscriber the publisher is connected to.
 */
export function decodePublication (codec: Codec, data: Uint8Array, maxMessageSize: number, keys: PeerKeys, relay?: string): Publication {
  if (data.byteLength <= HEADER_LENGTH + SIGNATURE_LENGTH) { throw new MalformedFrameError('publication shorter than its header and signature') }
  const version = data[PUBLICATION_ID_LENGTH]
  if (version !== PUBLICATION_VERSION && version !== TRACED_PUBLICATION_VERSION) {
    throw new MalformedFrameError(`publication version ${version} is not ${PUBLICATION_VERSION} or ${TRACED_PUBLICATION_VERSION}`)
  }
  const signed = data.byteLength - SIGNATURE_LENGTH
  const decoder = new FrameDecoder(maxMessageSize)
  const frames = decoder.push(data.subarray(HEADER_LENGTH, signed))
  decoder.end()
  const sender = frames.shift()
  const table = version === TRACED_PUBLICATION_VERSION ? frames.shift() : undefined
  if (sender == null || frames.length === 0) { throw new MalformedFrameError('publication without sender or message') }
  const from = new TextDecoder().decode(sender)
  if (relay !== from && !keys.verifyDigestOf(from, data.subarray(0, signed), data.subarray(signed))) { throw new ForgedPublicationError(from) }
  const publication: Publication = { from, bodies: frames.map(body => codec.decode(body)) }
  if (table !== undefined) { publication.traces = traceTable(codec.decode(table), frames.length) }
  return publication
}

/** The trace table's entries by message index, checked for shape; the contexts themselves are parsed where used. */
function traceTable (value: unknown, count: number): Array<WireTrace | undefined> {
  if (!Array.isArray(value) || value.length === 0 || value.length > count) { throw new MalformedFrameError('malformed trace table') }
  const traces = new Array<WireTrace | undefined>(count)
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 3) { throw new MalformedFrameError('malformed trace table entry') }
    const [index, traceparent, tracestate] = entry as unknown[]
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || traces[index] !== undefined) {
      throw new MalformedFrameError(`trace table entry for message ${String(index)} of ${count}`)
    }
    if (typeof traceparent !== 'string' || (tracestate !== undefined && typeof tracestate !== 'string')) {
      throw new MalformedFrameError('trace table entry is not text')
    }
    traces[index] = tracestate === undefined ? [traceparent] : [traceparent, tracestate]
  }
  return traces
}

/** gossipsub's message id: the publication id, instead of hashing every message. */
export function publicationMessageId (msg: { data: Uint8Array }): Uint8Array {
  return msg.data.subarray(0, PUBLICATION_ID_LENGTH)
}
