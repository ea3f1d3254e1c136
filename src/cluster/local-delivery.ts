// Hands messages that reach this node to its actors, system endpoints and subscribers, for the direct protocol.
import { ActorNotFoundError } from '../actors/errors.ts'
import { isSystemId } from './system-endpoints.ts'
import type { SystemEndpoints } from './system-endpoints.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { LocalDelivery } from '../messaging/direct/direct-messaging.ts'
import type { GossipPubSub } from '../messaging/pubsub/gossip-pubsub.ts'
import type { NodeTracing } from '../observability/tracing/node-tracing.ts'
import type { MessageTrace } from '../observability/tracing/trace-context.ts'

export class ActorDelivery implements LocalDelivery {
  private readonly actors: LocalActors
  private readonly endpoints: SystemEndpoints
  private readonly pubsub: () => GossipPubSub
  private readonly tracing: NodeTracing | undefined

  constructor (actors: LocalActors, endpoints: SystemEndpoints, pubsub: () => GossipPubSub, tracing?: NodeTracing) {
    this.actors = actors
    this.endpoints = endpoints
    this.pubsub = pubsub
    this.tracing = tracing
  }

  send (actorId: string, body: unknown, from: string, trace?: MessageTrace): boolean {
    if (isSystemId(actorId)) {
      const endpoint = this.endpoints.find(actorId)
      return endpoint?.send == null ? false : this.within(trace, () => endpoint.send?.(actorId, body, from) ?? false)
    }
    const cell = this.actors.get(actorId)
    if (cell == null) { return false }
    // a mailbox keeps the trace with the message: no async context to enter for it
    cell.deliver(body, undefined, trace)
    return true
  }

  async call (actorId: string, body: unknown, from: string, trace?: MessageTrace): Promise<unknown> {
    if (isSystemId(actorId)) {
      const endpoint = this.endpoints.find(actorId)
      if (endpoint?.call == null) { throw new ActorNotFoundError(actorId) }
      return this.within(trace, async () => endpoint.call?.(actorId, body, from))
    }
    const cell = this.actors.get(actorId)
    if (cell == null) { throw new ActorNotFoundError(actorId) }
    return new Promise((resolve, reject) => { cell.deliver(body, { resolve, reject }, trace) })
  }

  publish (topic: string, body: unknown, from: string, trace?: MessageTrace): void {
    this.within(trace, () => { this.pubsub().deliverDirect(topic, body, from) })
  }

  /** Runs code of an endpoint or subscribers in the message's trace, which what they start later must see too. */
  private within<T>(trace: MessageTrace, fn: () => T): T {
    return trace == null || this.tracing === undefined ? fn() : this.tracing.within(trace, fn)
  }
}
