// PubSub on gossipsub: topics are namespaced by cluster, local subscribers are served in-process.
import { MIB } from '../../config/units.ts'
import { Codec } from '../../wire/codec.ts'
import { MessageTooLargeError } from '../errors.ts'
import { PublicationBatches } from './publication-batches.ts'
import { PublicationIds, decodePublication, encodePublication } from './publication.ts'
import type { PubSub, PublicationMeta, PublishOptions, Subscription, SubscriptionHandler } from './index.ts'
import type { TraceEntry } from './publication.ts'
import type { Host } from '../../node/create-host.ts'
import type { NodeTracing } from '../../observability/tracing/node-tracing.ts'
import type { MessageTrace, TraceContext } from '../../observability/tracing/trace-context.ts'
import type { Message } from '@libp2p/gossipsub'
import type { ComponentLogger, Logger, Startable } from '@libp2p/interface'

export interface GossipPubSubComponents {
  host: Host
  logger: ComponentLogger
  /** sends a publication to the subscribers of one other node */
  /** `trace`: the publication's trace as its caller knows it (see MessageTrace) */
  sendDirect(node: string, topic: string, message: unknown, trace?: MessageTrace): void
  /** the node's tracing, when on: publications carry their trace, subscribers run in it */
  tracing?: NodeTracing
}

export interface GossipPubSubInit {
  cluster: string
  maxMessageSize: number
}

export interface PubSubStats {
  published: number
  /** encoded bytes of the publications made here */
  publishedBytes: number
  /** publications from other nodes that came by gossip, and their bytes as gossiped (batched with their header) */
  received: number
  receivedBytes: number
  /** publications that gossipsub failed to send: no other node got them */
  publishFailures: number
  /**
   * publications gossipsub sent to at least one other node. Of those made here, the rest are `sentToNoPeer`,
   * `publishFailures`, or still queued
   */
  sentToPeers: number
  /**
   * publications gossipsub sent to no other node: none subscribed as far as this node knew, or gossipsub would send
   * to none of them. Rising while other nodes subscribe, it means pub/sub is silent
   */
  sentToNoPeer: number
  /** copies of publications sent to other nodes: one per publication and node it went to straight from here */
  peerCopies: number
  /** handler calls for publications, local and remote */
  delivered: number
  /** publications from the network that could not be decoded, or carried a malformed trace context */
  invalidMessages: number
  /** subscriber handlers that threw */
  handlerErrors: number
}

/** Above this many bytes queued for gossipsub, publish waits for the queue to drain. */
const PUBLISH_HIGH_WATER_MARK = 8 * MIB

class LocalSubscription implements Subscription {
  readonly topic: string
  readonly handler: SubscriptionHandler
  private readonly owner: GossipPubSub

  constructor (owner: GossipPubSub, topic: string, handler: SubscriptionHandler) {
    this.owner = owner
    this.topic = topic
    this.handler = handler
  }

  unsubscribe (): void {
    this.owner.remove(this)
  }
}

export class GossipPubSub implements PubSub, Startable {
  readonly stats: PubSubStats = {
    published: 0,
    publishedBytes: 0,
    received: 0,
    receivedBytes: 0,
    publishFailures: 0,
    sentToPeers: 0,
    sentToNoPeer: 0,
    peerCopies: 0,
    delivered: 0,
    invalidMessages: 0,
    handlerErrors: 0
  }

  private readonly components: GossipPubSubComponents
  private readonly init: GossipPubSubInit
  private readonly prefix: string
  private readonly log: Logger
  private readonly codec = new Codec()
  private readonly ids = new PublicationIds()
  private readonly subscriptions = new Map<string, Set<LocalSubscription>>()
  private readonly batches: PublicationBatches
  private readonly onGossip = (evt: CustomEvent<Message>): void => { this.receive(evt.detail) }
  private started = false

