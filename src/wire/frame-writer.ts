// Writes frames to a libp2p stream, coalescing what is queued in one turn of the event loop into bounded writes.
import { KIB } from '../config/units.ts'
import { nextTurn } from '../time/next-turn.ts'
import { encodeFrames } from './frames.ts'
import type { AbortOptions, Stream } from '@libp2p/interface'

/**
 * The most bytes handed to the stream in one write. A backlog goes out in writes of this size, one per turn of
 * the event loop or drain, so no layer below (muxer, key protection, socket) sees one huge buffer, and other
 * streams of the same connection get their turn between them.
 */
export const MAX_WRITE_BYTES = 256 * KIB

/**
 * One yamux frame per message caps a stream near 17-35k msg/s; joining the messages queued before the
 * next microtask (or while the stream is waiting for drain) lifts that cap to what the link can carry.
 */
export class FrameWriter {
  private readonly stream: Stream
  private readonly onDiscard: (count: number) => void
  private queue: Uint8Array[] = []
  private queueBytes = 0
  private scheduled = false
  private waitingForDrain = false
  private closed = false

  /**
   * @param stream - the stream to write to
   * @param onDiscard - told how many frames were lost because the stream closed before they were written
   */
  constructor (stream: Stream, onDiscard: (count: number) => void = () => {}) {
    this.stream = stream
    this.onDiscard = onDiscard
    stream.addEventListener('drain', () => {
      this.waitingForDrain = false
      // after the stream's own drain handler, which was added first and sends from its buffer in a microtask: what is
      // left in that buffer then decides whether another batch may follow
      queueMicrotask(() => { this.flush() })
    })
    stream.addEventListener('close', () => {
      this.closed = true
      this.discard(this.queue)
    }, { once: true })
  }

  /** True while the writer can still accept frames. */
  get writable (): boolean {
    return !this.closed && this.stream.writeStatus === 'writable'
  }

  /**
   * Bytes of the frames waiting to be written, here and in the stream's buffer: what a slow peer costs this node's
   * memory.
   */
  get queuedBytes (): number {
    return this.queueBytes + this.stream.writeBufferLength
  }

  write (payload: Uint8Array): void {
    if (this.closed) { throw new Error('stream is closed') }
    this.queue.push(payload)
    this.queueBytes += payload.byteLength
    if (!this.scheduled && !this.waitingForDrain) {
      this.scheduled = true
      queueMicrotask(() => { this.scheduled = false; this.flush() })
    }
  }

  /**
   * Writes everything queued, waiting for the stream to drain as needed, closes our end, and waits for the far end to
   * close its own: a far end that closes once it has read to our end (as membership's does) confirms delivery, which
   * bytes merely handed to the socket do not when the node stops right after.
   */
  async end (options: AbortOptions = {}): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      if (this.waitingForDrain) {
        await this.stream.onDrain(options)
      } else if (!this.flush()) {
        // the stream's buffer is still full and sending: look again next turn
        await new Promise<void>(resolve => { nextTurn(resolve) })
        options.signal?.throwIfAborted()
      }
    }
    if (this.closed) { return }
    const closed = new Promise<void>((resolve, reject) => {
      const done = (): void => {
        options.signal?.removeEventListener('abort', aborted)
        resolve()
      }
      const aborted = (): void => {
        this.stream.removeEventListener('close', done)
        reject(options.signal?.reason)
      }
      this.stream.addEventListener('close', done, { once: true })
      options.signal?.addEventListener('abort', aborted, { once: true })
    })
    await this.stream.close(options)
    await closed
  }

  /** Hands the stream the next batch; false when nothing was handed over. */
  private flush (): boolean {
    if (this.closed || this.waitingForDrain || this.queue.length === 0) { return false }
    if (this.stream.writeBufferLength >= MAX_WRITE_BYTES) {
      // yamux emits 'drain' at every window update, also while bytes still wait in the stream's buffer: a batch on each
      // would grow that buffer without bound, past maxQueuedBytes, and put megabytes ahead of every later frame
      if (this.stream.writableNeedsDrain) {
        this.waitingForDrain = true
      } else if (!this.scheduled) {
        this.scheduled = true
        nextTurn(() => { this.scheduled = false; this.flush() })
      }
      return false
    }
    const batch = this.takeBatch()
    try {
      const encoded = encodeFrames(batch)
      // only a single frame larger than the bound makes `encoded` larger: it goes in pieces, read back whole
      let writable = true
      for (let offset = 0; offset < encoded.byteLength; offset += MAX_WRITE_BYTES) {
        writable = this.stream.send(encoded.subarray(offset, offset + MAX_WRITE_BYTES))
      }
      if (!writable) {
        this.waitingForDrain = true
      } else if (this.queue.length > 0 && !this.scheduled) {
        // the rest of a backlog in the next turn, after what other streams queued meanwhile
        this.scheduled = true
        nextTurn(() => { this.scheduled = false; this.flush() })
      }
      return true
    } catch (err: any) {
      this.closed = true
      this.discard(batch)
      this.stream.abort(err)
      return false
    }
  }

  /** The frames at the head of the queue that fit one write (at least one, however large). */
  private takeBatch (): Uint8Array[] {
    let count = 0
    let bytes = 0
    while (count < this.queue.length) {
      const size = this.queue[count].byteLength
      if (count > 0 && bytes + size > MAX_WRITE_BYTES) { break }
      bytes += size
      count++
    }
    this.queueBytes -= bytes
    if (count === this.queue.length) {
      const batch = this.queue
      this.queue = []
      return batch
    }
    return this.queue.splice(0, count)
  }

  private discard (frames: Uint8Array[]): void {
    if (frames === this.queue) {
      this.queue = []
      this.queueBytes = 0
    }
    if (frames.length > 0) { this.onDiscard(frames.length) }
  }
}
