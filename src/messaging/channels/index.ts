// Named pub/sub channels: each on streams of its own to every member, so bulk traffic on one never waits in front of
// another's, with ordering per key and an optional latest-value-wins queue.
import type { ChannelPriority } from './channel-priority.ts'
import type { CompressionMode } from '../../wire/compression/index.ts'
import type { PubSub } from '../pubsub/index.ts'

/** How one channel carries its publications: set the same on every node (like Phoenix.PubSub's pool size). */
export interface ChannelInit {
  /**
   * keep only the newest message per topic and `key` while it waits for a peer: a newer publish replaces the one still
   * queued, and a receiver drops a message older than one it delivered from the same sender. Every publish needs a
   * `key` (default false)
   */
  latestWins?: boolean
  /**
   * streams to each peer (default 1, at most 8): a publication goes on the one its `key` (else its topic) hashes to,
   * so one key keeps its order while different keys go side by side
   */
  parallelism?: number
  /**
   * bytes that may wait for one peer on this channel, shared evenly by its streams; past it a copy for that peer is
   * dropped and counted (default messaging.maxQueuedBytes)
   */
  maxQueuedBytes?: number
  /** compression of this channel's frames, as messaging.compression (default messaging.compression's mode, 'auto') */
  compression?: CompressionMode
  /**
   * 'low' for a bulk channel: while a channel of normal priority carries publications from a peer, this one's streams
   * from that peer have at most 64 KiB in flight, so the others' frames wait behind little of it on the connection
   * they share; after a second without them it has its full window (256 KiB) and speed back. The receiver applies it:
   * set it the same on every node (default 'normal')
   */
  priority?: ChannelPriority
}

/** A channel's settings with every default filled in. */
export type ChannelConfig = Required<ChannelInit>

/** What one node's channel counted since it started. */
export interface ChannelStats {
  /** publishes made here that go to other nodes (publish, publishFrom, directPublish to another node) */
  published: number
  /** copies written to other nodes' streams (one per publication and node), and their encoded bytes */
  messagesOut: number
  bytesOut: number
  /** publications that came from other nodes, and their encoded bytes */
  messagesIn: number
  bytesIn: number
  /** handler calls, for local and remote publications */
  delivered: number
  /** copies not queued because the peer already had the channel's maxQueuedBytes waiting */
  dropped: number
  /** latest-wins: copies replaced in a peer's queue by a newer publish of the same topic and key before they left */
  replaced: number
  /** copies queued for a peer that never reached it: its stream broke or could not be opened, or it left */
  lost: number
  /** latest-wins: publications that came older than one already delivered for their sender, topic and key; dropped */
  stale: number
  /** publications that came for a topic nobody here subscribes to; dropped */
  unsubscribed: number
  /** malformed or oversize frames received; each reset its stream */
  invalidFrames: number
  /** subscriber handlers that threw */
  handlerErrors: number
  /** bytes waiting in this channel's queues now, for every peer */
  queuedBytes: number
}

/** One channel of this node, with its counters: for metrics. */
export interface NamedChannelStats {
  name: string
  stats: ChannelStats
}

/**
 * A named channel: the PubSub interface (Phoenix.PubSub's subscribe, unsubscribe, broadcast, broadcast_from,
 * local_broadcast and direct_broadcast) on streams of its own.
 *
 * @example
 * ```ts
 * const telemetry = cluster.channel('telemetry')
 * telemetry.subscribe<{ cpu: number }>('load', (sample, meta) => { cluster.send('monitor', { from: meta.from, ...sample }) })
 * await telemetry.publish('load', { cpu: 0.4 }, { key: cluster.id })
 * const { dropped, replaced, queuedBytes } = telemetry.stats()
 * ```
 */
export interface Channel extends PubSub {
  readonly name: string
  /** what this node's side of the channel counted since it started */
  stats(): ChannelStats
}

/** The name `cluster.pubsub` answers to: no configured channel may take it. */
export const DEFAULT_CHANNEL = 'default'
/** A channel's name is part of its protocol id: letters, digits, '-' and '_', starting with a letter. */
export const CHANNEL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/
export const DEFAULT_CHANNEL_PARALLELISM = 1
export const MAX_CHANNEL_PARALLELISM = 8
/** The longest `key` a publication may carry, in characters. */
export const MAX_CHANNEL_KEY_LENGTH = 256

export { ChannelUnknownError, ChannelKeyRequiredError } from './errors.ts'
export { CHANNEL_PRIORITIES } from './channel-priority.ts'
export type { ChannelPriority } from './channel-priority.ts'
