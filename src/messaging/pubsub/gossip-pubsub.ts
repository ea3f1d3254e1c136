// PubSub on gossipsub, and on the overlay's broadcast tree in the partial-view shape: topics are namespaced by
// cluster, local subscribers are served in-process.
import { MIB } from '../../config/units.ts'
import { Codec } from '../../wire/codec.ts'
import { ForgedPublicationError, MessageTooLargeError, PubSubNotRunningError } from '../errors.ts'
import { LocalSubscription } from './local-subscription.ts'
import { PublicationBatches } from './publication-batches.ts'
import { handleTraced, traceContexts } from './publication-traces.ts'
import { treeIdOf } from './publication-tree.ts'
import { PUBLICATION_ID_LENGTH, PublicationIds, decodePublication, encodePublication } from './publication.ts'
import { emptyPubSubStats } from './pubsub-stats.ts'
import { SeenPublications } from './seen-publications.ts'
import { checkTopic } from './topics.ts'
import type { PubSub, PublishOptions, Subscription, SubscriptionHandler } from './index.ts'
import type { TraceEntry } from './publication.ts'
import type { PubSubStats } from './pubsub-stats.ts'
import type { Host } from '../../node/create-host.ts'
import type { NodeKeys } from '../../node/node-keys.ts'
import type { NodeTracing } from '../../observability/tracing/node-tracing.ts'
import type { MessageTrace } from '../../observability/tracing/trace-context.ts'
import type { GossipsubMessage } from '@libp2p/gossipsub'
import type { ComponentLogger, Logger, Startable } from '@libp2p/interface'

export interface GossipPubSubComponents {
  host: Host
  logger: ComponentLogger
  /** signs this node's batches; checks each batch's signature against the sender it names */
  keys: NodeKeys
  /** sends a publication to the subscribers of one other node */
  /** `trace`: the publication's trace as its caller knows it (see MessageTrace) */
  sendDirect(node: string, topic: string, message: unknown, trace?: MessageTrace): void
  /** the node's tracing, when on: publications carry their trace, subscribers run in it */
  tracing?: NodeTracing
  /** the overlay's broadcast tree for publications: sends a batch to every member, returns the links it went on */
  tree?: { send(topic: string, data: Uint8Array): number }
  /** which ways a batch leaves this node in the shape in force (default gossipsub only) */
  paths?(): PublicationPaths
}

/** The ways a batch published here leaves the node: both while some members may use one and some the other. */
export interface PublicationPaths {
  gossipsub: boolean
  tree: boolean
}

const GOSSIPSUB_ONLY: PublicationPaths = { gossipsub: true, tree: false }
/**
 * ms a publication id is remembered, so the copy that comes by the other path is dropped (see SeenPublications).
 * Ids are kept only while the tree may be in use here (this node would send on it, or it brought a batch lately):
 * a small full mesh has only gossipsub, which drops its own duplicates, and at thousands of batches a second the
 * ids would take megabytes.
 */
const SEEN_RETENTION = 30_000

export interface GossipPubSubInit {
  cluster: string
  maxMessageSize: number
}

/** Above this many bytes queued for gossipsub, publish waits for the queue to drain. */
const PUBLISH_HIGH_WATER_MARK = 8 * MIB

export class GossipPubSub implements PubSub, Startable {
  readonly stats: PubSubStats = emptyPubSubStats()

