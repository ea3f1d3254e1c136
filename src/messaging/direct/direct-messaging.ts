// The direct protocol: sends, calls and one-node publishes between nodes, over one coalesced stream per peer.
import { protocolName } from '../../node/protocols.ts'
import { Codec } from '../../wire/codec.ts'
import { MalformedFrameError } from '../../wire/errors.ts'
import { readFrames } from '../../wire/frame-reader.ts'
import { PeerChannel } from '../../wire/peer-channel.ts'
import { MessageTooLargeError, NodeDownError, PeerOverloadedError } from '../errors.ts'
import { CALL, FAIL, PUBLISH, REPLY, SEND, TRACE_AT, validateEnvelope } from './envelope.ts'
import { PendingCalls } from './pending-calls.ts'
import { fromWireError, toWireError } from './wire-error.ts'
import type { Envelope } from './envelope.ts'
import type { CallObserver, CallOptions, Settled } from './pending-calls.ts'
import type { Host } from '../../node/create-host.ts'
import type { DialYield } from '../../node/pair-dial.ts'
import type { NodeTracing } from '../../observability/tracing/node-tracing.ts'
import type { MessageTrace } from '../../observability/tracing/trace-context.ts'
import type { FrameCompression } from '../../wire/compression/index.ts'
import type { ComponentLogger, Connection, Logger, Startable, Stream } from '@libp2p/interface'

/** How messages that arrive are handed to this node's actors and subscribers. */
/**
 * Where messages that reach this node go. `trace` is the trace a message came in, handed over rather than entered
 * as the async context, so a message for an actor costs no context switch; whatever runs code of its own for it
 * runs that code in the trace.
 */
export interface LocalDelivery {
  /** false when no actor has that id; `from` is the sending node's peer id */
  send(actorId: string, body: unknown, from: string, trace?: MessageTrace): boolean
  call(actorId: string, body: unknown, from: string, trace?: MessageTrace): Promise<unknown>
  publish(topic: string, body: unknown, from: string, trace?: MessageTrace): void
}

export interface DirectMessagingComponents {
  host: Host
  logger: ComponentLogger
  local: LocalDelivery
  /** the node's tracing, when on: traced messages carry their context, and are delivered in it */
  tracing?: NodeTracing
  /** how long the higher id of a pair waits for the other's dial (see pair-dial.ts) */
  dialYield?: DialYield
  /** compresses large frames to peers that take it, and inflates what peers compressed (default: plain frames only) */
  compression?: FrameCompression
}

export interface DirectMessagingInit {
  cluster: string
  maxMessageSize: number
  /** bytes that may wait for one peer before messages to it are dropped (sends) or refused (calls) */
  maxQueuedBytes: number
  /** told the outcome and duration of every call this node makes, when metrics are on (default: calls are not timed) */
  observeCall?: CallObserver
}

/** Counters of what crossed, or failed to cross, the direct protocol. */
export interface DirectMessagingStats {
  messagesIn: number
  messagesOut: number
  bytesIn: number
  bytesOut: number
  /** streams reset for a malformed, oversize or truncated frame */
  invalidFrames: number
  /** sends that reached no actor: unknown target, node not a member */
  undeliverable: number
  /**
   * replies and failures from a node other than the one the call went to: dropped, the call still waits for its own
   * answer (a forgery, or a bug in that node)
   */
  forgedReplies: number
  /**
   * frames queued for a peer whose stream closed or could not be opened before they were written, or dropped
   * because that peer already had messaging.maxQueuedBytes waiting
   */
  lost: number
  /**
   * the same traffic by envelope kind, indexed by SEND, CALL, REPLY, FAIL and PUBLISH (index 0 unused): plain
   * numbers, so counting costs an increment and metrics read them only when scraped
   */
  readonly kinds: KindCounts
}

export interface KindCounts {
  messagesIn: number[]
  messagesOut: number[]
  bytesIn: number[]
  bytesOut: number[]
}

/** One slot per envelope kind, index 0 unused. */
function kindCounts (): KindCounts {
  return { messagesIn: [0, 0, 0, 0, 0, 0], messagesOut: [0, 0, 0, 0, 0, 0], bytesIn: [0, 0, 0, 0, 0, 0], bytesOut: [0, 0, 0, 0, 0, 0] }
}

export class DirectMessaging implements Startable {
  readonly stats: DirectMessagingStats = { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, invalidFrames: 0, undeliverable: 0, forgedReplies: 0, lost: 0, kinds: kindCounts() }
  private readonly components: DirectMessagingComponents
  private readonly init: DirectMessagingInit
  private readonly protocol: string
  private readonly log: Logger
  private readonly codec = new Codec()
  private readonly channels = new Map<string, PeerChannel>()
  private readonly pending: PendingCalls
  /** when a direct message last went to or came from each node (Date.now()): a link in use is not idle */
  private readonly lastTraffic = new Map<string, number>()
  private started = false

