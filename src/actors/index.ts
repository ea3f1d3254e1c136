// Actors: objects with a message handler and a mailbox that processes one message at a time.
import type { ActorRef } from './ref.ts'

export type { ActorRef } from './ref.ts'

/** What an actor sees of the world while it handles a message. */
export interface ActorContext {
  /** this actor's own address */
  self: ActorRef
  /** the name it was spawned with, if any */
  name?: string
}

/**
 * An actor. `receive` is called for one message at a time, in arrival order; what it returns (or the
 * promise resolves to) answers a `call`. A throw fails that call and leaves the actor running.
 */
export interface Actor<Message = any, Reply = any> {
  receive(message: Message, context: ActorContext): Reply | Promise<Reply>
  /** runs before the first message */
  started?(context: ActorContext): void | Promise<void>
  /** runs once when the actor is stopped; messages still queued fail with ActorStoppedError */
  stopped?(context: ActorContext): void | Promise<void>
  /**
   * The state a distributed actor carries when it moves to another node (a migration, a drain on graceful stop,
   * a rebalance) or is checkpointed to replicas. Called between messages; the value must be encodable
   * (msgpack: plain objects, arrays, strings, numbers, binary, Map, Set, Date).
   */
  handoff?(context: ActorContext): unknown
  /** Restores the state `handoff` returned, on the new node, before `started` and before any message. */
  resume?(state: unknown, context: ActorContext): void | Promise<void>
  /** After a partition healed, another node's actor won this actor's name (`winner`); the node stops this one next. */
  nameConflict?(winner: ActorRef, context: ActorContext): void | Promise<void>
}

/** The class an actor is made from; `args` of spawn are passed to its constructor. */
export type ActorClass<A extends Actor = Actor, Args extends unknown[] = any[]> = new (...args: Args) => A

export interface SpawnOptions<Args extends unknown[] = unknown[]> {
  /** register the actor under this name, cluster-wide */
  name?: string
  /** constructor arguments */
  args?: Args
  signal?: AbortSignal
  /** with a name: resolve only once every active member resolves the name to this actor (see RegisterOptions) */
  visible?: boolean
}
