// Membership messages on libp2p streams: one request per stream, its answer back on the same stream, bad frames refused.
import { peerIdFromString } from '@libp2p/peer-id'
import { Codec } from '../wire/codec.ts'
import { readFrames } from '../wire/frame-reader.ts'
import { encodeFrame } from '../wire/frames.ts'
import { MembershipStreamTimeoutError } from './errors.ts'
import { validateMessage } from './swim/messages.ts'
import type { Host } from '../node/create-host.ts'
import type { Outbound, SwimMessage } from './swim/messages.ts'
import type { SwimOutput } from './swim/swim-core.ts'
import type { Connection, Logger, Stream } from '@libp2p/interface'

export interface StreamTransportInit {
  host: Pick<Host, 'handle' | 'unhandle' | 'dialProtocol'>
  protocol: string
  maxFrameSize: number
  /** bound on one stream, dial included */
  streamTimeout: number
  log: Logger
  /** hands a validated message from an authenticated peer to the core */
  receive(from: string, message: SwimMessage): SwimOutput
  /** delivers what the core produced, less any answer that already rode back on the request's stream */
  deliver(out: SwimOutput): void
}

/** The request a reply answers, so the reply can ride back on the request's own stream. */
function answers (request: SwimMessage, reply: SwimMessage): boolean {
  return (request.type === 'ping' && reply.type === 'ack' && reply.seq === request.seq) ||
    (request.type === 'sync' && reply.type === 'sync-ack')
}

export class StreamTransport {
  private readonly init: StreamTransportInit
  private readonly codec = new Codec()
  private readonly streams = new Set<Stream>()
  private invalid = 0

  constructor (init: StreamTransportInit) {
    this.init = init
  }

  /** membership frames that were malformed, oversize, truncated or of the wrong shape; each reset its stream */
  get invalidFrames (): number {
    return this.invalid
  }

  async start (): Promise<void> {
    await this.init.host.handle(this.init.protocol, this.onStream, { runOnLimitedConnection: false })
  }

  /** Stops answering and drops the streams still open. */
  async stop (): Promise<void> {
    try {
      await this.init.host.unhandle(this.init.protocol)
    } catch (err: any) {
      this.init.log.trace('unhandle failed - %e', err)
    }
    for (const stream of this.streams) { stream.abort(new Error('membership stopped')) }
    this.streams.clear()
  }

  /** One request frame per stream; resolves once the stream is done (answer read, or none coming). */
  async send ({ to, message }: Outbound, signal: AbortSignal): Promise<void> {
    const { host, protocol, maxFrameSize, streamTimeout } = this.init
    const stream = await host.dialProtocol(peerIdFromString(to), protocol, { signal, runOnLimitedConnection: false })
    this.streams.add(stream)
    const closed = new Promise<void>(resolve => {
      readFrames(stream, {
        maxFrameSize,
        onFrame: (payload) => { this.onAnswer(to, payload) },
        onInvalid: (err) => { this.onInvalid(to, err) },
        onClose: () => {
          this.streams.delete(stream)
          resolve()
        }
      })
    })
    const onAbort = (): void => { stream.abort(new MembershipStreamTimeoutError(streamTimeout)) }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      stream.send(encodeFrame(this.codec.encode(message)))
      await stream.close({ signal })
      await closed
    } catch (err: any) {
      stream.abort(err)
      throw err
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  private readonly onStream = (stream: Stream, connection: Connection): void => {
    const { maxFrameSize, streamTimeout } = this.init
    const from = connection.remotePeer.toString()
    this.streams.add(stream)
    const timer = setTimeout(() => {
      stream.abort(new MembershipStreamTimeoutError(streamTimeout))
    }, streamTimeout)
    let answered = false

    readFrames(stream, {
      maxFrameSize,
      onFrame: (payload) => {
        // throws on a bad shape: readFrames then resets the stream and reports it
        const message = validateMessage(this.codec.decode(payload))
        const out = this.init.receive(from, message)
        if (!answered) {
          answered = true
          const i = out.send.findIndex(o => o.to === from && answers(message, o.message))
          // a reply that cannot ride back on this stream goes out on a new one with the rest
          if (i >= 0 && stream.writeStatus === 'writable') {
            const [reply] = out.send.splice(i, 1)
            stream.send(encodeFrame(this.codec.encode(reply.message)))
          }
          stream.close().catch((err: any) => { stream.abort(err) })
        }
        this.init.deliver(out)
      },
      onInvalid: (err) => { this.onInvalid(from, err) },
      onClose: () => {
        clearTimeout(timer)
        this.streams.delete(stream)
      }
    })
  }

  /** A frame that came back on a stream we opened. */
  private onAnswer (from: string, payload: Uint8Array): void {
    const message = validateMessage(this.codec.decode(payload))
    this.init.deliver(this.init.receive(from, message))
  }

  private onInvalid (from: string, err: Error): void {
    this.invalid++
    this.init.log.error('reset membership stream from %s: %s', from, err.message)
  }
}
