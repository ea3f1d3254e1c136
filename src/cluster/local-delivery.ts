// Hands messages that reach this node to its actors and subscribers, for local callers and the direct protocol.
import { ActorNotFoundError } from '../actors/errors.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { LocalDelivery } from '../messaging/direct/direct-messaging.ts'
import type { GossipPubSub } from '../messaging/pubsub/gossip-pubsub.ts'

export class ActorDelivery implements LocalDelivery {
  private readonly actors: LocalActors
  private readonly pubsub: () => GossipPubSub

  constructor (actors: LocalActors, pubsub: () => GossipPubSub) {
    this.actors = actors
    this.pubsub = pubsub
  }

  send (actorId: string, body: unknown): boolean {
    const cell = this.actors.get(actorId)
    if (cell == null) { return false }
    cell.deliver(body)
    return true
  }

  async call (actorId: string, body: unknown): Promise<unknown> {
    const cell = this.actors.get(actorId)
    if (cell == null) { throw new ActorNotFoundError(actorId) }
    return new Promise((resolve, reject) => { cell.deliver(body, { resolve, reject }) })
  }

  publish (topic: string, body: unknown, from: string): void {
    this.pubsub().deliverDirect(topic, body, from)
  }
}
