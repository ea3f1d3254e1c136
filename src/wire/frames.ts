// Length-prefixed frames: an unsigned varint byte length, then the payload. Size-limited on both ends.
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from './errors.ts'

/** The largest varint we accept for a length: 5 bytes covers 2^35, far above any limit we allow. */
const MAX_LENGTH_BYTES = 5

/** Prefixes one payload with its length. */
export function encodeFrame (payload: Uint8Array): Uint8Array {
  const head = varint.encodingLength(payload.byteLength)
  const out = new Uint8Array(head + payload.byteLength)
  varint.encodeUint8Array(payload.byteLength, out, 0)
  out.set(payload, head)
  return out
}

/**
 * Joins already-encoded payloads into one buffer of frames, so that many messages cost one stream write
 * (one yamux frame, one noise record) instead of one each.
 */
export function encodeFrames (payloads: Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of payloads) { total += varint.encodingLength(p.byteLength) + p.byteLength }
  const out = new Uint8Array(total)
  let offset = 0
  for (const p of payloads) {
    varint.encodeUint8Array(p.byteLength, out, offset)
    offset += varint.encodingLength(p.byteLength)
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}

/**
 * Incremental decoder: push chunks as they arrive, take whole payloads out. Throws FrameTooLargeError
 * as soon as a length above the limit is announced (before buffering it) and MalformedFrameError for a
 * length prefix that is not a valid varint.
 */
export class FrameDecoder {
  private readonly buffer = new Uint8ArrayList()
  private readonly maxFrameSize: number

  constructor (maxFrameSize: number) {
    this.maxFrameSize = maxFrameSize
  }

  /** Bytes held that do not yet make a whole frame. */
  get pending (): number {
    return this.buffer.byteLength
  }

  push (chunk: Uint8Array | Uint8ArrayList): Uint8Array[] {
    this.buffer.append(chunk)
    const frames: Uint8Array[] = []

    while (this.buffer.byteLength > 0) {
      const header = this.readLength()
      if (header == null) { break }
      const [length, headLength] = header
      if (this.buffer.byteLength < headLength + length) { break }
      frames.push(this.buffer.subarray(headLength, headLength + length))
      this.buffer.consume(headLength + length)
    }

    return frames
  }

  /** Call when the stream ends: a partial frame left over means the peer cut a message short. */
  end (): void {
    if (this.buffer.byteLength > 0) {
      const header = this.readLength()
      const missing = header == null ? 1 : header[0] + header[1] - this.buffer.byteLength
      throw new TruncatedFrameError(missing)
    }
  }

  private readLength (): [number, number] | undefined {
    let value = 0
    const available = Math.min(this.buffer.byteLength, MAX_LENGTH_BYTES)
    for (let i = 0; i < available; i++) {
      const byte = this.buffer.get(i)
      value += (byte & 0x7f) * 2 ** (7 * i)
      if ((byte & 0x80) === 0) {
        if (value > this.maxFrameSize) { throw new FrameTooLargeError(value, this.maxFrameSize) }
        return [value, i + 1]
      }
    }
    if (available === MAX_LENGTH_BYTES) { throw new MalformedFrameError('frame length prefix is longer than 5 bytes') }
    // a partial prefix: if what we have already exceeds the limit, say so now
    if (value > this.maxFrameSize) { throw new FrameTooLargeError(value, this.maxFrameSize) }
    return undefined
  }
}
