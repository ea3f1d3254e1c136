// A channel's inbound side: the streams peers open to this node under the channel's protocol, read frame by frame; a
// malformed or oversize frame resets the stream it came on, is counted, and nothing else is touched.
import { readFrames } from '../../wire/frame-reader.ts'
import { MAX_CHANNEL_PARALLELISM } from './index.ts'
import type { InboundPriority } from './channel-priority.ts'
import type { ChannelCounters } from './stream-sender.ts'
import type { Host } from '../../node/create-host.ts'
import type { FrameCompression } from '../../wire/compression/index.ts'
import type { Connection, Logger, Stream } from '@libp2p/interface'

export interface ChannelInboundInit {
  host: Pick<Host, 'handle' | 'unhandle'>
  protocol: string
  log: Logger
  maxMessageSize: number
  counters: ChannelCounters
  /** inflates the frames peers compressed; its codecs also say which protocol variants to handle (default none) */
  compression?: FrameCompression
  /** the channel's priority among the others: each stream's receive window follows it */
  priority: InboundPriority
  /** one frame's payload from an authenticated peer; throws a frame error for a payload that is not a record */
  receive(from: string, payload: Uint8Array): void
}

/**
 * Streams one peer may have open to us per connection: its `parallelism` streams, and as many again while it moves
 * them off a duplicate connection.
 */
const MAX_INBOUND_STREAMS = 2 * MAX_CHANNEL_PARALLELISM

export class ChannelInbound {
  private readonly init: ChannelInboundInit
  private readonly streams = new Map<string, Set<Stream>>()

  constructor (init: ChannelInboundInit) {
    this.init = init
  }

  async start (): Promise<void> {
    await this.init.host.handle(this.protocols(), this.onStream, { maxInboundStreams: MAX_INBOUND_STREAMS, runOnLimitedConnection: false })
  }

  async stop (): Promise<void> {
    try {
      await this.init.host.unhandle(this.protocols())
    } catch (err: any) {
      this.init.log.trace('unhandle failed - %e', err)
    }
    for (const peer of [...this.streams.keys()]) { this.forget(peer) }
  }

  /** The channel's protocol id, for plain frames, and one per codec this node inflates. */
  private protocols (): string[] {
    return this.init.compression?.accepted(this.init.protocol) ?? [this.init.protocol]
  }

  /** A member left: its streams to us are aborted, whatever they still carry. */
  forget (peer: string): void {
    const streams = this.streams.get(peer)
    if (streams === undefined) { return }
    this.streams.delete(peer)
    for (const stream of streams) { stream.abort(new Error(`${peer} left the cluster`)) }
  }

  private readonly onStream = (stream: Stream, connection: Connection): void => {
    const from = connection.remotePeer.toString()
    const { counters, log, protocol, compression, maxMessageSize } = this.init
    let open = this.streams.get(from)
    if (open === undefined) {
      open = new Set()
      this.streams.set(from, open)
    }
    open.add(stream)
    const priority = this.init.priority.opened(from, stream)
    readFrames(stream, {
      maxFrameSize: maxMessageSize,
      onFrame: (frame) => {
        // throws on a bad frame or record: readFrames then resets the stream and reports it
        const payload = compression != null ? compression.unpack(frame, maxMessageSize) : frame
        priority.frame()
        this.init.receive(from, payload)
        counters.messagesIn++
        counters.bytesIn += payload.byteLength
      },
      onInvalid: (err) => {
        counters.invalidFrames++
        log.error('reset a %s stream from %s: %s', protocol, from, err.message)
      },
      onClose: () => {
        priority.closed()
        const set = this.streams.get(from)
        set?.delete(stream)
        if (set?.size === 0) { this.streams.delete(from) }
      }
    })
    // the peer said all it will on this stream (it stops, or moves to another connection): closing ours tells it
    // everything was read, so what it sends next on a new stream cannot overtake it
    stream.addEventListener('remoteCloseWrite', () => {
      stream.close().catch((err: any) => { stream.abort(err) })
    }, { once: true })
  }
}
