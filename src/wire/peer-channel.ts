// The outbound stream to one peer: opened on first use, fed through a coalescing writer, reopened after loss, and moved
// to the connection the pair keeps when the pair holds two.
import { peerIdFromString } from '@libp2p/peer-id'
import { connectToPeer, dialYieldOf, keptConnection, unlessAborted } from '../node/pair-dial.ts'
import { FrameWriter } from './frame-writer.ts'
import type { FrameCompression, FramePacker } from './compression/index.ts'
import type { DialYield, PairHost } from '../node/pair-dial.ts'
import type { AbortOptions, Connection, Logger, PeerId, Stream } from '@libp2p/interface'

/** tries to open the stream before the frames waiting for it are given up */
const OPEN_ATTEMPTS = 3
/** ms before the second try, doubled before the third */
const OPEN_RETRY_DELAY = 100
/**
 * ms a stream being moved off a duplicate connection is given to be read to its end; past it, the frames that follow go
 * out on the new stream all the same (the duplicate's pruner closes it a little later: see duplicate-pruner.ts)
 */
const MOVE_TIMEOUT = 10_000

export interface PeerChannelInit {
  host: PairHost
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
   * (default DEFAULT_DIAL_YIELD; 0 dials at once), or where to read it at each dial: see pair-dial.ts
   */
  dialYield?: DialYield
  /**
   * runs the opening of the stream outside any trace: a connection keeps the context it was opened in for all its
   * callbacks, and the first message to a peer must not lend its trace to every later one
   */
  detached?<T>(fn: () => T): T
  /**
   * offers the peer the protocol's compressed variants when the stream opens, and compresses the frames the variant it
   * took allows (default: plain frames, `protocol` alone)
   */
  compression?: FrameCompression
}

export class PeerChannel {
  private readonly init: PeerChannelInit
  private readonly peer: PeerId
  private writer: FrameWriter | undefined
  /** compresses frames for the writer's stream, when the peer took a compressed variant and the link calls for it */
  private pack: FramePacker | undefined
  /** the connection the writer's stream runs on */
  private connection: Connection | undefined
  /** an open, or a move to the kept connection, under way: frames wait in the backlog meanwhile */
  private opening: Promise<void> | undefined
  /** frames written before the stream was open */
  private backlog: Uint8Array[] = []
  private backlogBytes = 0
  private closed = false
  private watching = false

  constructor (init: PeerChannelInit) {
    this.init = init
    this.peer = peerIdFromString(init.node)
  }

  /**
   * Queues a frame for the peer; false, and nothing queued, when the peer is already that far behind: a slow
   * or stalled peer must not grow this node's memory without bound.
   */
  write (payload: Uint8Array): boolean {
    const pending = this.backlogBytes + (this.writer?.queuedBytes ?? 0)
    if (pending + payload.byteLength > this.init.maxQueuedBytes) { return false }
    if (this.writer?.writable === true) {
      this.writer.write(this.pack != null ? this.pack(payload) : payload)
      return true
    }
    this.backlog.push(payload)
    this.backlogBytes += payload.byteLength
    this.opening ??= this.detached(async () => this.open())
    return true
  }

  close (): void {
    this.closed = true
    this.unwatch()
    this.dropBacklog()
  }

  /** Writes what is queued, then closes the stream: for last words, such as a leave announcement. */
  async end (options: AbortOptions = {}): Promise<void> {
    try {
      // a move may start another open once the first is done; an open waits on a dial, which a stopping node must
      // not wait on past its own deadline
      while (this.opening != null) { await unlessAborted(this.opening, options.signal) }
    } catch (err) {
      this.close()
      throw err
    }
    this.closed = true
    this.unwatch()
    await this.writer?.end(options)
  }

  private detached (fn: () => Promise<void>): Promise<void> {
    return this.init.detached != null ? this.init.detached(fn) : fn()
  }

