// Length-prefixed frames (4-byte big-endian length, then the body) for the raw TCP and raw libp2p baselines.
import type { Uint8ArrayList } from 'uint8arraylist'

const EMPTY = new Uint8Array(0)

/** Encode one frame: a fresh buffer per message, as a real sender would build it. */
export function encodeFrame (body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(4 + body.length)
  new DataView(frame.buffer, frame.byteOffset, 4).setUint32(0, body.length)
  frame.set(body, 4)
  return frame
}

/**
 * Splits a byte stream into frames. Bodies are views into the received chunk when a frame lies inside one chunk,
 * copies when it spans chunks.
 */
export class FrameDecoder {
  private pending: Uint8Array = EMPTY
  private readonly onFrame: (body: Uint8Array) => void
  private readonly maxFrame: number

  constructor (onFrame: (body: Uint8Array) => void, maxFrame = 16 * 1024 * 1024) {
    this.onFrame = onFrame
    this.maxFrame = maxFrame
  }

  push (chunk: Uint8Array | Uint8ArrayList): void {
    const data = chunk instanceof Uint8Array ? chunk : chunk.subarray()
    let bytes: Uint8Array
    if (this.pending.length === 0) {
      bytes = data
    } else {
      bytes = new Uint8Array(this.pending.length + data.length)
      bytes.set(this.pending, 0)
      bytes.set(data, this.pending.length)
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    let offset = 0
    while (bytes.length - offset >= 4) {
      const length = view.getUint32(offset)
      if (length > this.maxFrame) {
        throw new RangeError(`frame of ${length} bytes exceeds ${this.maxFrame}`)
      }
      if (bytes.length - offset - 4 < length) {
        break
      }
      this.onFrame(bytes.subarray(offset + 4, offset + 4 + length))
      offset += 4 + length
    }
    this.pending = offset === bytes.length ? EMPTY : bytes.slice(offset)
  }
}
