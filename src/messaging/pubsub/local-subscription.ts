// One handler's interest in one topic on this node, as subscribe hands it back: unsubscribing asks its owner (the
// pub/sub or the channel it was made by) to drop it.
import type { Subscription, SubscriptionHandler } from './index.ts'

export interface SubscriptionOwner {
  remove(subscription: LocalSubscription): void
}

export class LocalSubscription implements Subscription {
  readonly topic: string
  readonly handler: SubscriptionHandler
  private readonly owner: SubscriptionOwner

  constructor (owner: SubscriptionOwner, topic: string, handler: SubscriptionHandler) {
    this.owner = owner
    this.topic = topic
    this.handler = handler
  }

  unsubscribe (): void {
    this.owner.remove(this)
  }
}
