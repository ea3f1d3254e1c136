// The bytes of one publication on gossipsub: a fixed 16-byte id, then the sender and the message.
import { MalformedFrameError } from '../../wire/errors.ts'
import type { Codec } from '../../wire/codec.ts'

/** 8 bytes of publisher nonce and 8 of sequence: unique per publication, and cheap for gossipsub to read as its id. */
export const PUBLICATION_ID_LENGTH = 16

export interface Publication {
  from: string
  body: unknown
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

export function encodePublication (codec: Codec, id: Uint8Array, publication: Publication): Uint8Array {
  const body = codec.encode([publication.from, publication.body])
  const out = new Uint8Array(PUBLICATION_ID_LENGTH + body.byteLength)
  out.set(id, 0)
  out.set(body, PUBLICATION_ID_LENGTH)
  return out
}

export function decodePublication (codec: Codec, data: Uint8Array): Publication {
  if (data.byteLength <= PUBLICATION_ID_LENGTH) throw new MalformedFrameError('publication shorter than its header')
  const value = codec.decode(data.subarray(PUBLICATION_ID_LENGTH))
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string') {
    throw new MalformedFrameError('malformed publication')
  }
  return { from: value[0], body: value[1] }
}

/** gossipsub's message id: the publication id, instead of hashing every message. */
export function publicationMessageId (msg: { data: Uint8Array }): Uint8Array {
  return msg.data.subarray(0, PUBLICATION_ID_LENGTH)
}
