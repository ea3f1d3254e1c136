// The bytes of one gossipsub message: a 16-byte id, a version, the sender, then one or more encoded messages.
import { MalformedFrameError } from '../../wire/errors.ts'
import { FrameDecoder, encodeFrames } from '../../wire/frames.ts'
import type { Codec } from '../../wire/codec.ts'

/** 8 bytes of publisher nonce and 8 of sequence: unique per publication, and cheap for gossipsub to read as its id. */
export const PUBLICATION_ID_LENGTH = 16
export const PUBLICATION_VERSION = 1
const HEADER_LENGTH = PUBLICATION_ID_LENGTH + 1

export interface Publication {
  from: string
  /** the messages, in publish order: several when publishes of one turn were batched into one gossipsub message */
  bodies: unknown[]
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

/** `bodies` are already encoded by the codec, so their size was checked once, at publish. */
export function encodePublication (id: Uint8Array, from: string, bodies: Uint8Array[]): Uint8Array {
  const frames = encodeFrames([new TextEncoder().encode(from), ...bodies])
  const out = new Uint8Array(HEADER_LENGTH + frames.byteLength)
  out.set(id, 0)
  out[PUBLICATION_ID_LENGTH] = PUBLICATION_VERSION
  out.set(frames, HEADER_LENGTH)
  return out
}

export function decodePublication (codec: Codec, data: Uint8Array, maxMessageSize: number): Publication {
  if (data.byteLength <= HEADER_LENGTH) { throw new MalformedFrameError('publication shorter than its header') }
  if (data[PUBLICATION_ID_LENGTH] !== PUBLICATION_VERSION) {
    throw new MalformedFrameError(`publication version ${data[PUBLICATION_ID_LENGTH]} is not ${PUBLICATION_VERSION}`)
  }
  const decoder = new FrameDecoder(maxMessageSize)
  const [from, ...bodies] = decoder.push(data.subarray(HEADER_LENGTH))
  decoder.end()
  if (from == null || bodies.length === 0) { throw new MalformedFrameError('publication without sender or message') }
  return { from: new TextDecoder().decode(from), bodies: bodies.map(body => codec.decode(body)) }
}

/** gossipsub's message id: the publication id, instead of hashing every message. */
export function publicationMessageId (msg: { data: Uint8Array }): Uint8Array {
  return msg.data.subarray(0, PUBLICATION_ID_LENGTH)
}
