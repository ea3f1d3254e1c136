// A channel stream's receive window: what its sender may have in flight. yamux doubles a stream's window, up to
// 16 MiB, while its reader keeps up: a saturated bulk channel would then have megabytes on the connection, ahead of
// every other stream's frames, the very wait channels exist to keep from a control channel. A channel stream's window
// is held at its first size (yamux's 256 KiB: a control frame waits for that much of a bulk channel's at most, 5 ms
// at 50 MB/s), and a channel of low priority's is narrowed further while other channels are busy.

/** What yamux's stream keeps of its window; another muxer's stream has neither, and is left as it is. */
interface GrowingWindow {
  recvWindow: number
  maxStreamWindowSize: number
}

function isGrowingWindow (stream: object): stream is GrowingWindow {
  const window = stream as Partial<GrowingWindow>
  return typeof window.recvWindow === 'number' && typeof window.maxStreamWindowSize === 'number'
}

export class ReceiveWindow {
  /** the window the stream opened with, held from then on unless narrowed */
  readonly full: number
  private readonly stream: GrowingWindow | undefined
  private current: number

  /** Holds `stream`'s window at its first size; a stream of another muxer gets no limit (full is Infinity). */
  static hold (stream: object): ReceiveWindow {
    return new ReceiveWindow(stream)
  }

  private constructor (stream: object) {
    this.stream = isGrowingWindow(stream) ? stream : undefined
    this.full = this.stream != null ? Math.min(this.stream.maxStreamWindowSize, this.stream.recvWindow) : Infinity
    this.current = this.full
    this.set(this.full)
  }

  get bytes (): number {
    return this.current
  }

  /**
   * Lets the sender have at most `bytes` in flight (up to the full window). yamux grants what the window allows
   * beyond what is in flight at each frame it reads: a narrower window takes hold once the sender's current credit
   * is used, a wider one at the next frame.
   */
  set (bytes: number): void {
    this.current = Math.min(bytes, this.full)
    if (this.stream == null) { return }
    this.stream.recvWindow = this.current
    this.stream.maxStreamWindowSize = this.current
  }
}