  constructor (components: GossipPubSubComponents, init: GossipPubSubInit) {
    this.components = components
    this.init = init
    this.prefix = `foundation/${init.cluster}/topic/`
    this.log = components.logger.forComponent('foundation:pubsub')
    this.batches = new PublicationBatches({
      maxBytes: init.maxMessageSize,
      send: async (topic, bodies, traces) => { await this.sendBatch(topic, bodies, traces) },
      onError: (err, topic, count) => {
        this.stats.publishFailures += count
        this.log.error('%d publications on %s reached no other node: %s', count, topic, err.message)
      }
    })
  }

  private get self (): string {
    return this.components.host.peerId.toString()
  }

  async start (): Promise<void> {
    if (this.started) { return }
    this.components.host.services.pubsub.addEventListener('message', this.onGossip)
    this.started = true
  }

  async stop (): Promise<void> {
    if (!this.started) { return }
    this.started = false
    this.components.host.services.pubsub.removeEventListener('message', this.onGossip)
    for (const topic of [...this.subscriptions.keys()]) { this.unsubscribe(topic) }
  }

  subscribe<T = any>(topic: string, handler: SubscriptionHandler<T>): Subscription {
    checkTopic(topic)
    const subscription = new LocalSubscription(this, topic, handler)
    let set = this.subscriptions.get(topic)
    if (set == null) {
      set = new Set()
      this.subscriptions.set(topic, set)
      this.components.host.services.pubsub.subscribe(this.prefix + topic)
    }
    set.add(subscription)
    return subscription
  }

  unsubscribe (topic: string): void {
    if (!this.subscriptions.delete(topic)) { return }
    this.components.host.services.pubsub.unsubscribe(this.prefix + topic)
  }

  /** @internal */
  remove (subscription: LocalSubscription): void {
    const set = this.subscriptions.get(subscription.topic)
    if (set?.delete(subscription) === true && set.size === 0) { this.unsubscribe(subscription.topic) }
  }

  async publish (topic: string, message: unknown, options: PublishOptions = {}): Promise<void> {
    checkTopic(topic)
    const body = this.codec.encode(message)
    if (body.byteLength > this.init.maxMessageSize) { throw new MessageTooLargeError(body.byteLength, this.init.maxMessageSize) }
    this.stats.published++
    this.stats.publishedBytes += body.byteLength
    const span = this.components.tracing?.outgoing('publish', 'producer', undefined, topic)
    if (span === undefined) {
      this.deliver(topic, message, this.self, true, options.exclude)
      this.batches.add(topic, body)
    } else {
      span.run(() => { this.deliver(topic, message, this.self, true, options.exclude) })
      this.batches.add(topic, body, this.components.tracing?.codec.inject(span))
      span.end()
    }
    if (this.batches.pendingBytes > PUBLISH_HIGH_WATER_MARK) { await this.batches.drained() }
  }

  async publishFrom (sender: Subscription, topic: string, message: unknown): Promise<void> {
    await this.publish(topic, message, { exclude: sender })
  }

  localPublish (topic: string, message: unknown): void {
    checkTopic(topic)
    this.deliver(topic, message, this.self, true)
  }

  directPublish (node: string, topic: string, message: unknown): void {
    checkTopic(topic)
    const span = this.components.tracing?.outgoing('publish', 'producer', undefined, topic)
    if (span === undefined) {
      // known untraced: the direct protocol does not look the trace up again
      if (node === this.self) { this.localPublish(topic, message) } else { this.components.sendDirect(node, topic, message, null) }
      return
    }
    try {
      // local subscribers run in the span; a remote publication carries it by hand
      if (node === this.self) { span.run(() => { this.localPublish(topic, message) }) } else { this.components.sendDirect(node, topic, message, span) }
      span.end()
    } catch (err) {
      span.end(err)
      throw err
    }
  }

  /** A publication that came by the direct protocol from another node. */
  deliverDirect (topic: string, message: unknown, from: string): void {
    this.deliver(topic, message, from, false)
  }

  topics (): string[] {
    return [...this.subscriptions.keys()]
  }

