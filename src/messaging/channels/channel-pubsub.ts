// One named channel: Phoenix.PubSub's operations on streams of its own. A publication is encoded once and sent to
// every other active member (as Phoenix.PubSub's PG adapter does); each node hands it to its own subscribers.
import { channelProtocolName } from '../../node/protocols.ts'
import { Codec } from '../../wire/codec.ts'
import { MessageTooLargeError, PubSubNotRunningError } from '../errors.ts'
import { checkTopic } from '../pubsub/topics.ts'
import { ChannelInbound } from './channel-inbound.ts'
import { decodeRecord, encodeRecord, isKey } from './channel-record.ts'
import { ChannelSenders } from './channel-senders.ts'
import { ChannelSubscribers } from './channel-subscribers.ts'
import { ChannelKeyRequiredError } from './errors.ts'
import { MAX_CHANNEL_KEY_LENGTH } from './index.ts'
import { LatestDelivered } from './latest-delivered.ts'
import { slotOf } from './outbound-queue.ts'
import { LATEST_WINS_WINDOW, STREAM_WINDOW } from './stream-sender.ts'
import type { InboundPriority } from './channel-priority.ts'
import type { Channel, ChannelConfig, ChannelStats } from './index.ts'
import type { ChannelCounters } from './stream-sender.ts'
import type { Host } from '../../node/create-host.ts'
import type { DialYield } from '../../node/pair-dial.ts'
import type { Clock } from '../../time/clock.ts'
import type { FrameCompression } from '../../wire/compression/index.ts'
import type { PublishOptions, Subscription, SubscriptionHandler } from '../pubsub/index.ts'
import type { Logger } from '@libp2p/interface'

export interface ChannelPubSubComponents {
  host: Host
  log: Logger
  clock: Clock
  dialYield?: DialYield
  /** the other active members a publication goes to, by peer id */
  recipients(): readonly string[]
  /** compresses frames as the channel's setting says, and inflates peers' (default plain frames only) */
  compression?: FrameCompression
  /** the receive windows of the channel's inbound streams, as its priority among the node's channels says */
  priority: InboundPriority
}

export interface ChannelPubSubInit {
  cluster: string
  name: string
  config: ChannelConfig
  maxMessageSize: number
}

/** ms a stopping channel gives its streams to hand over what their writers hold and close. */
const END_TIMEOUT = 1_000

function emptyCounters (): ChannelCounters {
  return { published: 0, messagesOut: 0, bytesOut: 0, messagesIn: 0, bytesIn: 0, delivered: 0, dropped: 0, replaced: 0, lost: 0, stale: 0, unsubscribed: 0, invalidFrames: 0, handlerErrors: 0 }
}

/** A publication ready for its peers: its bytes, the stream route, and on a latest-wins channel the slot it replaces. */
interface Outgoing {
  bytes: Uint8Array
  route: string
  slot?: string
}

export class ChannelPubSub implements Channel {
  readonly name: string
  /** this node's peer id */
  private readonly self: string
  private readonly components: ChannelPubSubComponents
  private readonly init: ChannelPubSubInit
  private readonly counters = emptyCounters()
  private readonly codec = new Codec()
  private readonly subscribers: ChannelSubscribers
  private readonly senders: ChannelSenders
  private readonly inbound: ChannelInbound
  /** on a latest-wins channel, what was delivered last per sender, topic and key */
  private readonly latest: LatestDelivered | undefined
  /** this run's start: a receiver takes it for newer than any sequence of an earlier run under the same peer id */
  private readonly epoch: number
  private sequence = 0
  private started = false