  constructor (components: DirectMessagingComponents, init: DirectMessagingInit) {
    this.components = components
    this.init = init
    this.protocol = protocolName(init.cluster, 'direct')
    this.pending = new PendingCalls(init.observeCall)
    this.log = components.logger.forComponent('foundation:direct')
  }

  async start (): Promise<void> {
    if (this.started) { return }
    await this.components.host.handle(this.protocols(), (stream, connection) => { this.onInbound(stream, connection) }, {
      maxInboundStreams: 64
    })
    this.started = true
  }

  async stop (): Promise<void> {
    if (!this.started) { return }
    this.started = false
    await this.components.host.unhandle(this.protocols())
    for (const channel of this.channels.values()) { channel.close() }
    this.channels.clear()
    this.pending.failAll(() => new NodeDownError('(local node stopped)'))
  }

  /** The protocol ids this node reads: plain frames, and one per codec it can inflate. */
  private protocols (): string[] {
    return this.components.compression?.accepted(this.protocol) ?? [this.protocol]
  }

  /** `known`: the message's trace when the caller knows it (see MessageTrace); else the current one */
  send (node: string, actorId: string, body: unknown, known?: MessageTrace): void {
    const trace = this.components.tracing?.wire(known)
    this.write(node, trace === undefined ? [SEND, actorId, body] : [SEND, actorId, body, ...trace])
  }

  async call (node: string, actorId: string, body: unknown, options: CallOptions, known?: MessageTrace): Promise<unknown> {
    const { id, answer } = this.pending.open(node, `${node}/${actorId}`, options)
    try {
      const trace = this.components.tracing?.wire(known)
      if (!this.write(node, trace === undefined ? [CALL, id, actorId, body] : [CALL, id, actorId, body, ...trace])) { this.pending.reject(id, new PeerOverloadedError(node, this.init.maxQueuedBytes)) }
    } catch (err: any) {
      this.pending.reject(id, err)
    }
    return answer
  }

  publish (node: string, topic: string, body: unknown, known?: MessageTrace): void {
    const trace = this.components.tracing?.wire(known)
    this.write(node, trace === undefined ? [PUBLISH, topic, body] : [PUBLISH, topic, body, ...trace])
  }

  /** A member is gone: its calls in flight fail now rather than at their timeout. */
  nodeDown (node: string): void {
    this.channels.get(node)?.close()
    this.channels.delete(node)
    this.lastTraffic.delete(node)
    this.pending.failNode(node)
  }

  /**
   * The nodes direct messages went to or came from at or after `since` (Date.now()), and those calls wait on. Older
   * traffic is forgotten: the caller asks with a later `since` each time.
   */
  inUseSince (since: number): Set<string> {
    const nodes = new Set<string>()
    for (const [node, at] of this.lastTraffic) {
      if (at >= since) {
        nodes.add(node)
      } else {
        this.lastTraffic.delete(node)
      }
    }
    this.pending.addNodes(nodes)
    return nodes
  }

  /** Queues an envelope for a node; false when the node is too far behind to take more (counted as lost). */
  private write (node: string, envelope: Envelope): boolean {
    const payload = this.codec.encode(envelope)
    if (payload.byteLength > this.init.maxMessageSize) { throw new MessageTooLargeError(payload.byteLength, this.init.maxMessageSize) }
    let channel = this.channels.get(node)
    if (channel == null) {
      channel = new PeerChannel({
        host: this.components.host,
        node,
        protocol: this.protocol,
        log: this.log,
        onBroken: (brokenNode, err) => { this.onChannelBroken(brokenNode, err) },
        // calls among them fail through onBroken or their node's leave; the count covers the sends
        onLost: (count) => { this.stats.lost += count },
        maxQueuedBytes: this.init.maxQueuedBytes,
        dialYield: this.components.dialYield,
        detached: this.detached,
        compression: this.components.compression
      })
      this.channels.set(node, channel)
    }
    if (!channel.write(payload)) {
      this.stats.lost++
      this.log('dropped a message to %s: more than %d bytes are already waiting for it', node, this.init.maxQueuedBytes)
      return false
    }
    this.lastTraffic.set(node, Date.now())
    const stats = this.stats
    stats.messagesOut++
    stats.bytesOut += payload.byteLength
    stats.kinds.messagesOut[envelope[0]]++
    stats.kinds.bytesOut[envelope[0]] += payload.byteLength
    return true
  }