  /** Opens a stream, after `retired` (the stream it replaces) was read to its end, and writes the backlog to it. */
  private async open (retired?: FrameWriter): Promise<void> {
    try {
      if (retired != null) { await this.retire(retired) }
      if (this.closed) { return }
      const { stream, connection } = await this.dialWithRetry()
      if (this.closed) {
        stream.abort(new Error('channel closed'))
        return
      }
      // we never read from our outbound stream: answers come on the peer's own channel to us
      const writer = new FrameWriter(stream, this.init.onLost)
      const pack = this.init.compression?.packer(stream.protocol, this.init.node)
      stream.addEventListener('close', (evt) => {
        // a stream still in use that closes, cleanly or not, took with it whatever the peer had not read yet, and
        // usually the connection the answers came back on: only a stream we retired after a move was read to its end
        const inUse = this.writer === writer
        if (inUse) {
          this.writer = undefined
          this.connection = undefined
          this.unwatch()
        }
        if ((evt.error != null || inUse) && !this.closed) {
          this.init.onBroken(this.init.node, evt.error ?? new Error(`the stream to ${this.init.node} closed while in use`))
        }
      }, { once: true })
      this.writer = writer
      this.pack = pack
      this.connection = connection
      this.watch()
      const backlog = this.backlog
      this.backlog = []
      this.backlogBytes = 0
      for (const payload of backlog) { writer.write(pack != null ? pack(payload) : payload) }
    } catch (err: any) {
      this.init.log('could not open a stream to %s: %s', this.init.node, err.message)
      this.dropBacklog()
      if (!this.closed) { this.init.onBroken(this.init.node, err) }
    } finally {
      this.opening = undefined
    }
    // the pair may have gained the connection it keeps while this one was opening
    this.moveIfDuplicate()
  }

  /**
   * Ends the stream on the duplicate connection: everything queued goes out, and the far end reads it all before it
   * closes its side, so what follows on the new stream cannot overtake it.
   */
  private async retire (writer: FrameWriter): Promise<void> {
    try {
      await writer.end({ signal: AbortSignal.timeout(MOVE_TIMEOUT) })
    } catch (err: any) {
      this.init.log('the stream to %s on a duplicate connection did not end in time, moving on: %s', this.init.node, err.message)
    }
  }

  /**
   * Opens the stream, trying again a few times: when two nodes dial each other at once, libp2p may reset one of the
   * connections mid-dial. Nothing of the backlog has left yet, so a retry cannot deliver a frame twice.
   */
  private async dialWithRetry (): Promise<{ stream: Stream, connection: Connection }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const connection = await connectToPeer(this.init.host, this.peer, { dialYield: dialYieldOf(this.init.dialYield) })
        const protocols = this.init.compression?.offered(this.init.protocol) ?? this.init.protocol
        const negotiating = performance.now()
        const stream = await connection.newStream(protocols)
        // a negotiation waits for the peer's answer: one round trip, which is what decides whether compressing pays. A
        // peer on this host is a round trip of nothing, whatever a busy event loop made the negotiation take
        this.init.compression?.observeRtt(this.init.node, onThisHost(connection) ? 0 : performance.now() - negotiating)
        return { stream, connection }
      } catch (err) {
        if (this.closed || attempt >= OPEN_ATTEMPTS) { throw err }
        this.init.log('opening a stream to %s failed (attempt %d), trying again', this.init.node, attempt)
        await new Promise(resolve => setTimeout(resolve, OPEN_RETRY_DELAY * attempt))
        if (this.closed) { throw err }
      }
    }
  }

  /** Moves to the connection the pair keeps, when the writer's stream runs on another. */
  private moveIfDuplicate (): void {
    const writer = this.writer
    if (writer == null || this.connection == null || this.opening != null || this.closed) { return }
    const kept = keptConnection(this.init.host.peerId, this.init.host.getConnections(this.peer))
    if (kept == null || kept === this.connection) { return }
    this.init.log('moving the stream to %s off a duplicate connection', this.init.node)
    // new frames wait in the backlog until the old stream has been read to its end
    this.writer = undefined
    this.connection = undefined
    this.opening = this.detached(async () => this.open(writer))
  }

  private readonly onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    if (evt.detail.remotePeer.equals(this.peer)) { this.moveIfDuplicate() }
  }

  private watch (): void {
    if (this.watching || this.closed) { return }
    this.watching = true
    this.init.host.addEventListener('connection:open', this.onConnectionOpen)
  }

  private unwatch (): void {
    if (!this.watching) { return }
    this.watching = false
    this.init.host.removeEventListener('connection:open', this.onConnectionOpen)
  }

  private dropBacklog (): void {
    if (this.backlog.length > 0) { this.init.onLost(this.backlog.length) }
    this.backlog = []
    this.backlogBytes = 0
  }
}

/** Whether a connection goes to a peer on this host (loopback, or a memory transport in this process). */
function onThisHost (connection: Connection): boolean {
  const address = connection.remoteAddr.toString()
  return address.startsWith('/ip4/127.') || address.startsWith('/ip6/::1/') || address.startsWith('/memory/')
}
