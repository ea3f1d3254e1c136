// A channel's subscriptions on this node: handlers by topic, each called for every publication delivered here.
import { LocalSubscription } from '../pubsub/local-subscription.ts'
import { checkTopic } from '../pubsub/topics.ts'
import type { ChannelCounters } from './stream-sender.ts'
import type { PublicationMeta, Subscription, SubscriptionHandler } from '../pubsub/index.ts'
import type { SubscriptionOwner } from '../pubsub/local-subscription.ts'
import type { Logger } from '@libp2p/interface'

export class ChannelSubscribers implements SubscriptionOwner {
  private readonly byTopic = new Map<string, Set<LocalSubscription>>()
  private readonly counters: ChannelCounters
  private readonly log: Logger

  constructor (counters: ChannelCounters, log: Logger) {
    this.counters = counters
    this.log = log
  }

  add (topic: string, handler: SubscriptionHandler): Subscription {
    checkTopic(topic)
    const subscription = new LocalSubscription(this, topic, handler)
    let set = this.byTopic.get(topic)
    if (set === undefined) {
      set = new Set()
      this.byTopic.set(topic, set)
    }
    set.add(subscription)
    return subscription
  }

  remove (subscription: LocalSubscription): void {
    const set = this.byTopic.get(subscription.topic)
    if (set?.delete(subscription) === true && set.size === 0) { this.byTopic.delete(subscription.topic) }
  }

  removeTopic (topic: string): void {
    this.byTopic.delete(topic)
  }

  has (topic: string): boolean {
    return this.byTopic.has(topic)
  }

  topics (): string[] {
    return [...this.byTopic.keys()]
  }

  /** Calls every handler of the topic but `exclude`; one that throws is counted and keeps the message from no other. */
  deliver (topic: string, message: unknown, meta: PublicationMeta, exclude?: Subscription): void {
    const set = this.byTopic.get(topic)
    if (set === undefined) { return }
    for (const subscription of set) {
      if (subscription === exclude) { continue }
      this.counters.delivered++
      try {
        subscription.handler(message, meta)
      } catch (err: any) {
        this.counters.handlerErrors++
        this.log.error('a subscriber of %s threw: %s', topic, err.message)
      }
    }
  }
}