  private readonly detached = <T>(fn: () => T): T => {
    const tracing = this.components.tracing
    return tracing === undefined ? fn() : tracing.within(undefined, fn)
  }

  private onChannelBroken (node: string, err: Error): void {
    // a broken stream may have taken calls with it; the member may still be up, so only its calls fail
    this.channels.delete(node)
    this.pending.failNode(node, err)
  }

  private onInbound (stream: Stream, connection: Connection): void {
    const from = connection.remotePeer.toString()
    const compression = this.components.compression
    const maxMessageSize = this.init.maxMessageSize
    readFrames(stream, {
      maxFrameSize: maxMessageSize,
      onFrame: (frame) => {
        const payload = compression != null ? compression.unpack(frame, maxMessageSize) : frame
        const stats = this.stats
        stats.messagesIn++
        stats.bytesIn += payload.byteLength
        const envelope = validateEnvelope(this.codec.decode(payload))
        stats.kinds.messagesIn[envelope[0]]++
        stats.kinds.bytesIn[envelope[0]] += payload.byteLength
        this.lastTraffic.set(from, Date.now())
        this.receive(from, envelope)
      },
      onInvalid: (err) => {
        this.stats.invalidFrames++
        this.log.error('reset a direct stream from %s: %s', from, err.message)
      }
    })
    // the peer has said all it will on this stream (it moves to another connection, or stops): closing ours tells it
    // every frame was read, so what it sends next on a new stream cannot overtake them
    let ended = false
    stream.addEventListener('remoteCloseWrite', () => {
      ended = true
      stream.close().catch((err: any) => { stream.abort(err) })
    }, { once: true })
    // a stream that breaks before the peer ended it lost the answers it was carrying, with no way to tell which: the
    // calls waiting on that peer fail now, rather than each at its timeout
    stream.addEventListener('close', (evt) => {
      if (evt.error == null && ended) { return }
      this.pending.failNode(from, evt.error ?? new Error(`the stream from ${from} closed before its end`))
    }, { once: true })
  }

  /**
   * Delivers a message in its trace context, or in none: a stream's callbacks run in the context its connection
   * was opened in, which may be an earlier trace that must not leak into untraced messages. A malformed trace
   * context is a malformed frame: the stream is reset and it is counted.
   */
  private receive (from: string, envelope: Envelope): void {
    const tracing = this.components.tracing
    if (tracing === undefined) {
      this.dispatch(from, envelope)
      return
    }
    const at = TRACE_AT[envelope[0] as keyof typeof TRACE_AT] as number | undefined
    if (at !== undefined && envelope.length > at) {
      const ctx = tracing.codec.extract(envelope[at], envelope[at + 1])
      if (ctx === undefined) {
        tracing.stats.rejected++
        throw new MalformedFrameError(`malformed trace context ${JSON.stringify(envelope[at]).slice(0, 80)}`)
      }
      this.dispatch(from, envelope, ctx)
    } else if (tracing.current() !== undefined) {
      tracing.within(undefined, () => { this.dispatch(from, envelope, null) })
    } else {
      // known untraced: the mailbox does not look the trace up again
      this.dispatch(from, envelope, null)
    }
  }

  private dispatch (from: string, envelope: Envelope, trace?: MessageTrace): void {
    switch (envelope[0]) {
      case SEND:
        if (!this.components.local.send(envelope[1], envelope[2], from, trace)) { this.stats.undeliverable++ }
        break
      case CALL: {
        const callId = envelope[1]
        this.components.local.call(envelope[2], envelope[3], from, trace).then(
          (value) => { this.answer(from, [REPLY, callId, value ?? null]) },
          (err: unknown) => { this.answer(from, [FAIL, callId, toWireError(err)]) }
        )
        break
      }
      case REPLY:
        this.counted(from, this.pending.answer(envelope[1], from, envelope[2]))
        break
      case FAIL:
        this.counted(from, this.pending.refuse(envelope[1], from, fromWireError(envelope[2])))
        break
      case PUBLISH:
        this.components.local.publish(envelope[1], envelope[2], from, trace)
        break
      default:
        // validateEnvelope lets no other kind through
        break
    }
  }

  /** An answer for another node's call is counted; one for no call in flight is a late answer to a call timed out. */
  private counted (from: string, settled: Settled): void {
    if (settled !== 'wrong-sender') { return }
    this.stats.forgedReplies++
    this.log('dropped an answer from %s to a call that went to another node', from)
  }

  private answer (node: string, envelope: Envelope): void {
    try {
      this.write(node, envelope)
    } catch (err: any) {
      // the reply itself could not be encoded or is too large: tell the caller that instead
      this.write(node, [FAIL, envelope[1] as number, toWireError(err)])
    }
  }
}
