// Hands messages that reach this node to its actors, system endpoints and subscribers, for the direct protocol.
import { ActorNotFoundError } from '../actors/errors.ts'
import { isSystemId } from './system-endpoints.ts'
import type { SystemEndpoints } from './system-endpoints.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { LocalDelivery } from '../messaging/direct/direct-messaging.ts'
import type { GossipPubSub } from '../messaging/pubsub/gossip-pubsub.ts'

export class ActorDelivery implements LocalDelivery {
  private readonly actors: LocalActors
  private readonly endpoints: SystemEndpoints
  private readonly pubsub: () => GossipPubSub

  constructor (actors: LocalActors, endpoints: SystemEndpoints, pubsub: () => GossipPubSub) {
    this.actors = actors
    this.endpoints = endpoints
    this.pubsub = pubsub
  }

  send (actorId: string, body: unknown, from: string): boolean {
    if (isSystemId(actorId)) { return this.endpoints.find(actorId)?.send?.(actorId, body, from) ?? false }
    const cell = this.actors.get(actorId)
    if (cell == null) { return false }
    cell.deliver(body)
    return true
  }

  async call (actorId: string, body: unknown, from: string): Promise<unknown> {
    if (isSystemId(actorId)) {
      const endpoint = this.endpoints.find(actorId)
      if (endpoint?.call == null) { throw new ActorNotFoundError(actorId) }
      return endpoint.call(actorId, body, from)
    }
    const cell = this.actors.get(actorId)
    if (cell == null) { throw new ActorNotFoundError(actorId) }
    return new Promise((resolve, reject) => { cell.deliver(body, { resolve, reject }) })
  }

  publish (topic: string, body: unknown, from: string): void {
    this.pubsub().deliverDirect(topic, body, from)
  }
}