  constructor (components: ChannelPubSubComponents, init: ChannelPubSubInit) {
    this.components = components
    this.init = init
    this.name = init.name
    this.self = components.host.peerId.toString()
    const { config } = init
    const protocol = channelProtocolName(init.cluster, init.name)
    this.epoch = components.clock.now()
    this.latest = config.latestWins ? new LatestDelivered() : undefined
    this.subscribers = new ChannelSubscribers(this.counters, components.log)
    this.senders = new ChannelSenders({
      host: components.host,
      protocol,
      log: components.log,
      clock: components.clock,
      dialYield: components.dialYield,
      counters: this.counters,
      parallelism: config.parallelism,
      maxQueuedBytes: config.maxQueuedBytes,
      window: config.latestWins ? LATEST_WINS_WINDOW : STREAM_WINDOW,
      compression: components.compression
    })
    this.inbound = new ChannelInbound({
      host: components.host,
      protocol,
      log: components.log,
      maxMessageSize: init.maxMessageSize,
      counters: this.counters,
      compression: components.compression,
      priority: components.priority,
      receive: (from, payload) => { this.receive(from, payload) }
    })
  }

  async start (): Promise<void> {
    if (this.started) { return }
    await this.inbound.start()
    this.started = true
  }

  async stop (): Promise<void> {
    if (!this.started) { return }
    this.started = false
    await this.senders.end(AbortSignal.timeout(END_TIMEOUT))
    await this.inbound.stop()
  }

  subscribe<T = any>(topic: string, handler: SubscriptionHandler<T>): Subscription {
    return this.subscribers.add(topic, handler)
  }

  unsubscribe (topic: string): void {
    this.subscribers.removeTopic(topic)
  }

  async publish (topic: string, message: unknown, options: PublishOptions = {}): Promise<void> {
    const outgoing = this.outgoing(topic, message, options.key)
    this.subscribers.deliver(topic, message, { topic, from: this.self, local: true }, options.exclude)
    for (const node of this.components.recipients()) { this.senders.send(node, outgoing.bytes, outgoing.route, outgoing.slot) }
  }

  async publishFrom (sender: Subscription, topic: string, message: unknown, options: PublishOptions = {}): Promise<void> {
    await this.publish(topic, message, { ...options, exclude: sender })
  }

  localPublish (topic: string, message: unknown): void {
    checkTopic(topic)
    this.subscribers.deliver(topic, message, { topic, from: this.self, local: true })
  }

  directPublish (node: string, topic: string, message: unknown, options: PublishOptions = {}): void {
    if (node === this.self) {
      this.localPublish(topic, message)
      return
    }
    const outgoing = this.outgoing(topic, message, options.key)
    this.senders.send(node, outgoing.bytes, outgoing.route, outgoing.slot)
  }

  topics (): string[] {
    return this.subscribers.topics()
  }

  stats (): ChannelStats {
    return { ...this.counters, queuedBytes: this.senders.queuedBytes() }
  }

  /** A member left: what waits for it is dropped and its streams closed, both ways. */
  memberLeft (node: string): void {
    this.senders.forget(node)
    this.inbound.forget(node)
    this.latest?.forget(node)
  }

  /** Checks a publication for other nodes and encodes it, once for all of them. */
  private outgoing (topic: string, message: unknown, key: string | undefined): Outgoing {
    checkTopic(topic)
    if (!this.started) { throw new PubSubNotRunningError() }
    if (key !== undefined && !isKey(key)) { throw new TypeError(`key must be a string of 1 to ${MAX_CHANNEL_KEY_LENGTH} characters`) }
    let bytes: Uint8Array
    let slot: string | undefined
    if (this.init.config.latestWins) {
      if (key === undefined) { throw new ChannelKeyRequiredError(this.name, topic) }
      bytes = encodeRecord(this.codec, topic, message, { key, epoch: this.epoch, sequence: ++this.sequence })
      slot = slotOf(topic, key)
    } else {
      bytes = encodeRecord(this.codec, topic, message)
    }
    if (bytes.byteLength > this.init.maxMessageSize) { throw new MessageTooLargeError(bytes.byteLength, this.init.maxMessageSize) }
    this.counters.published++
    return { bytes, route: key ?? topic, slot }
  }

  private receive (from: string, payload: Uint8Array): void {
    const { topic, message, order } = decodeRecord(this.codec, payload, this.latest !== undefined)
    if (!this.subscribers.has(topic)) {
      this.counters.unsubscribed++
      return
    }
    if (order !== undefined && this.latest?.accept(from, slotOf(topic, order.key), order) === false) {
      this.counters.stale++
      return
    }
    this.subscribers.deliver(topic, message, { topic, from, local: false })
  }
}
