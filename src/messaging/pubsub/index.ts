// Pub/sub: cluster-namespaced topics, delivered to every subscriber of every node, or only some.

/** Where a publication came from. */
export interface PublicationMeta {
  topic: string
  /** peer id of the publishing node */
  from: string
  /** true when published by this node */
  local: boolean
}

export type SubscriptionHandler<T = any> = (message: T, meta: PublicationMeta) => void

/** One handler's interest in one topic; `unsubscribe` ends it. */
export interface Subscription {
  readonly topic: string
  unsubscribe(): void
}

export interface PublishOptions {
  /** a local subscription that should not receive this publication (its sender) */
  exclude?: Subscription
  /**
   * on a channel (`cluster.channel(name)`): publications with the same key take the same stream, so they arrive in the
   * order they were published; without one the topic chooses. A latest-wins channel needs it: a newer publication
   * replaces the one of the same topic and key still waiting for a peer. `cluster.pubsub` keeps one order and ignores it
   */
  key?: string
}

/**
 * Publish/subscribe across the cluster, like Phoenix.PubSub: topics are namespaced per cluster, so two clusters
 * on one network never see each other's publications.
 *
 * @example
 * ```ts
 * const subscription = cluster.pubsub.subscribe<{ sku: string }>('orders', (order, meta) => {
 *   cluster.send('stock', { reserve: order.sku, from: meta.from })
 * })
 * await cluster.pubsub.publish('orders', { sku: 'apple' })               // every node's subscribers
 * await cluster.pubsub.publishFrom(subscription, 'orders', { sku: 'pear' }) // all but this subscription
 * cluster.pubsub.localPublish('orders', { sku: 'plum' })                 // this node's subscribers only
 * subscription.unsubscribe()
 * ```
 */
export interface PubSub {
  subscribe<T = any>(topic: string, handler: SubscriptionHandler<T>): Subscription
  /** ends every subscription of this node to a topic */
  unsubscribe(topic: string): void
  /**
   * delivers to every subscriber of the cluster, also when nobody subscribes. Resolves once the local
   * subscribers have it and it is queued for the others: publishes of one turn travel as one gossipsub message
   */
  publish(topic: string, message: unknown, options?: PublishOptions): Promise<void>
  /** publish to everyone except `sender`, like Phoenix.PubSub.broadcast_from */
  publishFrom(sender: Subscription, topic: string, message: unknown, options?: Omit<PublishOptions, 'exclude'>): Promise<void>
  /** delivers only to this node's subscribers */
  localPublish(topic: string, message: unknown): void
  /** delivers only to the subscribers on one node, by its peer id */
  directPublish(node: string, topic: string, message: unknown, options?: Omit<PublishOptions, 'exclude'>): void
  /** topics this node subscribes to */
  topics(): string[]
}