  private readonly components: GossipPubSubComponents
  private readonly init: GossipPubSubInit
  private readonly prefix: string
  private readonly log: Logger
  private readonly codec = new Codec()
  private readonly ids = new PublicationIds()
  private readonly subscriptions = new Map<string, Set<LocalSubscription>>()
  private readonly batches: PublicationBatches
  private readonly seen = new SeenPublications(SEEN_RETENTION, Date.now())
  /** Date.now() until which batch ids are kept: a retention past the tree's last use here */
  private treeInUseUntil = 0
  private readonly onGossip = (evt: CustomEvent<GossipsubMessage>): void => { this.receive(evt.detail) }
  private readonly sign = (data: Uint8Array): Uint8Array => this.components.keys.own.signDigestOf(data)
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
    this.components.host.services.pubsub.addEventListener('gossipsub:message', this.onGossip)
    this.started = true
  }

  async stop (): Promise<void> {
    if (!this.started) { return }
    this.started = false
    this.components.host.services.pubsub.removeEventListener('gossipsub:message', this.onGossip)
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
    if (!this.started) { throw new PubSubNotRunningError() }
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

  private receive ({ msg, propagationSource }: GossipsubMessage): void {
    if (!msg.topic.startsWith(this.prefix)) { return }
    this.receiveBatch(msg.topic.slice(this.prefix.length), msg.data, false, propagationSource.toString())
  }

  /**
   * A batch from another node, by gossipsub or over the tree, passed on by `relay`; the copy that comes second by the
   * other way is dropped.
   */
  receiveBatch (topic: string, data: Uint8Array, overTree: boolean, relay: string): void {
    const now = Date.now()
    if (overTree || this.components.paths?.().tree === true) { this.treeInUseUntil = now + SEEN_RETENTION }
    if (now < this.treeInUseUntil && data.byteLength > PUBLICATION_ID_LENGTH && !this.seen.firstTime(treeIdOf(data), now)) {
      this.stats.duplicates++
      return
    }
    let publication
    try {
      publication = decodePublication(this.codec, data, this.init.maxMessageSize, this.components.keys.peers, relay)
    } catch (err: any) {
      if (err instanceof ForgedPublicationError) {
        this.stats.forgedSenders++
      } else {
        this.stats.invalidMessages++
      }
      this.log.error('dropped a publication on %s: %s', topic, err.message)
      return
    }
    this.stats.received += publication.bodies.length
    this.stats.receivedBytes += data.byteLength
    if (overTree) { this.stats.receivedOverTree += publication.bodies.length }
    const tracing = this.components.tracing
    if (tracing === undefined) {
      for (const body of publication.bodies) { this.deliver(topic, body, publication.from, false) }
      return
    }
    const contexts = traceContexts(tracing, publication.traces)
    if (contexts === null) {
      this.stats.invalidMessages++
      this.log.error('dropped a publication on %s with a malformed trace context', topic)
      return
    }
    // gossipsub's callbacks run in the context its connection was opened in, which may be an earlier trace
    const stale = tracing.current() !== undefined
    for (let i = 0; i < publication.bodies.length; i++) {
      const ctx = contexts?.[i]
      const deliver = (): void => { this.deliver(topic, publication.bodies[i], publication.from, false) }
      if (ctx !== undefined || stale) { tracing.within(ctx, deliver) } else { deliver() }
    }
  }

  /**
   * Sends one batch of a topic's publications as one message: by gossipsub to the subscribers it knows, over the
   * overlay's tree to every member, or both while the cluster changes shape.
   */
  private async sendBatch (topic: string, bodies: Uint8Array[], traces?: TraceEntry[]): Promise<void> {
    const data = encodePublication(this.ids.next(), this.self, bodies, this.sign, traces === undefined ? undefined : this.codec.encode(traces))
    const { tree, paths } = this.components
    const { gossipsub, tree: overTree } = paths?.() ?? GOSSIPSUB_ONLY
    let copies = 0
    if (overTree && tree != null) {
      this.treeInUseUntil = Date.now() + SEEN_RETENTION
      copies += tree.send(topic, data)
    }
    if (gossipsub) {
      const { recipients } = await this.components.host.services.pubsub.publish(this.prefix + topic, data)
      copies += recipients.length
    }
    // gossipsub resolves alike whether the batch went to every subscriber or to none: count which it was
    if (copies > 0) {
      this.stats.sentToPeers += bodies.length
      this.stats.peerCopies += bodies.length * copies
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