  private receive (msg: Message): void {
    if (!msg.topic.startsWith(this.prefix)) { return }
    const topic = msg.topic.slice(this.prefix.length)
    let publication
    try {
      publication = decodePublication(this.codec, msg.data, this.init.maxMessageSize)
    } catch (err: any) {
      this.stats.invalidMessages++
      this.log.error('dropped a malformed publication on %s: %s', topic, err.message)
      return
    }
    this.stats.received += publication.bodies.length
    this.stats.receivedBytes += msg.data.byteLength
    const tracing = this.components.tracing
    if (tracing === undefined) {
      for (const body of publication.bodies) { this.deliver(topic, body, publication.from, false) }
      return
    }
    const contexts = this.traceContexts(tracing, topic, publication.traces)
    if (contexts === null) { return }
    // gossipsub's callbacks run in the context its connection was opened in, which may be an earlier trace
    const stale = tracing.current() !== undefined
    for (let i = 0; i < publication.bodies.length; i++) {
      const ctx = contexts?.[i]
      const deliver = (): void => { this.deliver(topic, publication.bodies[i], publication.from, false) }
      if (ctx !== undefined || stale) { tracing.within(ctx, deliver) } else { deliver() }
    }
  }

  /** The parsed trace context of each message; null, and the publication dropped and counted, when one is malformed. */
  private traceContexts (tracing: NodeTracing, topic: string, traces: Array<[string, string?] | undefined> | undefined): Array<TraceContext | undefined> | undefined | null {
    if (traces === undefined) { return undefined }
    const contexts = new Array<TraceContext | undefined>(traces.length)
    for (let i = 0; i < traces.length; i++) {
      const trace = traces[i]
      if (trace === undefined) { continue }
      contexts[i] = tracing.codec.extract(trace[0], trace[1])
      if (contexts[i] === undefined) {
        tracing.stats.rejected++
        this.stats.invalidMessages++
        this.log.error('dropped a publication on %s with a malformed trace context', topic)
        return null
      }
    }
    return contexts
  }

  /** Sends one batch of a topic's publications as one gossipsub message. */
  private async sendBatch (topic: string, bodies: Uint8Array[], traces?: TraceEntry[]): Promise<void> {
    const data = encodePublication(this.ids.next(), this.self, bodies, traces === undefined ? undefined : this.codec.encode(traces))
    const { recipients } = await this.components.host.services.pubsub.publish(this.prefix + topic, data)
    // gossipsub resolves alike whether the batch went to every subscriber or to none: count which it was
    if (recipients.length > 0) {
      this.stats.sentToPeers += bodies.length
      this.stats.peerCopies += bodies.length * recipients.length
    } else {
      this.stats.sentToNoPeer += bodies.length
    }
  }

  private deliver (topic: string, message: unknown, from: string, local: boolean, exclude?: Subscription): void {
    const set = this.subscriptions.get(topic)
    if (set == null) { return }
    const meta = { topic, from, local }
    const tracing = this.components.tracing
    const parent = tracing?.current()
    for (const subscription of set) {
      if (subscription === exclude) { continue }
      this.stats.delivered++
      try {
        if (parent === undefined) {
          subscription.handler(message, meta)
        } else {
          handleTraced(tracing as NodeTracing, parent, subscription, message, meta)
        }
      } catch (err: any) {
        // one subscriber's bug must not keep the message from the others
        this.stats.handlerErrors++
        this.log.error('a subscriber of %s threw: %s', topic, err.message)
      }
    }
  }
}

/** A subscriber's handler in a span of its own, child of the publish span. */
function handleTraced (tracing: NodeTracing, parent: TraceContext, subscription: LocalSubscription, message: unknown, meta: PublicationMeta): void {
  const span = tracing.start('receive', meta.topic, 'consumer', parent, undefined, meta.topic)
  try {
    span.run(() => { subscription.handler(message, meta) })
    span.end()
  } catch (err) {
    span.end(err)
    throw err
  }
}

function checkTopic (topic: unknown): void {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 256) {
    throw new TypeError(`topic must be a string of 1 to 256 characters, got ${typeof topic === 'string' ? JSON.stringify(topic) : typeof topic}`)
  }
}
