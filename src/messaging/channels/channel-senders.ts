// A channel's outbound side: `parallelism` streams to each peer, a publication on the one its key (else its topic)
// hashes to, and one pump per turn for every stream that has something queued.
import { StreamSender } from './stream-sender.ts'
import type { ChannelCounters } from './stream-sender.ts'
import type { DialYield, PairHost } from '../../node/pair-dial.ts'
import type { Clock } from '../../time/clock.ts'
import type { FrameCompression } from '../../wire/compression/index.ts'
import type { Logger } from '@libp2p/interface'

export interface ChannelSendersInit {
  host: PairHost
  protocol: string
  log: Logger
  clock: Clock
  dialYield?: DialYield
  counters: ChannelCounters
  /** streams per peer */
  parallelism: number
  /** bytes that may wait for one peer, shared evenly by its streams */
  maxQueuedBytes: number
  /** bytes each stream's writer may hold ahead of what it wrote (see STREAM_WINDOW) */
  window: number
  /** compresses this channel's frames to peers that take it, as the channel's setting says (default plain frames) */
  compression?: FrameCompression
}

export class ChannelSenders {
  private readonly init: ChannelSendersInit
  private readonly peers = new Map<string, StreamSender[]>()
  private dirty = new Set<StreamSender>()
  private scheduled = false
  private readonly schedule = (sender: StreamSender): void => {
    this.dirty.add(sender)
    if (this.scheduled) { return }
    this.scheduled = true
    this.init.clock.soon(() => { this.pumpDirty() })
  }

  constructor (init: ChannelSendersInit) {
    this.init = init
  }

  /** `route`: the publication's key, else its topic: one route always takes the same stream, so it keeps its order. */
  send (node: string, bytes: Uint8Array, route: string, slot?: string): void {
    const streams = this.peers.get(node) ?? this.connect(node)
    streams[streams.length === 1 ? 0 : streamIndex(route, streams.length)].enqueue(bytes, slot)
  }

  /** Bytes waiting in the queues to every peer. */
  queuedBytes (): number {
    let bytes = 0
    for (const streams of this.peers.values()) {
      for (const sender of streams) { bytes += sender.queuedBytes }
    }
    return bytes
  }

  /** A member left: what waits for it is dropped, and its streams go. */
  forget (node: string): void {
    const streams = this.peers.get(node)
    if (streams === undefined) { return }
    this.peers.delete(node)
    for (const sender of streams) { sender.close() }
  }

  /** The channel stops: what the streams' writers take goes out, and every stream is closed within `signal`. */
  async end (signal: AbortSignal): Promise<void> {
    const senders = [...this.peers.values()].flat()
    this.peers.clear()
    this.dirty.clear()
    await Promise.allSettled(senders.map(async sender => { await sender.end({ signal }) }))
  }

  private connect (node: string): StreamSender[] {
    const { parallelism, maxQueuedBytes } = this.init
    const streams = Array.from({ length: parallelism }, () => new StreamSender({
      ...this.init,
      node,
      maxQueuedBytes: Math.ceil(maxQueuedBytes / parallelism),
      schedule: this.schedule
    }))
    this.peers.set(node, streams)
    return streams
  }

  private pumpDirty (): void {
    this.scheduled = false
    const dirty = this.dirty
    // a sender whose writer took only part of its queue asks again, for the next turn
    this.dirty = new Set()
    for (const sender of dirty) { sender.pump() }
  }
}

/** FNV-1a of the route's UTF-16 code units: cheap, and spreads short keys evenly over a few streams. */
export function streamIndex (route: string, streams: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < route.length; i++) {
    hash ^= route.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % streams
}
