// Writes frames to a libp2p stream, coalescing everything queued in one turn of the event loop into one write.
import { encodeFrames } from './frames.ts'
import type { Stream } from '@libp2p/interface'

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
      this.flush()
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

  /** Bytes of the frames waiting to be written: what a slow peer costs this node's memory. */
  get queuedBytes (): number {
    return this.queueBytes
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

  private flush (): void {
    if (this.closed || this.waitingForDrain || this.queue.length === 0) { return }
    const batch = this.queue
    this.queue = []
    this.queueBytes = 0
    try {
      if (!this.stream.send(encodeFrames(batch))) {
        this.waitingForDrain = true
      }
    } catch (err: any) {
      this.closed = true
      this.discard(batch)
      this.stream.abort(err)
    }
  }

  private discard (frames: Uint8Array[]): void {
    if (frames === this.queue) {
      this.queue = []
      this.queueBytes = 0
    }
    if (frames.length > 0) { this.onDiscard(frames.length) }
  }
}
