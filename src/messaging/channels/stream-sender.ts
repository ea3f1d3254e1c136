// One stream of a channel to one peer: the channel's own queue in front of a PeerChannel, fed to the stream's writer
// only as fast as the writer gets its bytes out, so what waits stays in the queue, where a newer value can replace it.
import { KIB } from '../../config/units.ts'
import { PeerChannel } from '../../wire/peer-channel.ts'
import { OutboundQueue } from './outbound-queue.ts'
import type { ChannelStats } from './index.ts'
import type { DialYield, PairHost } from '../../node/pair-dial.ts'
import type { Clock, Timer } from '../../time/clock.ts'
import type { FrameCompression } from '../../wire/compression/index.ts'
import type { AbortOptions, Logger } from '@libp2p/interface'

/** What a channel counts, less what is read off its queues when asked. */
export type ChannelCounters = Omit<ChannelStats, 'queuedBytes'>

export interface StreamSenderInit {
  host: PairHost
  node: string
  /** the channel's protocol id */
  protocol: string
  log: Logger
  clock: Clock
  dialYield?: DialYield
  /** bytes that may wait in this stream's queue */
  maxQueuedBytes: number
  /** bytes the stream's writer may hold ahead of what it wrote (STREAM_WINDOW or LATEST_WINS_WINDOW) */
  window: number
  counters: ChannelCounters
  /** compresses the frames of the stream's peer, when it takes a compressed variant of the protocol */
  compression?: FrameCompression
  /** pumps this sender once the current turn is done, with the channel's other streams */
  schedule(sender: StreamSender): void
}

/**
 * Bytes a stream's writer may hold ahead of what it handed to the stream: the rest waits in the channel's queue. One
 * write of the writer (MAX_WRITE_BYTES), so a busy stream is never short of bytes to send.
 */
export const STREAM_WINDOW = 256 * KIB
/**
 * The same on a latest-wins channel: whatever the writer holds can no longer be replaced, so it holds little. A stalled
 * peer's backlog of old values is then a few times this (the writer's, and what its stream was handed and has not
 * sent), plus what the muxer's window let through (256 KiB).
 */
export const LATEST_WINS_WINDOW = 32 * KIB

/**
 * ms before a queue the writer refused is offered again, doubled while it keeps refusing: the PeerChannel tells no one
 * when its stream drains, so a peer that is slow is asked again, and one that stalls less and less often.
 */
const RETRY_MIN = 1
const RETRY_MAX = 64
/**
 * ms before a stream that broke is opened again, doubled while each new one breaks within REOPEN_MAX: a member that
 * does not take this channel (configured without it) is not dialled in a loop.
 */
const REOPEN_MIN = 100
const REOPEN_MAX = 5_000

export class StreamSender {
  private readonly init: StreamSenderInit
  private readonly queue: OutboundQueue
  private channel: PeerChannel | undefined
  private openedAt = 0
  private reopenAt = 0
  private reopenDelay = 0
  private retry: Timer | undefined
  private retryDelay = RETRY_MIN
  private closed = false

  constructor (init: StreamSenderInit) {
    this.init = init
    this.queue = new OutboundQueue(init.maxQueuedBytes)
  }

  get queuedBytes (): number {
    return this.queue.bytes
  }

  /** Queues a copy for the peer, in the place of the waiting one of its `slot` if any (latest-wins). */
  enqueue (bytes: Uint8Array, slot?: string): void {
    if (this.closed) { return }
    const outcome = this.queue.add(bytes, slot)
    if (outcome === 'full') {
      this.init.counters.dropped++
      return
    }
    if (outcome === 'replaced') { this.init.counters.replaced++ }
    this.init.schedule(this)
  }

  /**
   * Hands the stream what its writer takes: all of a turn's copies go in one synchronous run, which the writer joins
   * into one write. What it refuses waits for the next turn (some went: the writer is moving) or a retry.
   */
  pump (): void {
    if (this.closed || this.queue.length === 0) { return }
    const wait = this.reopenAt - this.init.clock.now()
    if (wait > 0) {
      this.retryIn(wait)
      return
    }
    const wrote = this.feed(this.channel ?? this.open())
    if (wrote > 0) { this.retryDelay = RETRY_MIN }
    if (this.queue.length === 0) { return }
    if (wrote > 0) {
      this.init.schedule(this)
    } else {
      this.retryIn(this.retryDelay)
      this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX)
    }
  }

  /**
   * Writes the head of the queue to the channel until it refuses: what its writer and its stream's buffer hold counts
   * against the window, so the rest stays here, where a newer latest-wins value can still replace it. How many went.
   */
  private feed (channel: PeerChannel): number {
    const counters = this.init.counters
    let wrote = 0
    for (let bytes = this.queue.peek(); bytes !== undefined && channel.write(bytes); bytes = this.queue.peek()) {
      this.queue.shift()
      wrote++
      counters.messagesOut++
      counters.bytesOut += bytes.byteLength
    }
    return wrote
  }

  /** The peer left: what waits for it is lost, and so is its stream. */
  close (): void {
    if (this.closed) { return }
    this.closed = true
    this.retry?.cancel()
    this.init.counters.lost += this.queue.clear()
    this.channel?.close()
    this.channel = undefined
  }

  /** Hands over what the writer takes, then closes the stream once the peer read it all, within `options.signal`. */
  async end (options: AbortOptions = {}): Promise<void> {
    this.pump()
    const channel = this.channel
    this.channel = undefined
    this.close()
    await channel?.end(options)
  }

  private open (): PeerChannel {
    const { host, node, protocol, log, window, dialYield, counters, compression } = this.init
    const queue = this.queue
    const channel: PeerChannel = new PeerChannel({
      host,
      node,
      protocol,
      log,
      // read at each write: the window, or the one message at the head of the queue when it is larger, which then goes
      // alone, once the writer holds nothing
      get maxQueuedBytes () { return Math.max(window, queue.peek()?.byteLength ?? 0) },
      dialYield,
      onBroken: (_, err) => { this.broken(channel, err) },
      onLost: (count) => { counters.lost += count },
      compression
    })
    this.channel = channel
    this.openedAt = this.init.clock.now()
    return channel
  }

  private broken (channel: PeerChannel, err: Error): void {
    if (this.channel !== channel) { return }
    channel.close()
    this.channel = undefined
    const now = this.init.clock.now()
    this.reopenDelay = now - this.openedAt >= REOPEN_MAX ? REOPEN_MIN : Math.min(Math.max(this.reopenDelay * 2, REOPEN_MIN), REOPEN_MAX)
    this.reopenAt = now + this.reopenDelay
    this.init.log('the %s stream to %s broke, opening another in %d ms: %s', this.init.protocol, this.init.node, this.reopenDelay, err.message)
    if (this.queue.length > 0) { this.retryIn(this.reopenDelay) }
  }

  private retryIn (ms: number): void {
    if (this.retry !== undefined || this.closed) { return }
    this.retry = this.init.clock.after(ms, () => {
      this.retry = undefined
      this.pump()
    })
  }
}
