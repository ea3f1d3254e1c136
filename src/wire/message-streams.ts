// A protocol's messages on one long-lived stream per peer and direction: frames go out as a sans-IO core produces
// them, answers come back on the peer's own stream to us, and a bad frame resets the stream it came on.
import { Codec } from './codec.ts'
import { readFrames } from './frame-reader.ts'
import { PeerChannel } from './peer-channel.ts'
import type { Host } from '../node/create-host.ts'
import type { DialYield, PairHost } from '../node/pair-dial.ts'
import type { AbortOptions, Connection, Logger, Stream } from '@libp2p/interface'

export interface MessageStreamsInit<M> {
  host: PairHost & Pick<Host, 'handle' | 'unhandle'>
  protocol: string
  maxFrameSize: number
  log: Logger
  /** a clean copy of a decoded message, or a throw naming what is wrong with it (the stream is then reset) */
  validate(value: unknown): M
  /** hands a validated message from an authenticated peer to the core */
  receive(from: string, message: M): void
  /** how long the higher id of a pair waits for the other's dial (see pair-dial.ts) */
  dialYield?: DialYield
  /** the stream to `peer` could not be opened, or broke: what was queued for it is lost */
  onBroken?(peer: string): void
}

/**
 * A stream per message cost a protocol negotiation, a peer-store write and three muxer frames for every probe:
 * most of an idle node's work. One stream per peer, kept open, costs a frame per message.
 */
export class MessageStreams<M> {
  private readonly init: MessageStreamsInit<M>
  private readonly codec = new Codec()
  private readonly channels = new Map<string, PeerChannel>()
  private readonly inbound = new Set<Stream>()
  private invalid = 0
  private lost = 0

  constructor (init: MessageStreamsInit<M>) {
    this.init = init
  }

  /** frames that were malformed, oversize, truncated or of the wrong shape; each reset its stream */
  get invalidFrames (): number {
    return this.invalid
  }

  /** messages that never left: the stream to their peer could not be opened, or broke first */
  get lostMessages (): number {
    return this.lost
  }

  async start (): Promise<void> {
    await this.init.host.handle(this.init.protocol, this.onStream, { runOnLimitedConnection: false })
  }

  /** Stops answering and drops every stream, ours and the peers'. */
  async stop (): Promise<void> {
    try {
      await this.init.host.unhandle(this.init.protocol)
    } catch (err: any) {
      this.init.log.trace('unhandle failed - %e', err)
    }
    for (const channel of this.channels.values()) { channel.close() }
    this.channels.clear()
    for (const stream of this.inbound) { stream.abort(new Error(`${this.init.protocol} stopped`)) }
    this.inbound.clear()
  }

  /** Queues a message for its peer; the protocols on this tolerate loss, so a message that cannot go is counted, not retried. */
  send (to: string, message: M): void {
    if (!this.channel(to).write(this.codec.encode(message))) { this.lost++ }
  }

  /** Sends what is queued for these peers and closes their streams, within `options.signal`: a node's last words. */
  async flush (peers: Iterable<string>, options: AbortOptions = {}): Promise<void> {
    await Promise.allSettled([...new Set(peers)].map(async peer => {
      await this.channels.get(peer)?.end(options)
    }))
  }

  private channel (peer: string): PeerChannel {
    let channel = this.channels.get(peer)
    if (channel == null) {
      channel = new PeerChannel({
        host: this.init.host,
        node: peer,
        protocol: this.init.protocol,
        log: this.init.log,
        // a full view can be large; a peer that far behind is not taking news anyway
        maxQueuedBytes: 4 * this.init.maxFrameSize,
        dialYield: this.init.dialYield,
        onBroken: (node) => {
          // the next message opens a new stream; the failure detector judges the peer, not this
          if (this.channels.get(node) === channel) { this.channels.delete(node) }
          channel?.close()
          this.init.onBroken?.(node)
        },
        onLost: (count) => { this.lost += count }
      })
      this.channels.set(peer, channel)
    }
    return channel
  }

  private readonly onStream = (stream: Stream, connection: Connection): void => {
    const from = connection.remotePeer.toString()
    this.inbound.add(stream)
    readFrames(stream, {
      maxFrameSize: this.init.maxFrameSize,
      onFrame: (payload) => {
        // throws on a bad shape: readFrames then resets the stream and reports it
        this.init.receive(from, this.init.validate(this.codec.decode(payload)))
      },
      onInvalid: (err) => {
        this.invalid++
        this.init.log.error('reset %s stream from %s: %s', this.init.protocol, from, err.message)
      },
      onClose: () => { this.inbound.delete(stream) }
    })
    // the peer has said all it will on this stream (it moves to another connection, or stops): closing ours tells it
    // everything was read
    stream.addEventListener('remoteCloseWrite', () => {
      stream.close().catch((err: any) => { stream.abort(err) })
    }, { once: true })
  }
}
