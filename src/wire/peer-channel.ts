// The outbound stream to one peer: opened on first use, fed through a coalescing writer, reopened after loss.
import { peerIdFromString } from '@libp2p/peer-id'
import { FrameWriter } from './frame-writer.ts'
import type { Host } from '../node/create-host.ts'
import type { AbortOptions, Logger, Stream } from '@libp2p/interface'

/** tries to open the stream before the frames waiting for it are given up */
const OPEN_ATTEMPTS = 3
/** ms before the second try, doubled before the third */
const OPEN_RETRY_DELAY = 100

export interface PeerChannelInit {
  host: Pick<Host, 'dialProtocol' | 'getConnections' | 'addEventListener' | 'removeEventListener' | 'peerId'>
  node: string
  protocol: string
  log: Logger
  /** the stream could not be opened or broke: calls in flight must be told */
  onBroken(node: string, err: Error): void
  /** frames written to this channel that will never reach the peer */
  onLost(count: number): void
  /** bytes this channel may hold for a peer that does not keep up; past it, write refuses */
  maxQueuedBytes: number
  /**
   * ms to wait for the peer to connect to us before dialling it, when this node has the higher peer id of the pair
   * (default 0: dial at once). Both ends of a new pair often write to each other at once; if both dial, the pair
   * keeps two connections. The connector applies the same rule, so the lower id's dial is usually under way.
   */
  dialYield?: number
  /**
   * runs the opening of the stream outside any trace: a connection keeps the context it was opened in for all its
   * callbacks, and the first message to a peer must not lend its trace to every later one
   */
  detached?<T>(fn: () => T): T
}

export class PeerChannel {
  private readonly init: PeerChannelInit
  private writer: FrameWriter | undefined
  private opening: Promise<void> | undefined
  /** frames written before the stream was open */
  private backlog: Uint8Array[] = []
  private backlogBytes = 0
  private closed = false

  constructor (init: PeerChannelInit) {
    this.init = init
  }

  /**
   * Queues a frame for the peer; false, and nothing queued, when the peer is already that far behind: a slow
   * or stalled peer must not grow this node's memory without bound.
   */
  write (payload: Uint8Array): boolean {
    const pending = this.backlogBytes + (this.writer?.queuedBytes ?? 0)
    if (pending + payload.byteLength > this.init.maxQueuedBytes) { return false }
    if (this.writer?.writable === true) {
      this.writer.write(payload)
      return true
    }
    this.backlog.push(payload)
    this.backlogBytes += payload.byteLength
    this.opening ??= this.init.detached != null ? this.init.detached(async () => this.open()) : this.open()
    return true
  }

  close (): void {
    this.closed = true
    this.dropBacklog()
  }

  /** Writes what is queued, then closes the stream: for last words, such as a leave announcement. */
  async end (options: AbortOptions = {}): Promise<void> {
    await this.opening
    this.closed = true
    await this.writer?.end(options)
  }

  private async open (): Promise<void> {
    try {
      const stream = await this.dialWithRetry()
      if (this.closed) {
        stream.abort(new Error('channel closed'))
        return
      }
      // we never read from our outbound stream: answers come on the peer's own channel to us
      const writer = new FrameWriter(stream, this.init.onLost)
      stream.addEventListener('close', (evt) => {
        if (this.writer === writer) { this.writer = undefined }
        if (evt.error != null && !this.closed) { this.init.onBroken(this.init.node, evt.error) }
      }, { once: true })
      this.writer = writer
      const backlog = this.backlog
      this.backlog = []
      this.backlogBytes = 0
      for (const payload of backlog) { writer.write(payload) }
    } catch (err: any) {
      this.init.log('could not open a direct stream to %s: %s', this.init.node, err.message)
      this.dropBacklog()
      if (!this.closed) { this.init.onBroken(this.init.node, err) }
    } finally {
      this.opening = undefined
    }
  }

  /**
   * Opens the stream, trying again a few times: when two nodes dial each other at once, libp2p may reset one of the
   * connections mid-dial. Nothing of the backlog has left yet, so a retry cannot deliver a frame twice.
   */
  private async dialWithRetry (): Promise<Stream> {
    await this.yieldDial()
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.init.host.dialProtocol(peerIdFromString(this.init.node), this.init.protocol)
      } catch (err) {
        if (this.closed || attempt >= OPEN_ATTEMPTS) { throw err }
        this.init.log('opening a direct stream to %s failed (attempt %d), trying again', this.init.node, attempt)
        await new Promise(resolve => setTimeout(resolve, OPEN_RETRY_DELAY * attempt))
        if (this.closed) { throw err }
      }
    }
  }

  /** Waits up to dialYield for the peer's own connection, when the rule says the peer dials. */
  private async yieldDial (): Promise<void> {
    const { host, node, dialYield = 0 } = this.init
    if (dialYield <= 0 || host.peerId.toString() < node || host.getConnections(peerIdFromString(node)).length > 0) { return }
    await new Promise<void>(resolve => {
      const done = (): void => {
        clearTimeout(timer)
        host.removeEventListener('connection:open', onOpen)
        resolve()
      }
      const onOpen = (evt: CustomEvent<{ remotePeer: { toString(): string } }>): void => {
        if (evt.detail.remotePeer.toString() === node) { done() }
      }
      const timer = setTimeout(done, dialYield)
      host.addEventListener('connection:open', onOpen)
    })
  }

  private dropBacklog (): void {
    if (this.backlog.length > 0) { this.init.onLost(this.backlog.length) }
    this.backlog = []
    this.backlogBytes = 0
  }
}
