// Actors: objects with a message handler and a mailbox that processes one message at a time.
import type { ActorRef } from './ref.ts'
import type { DistributeOptions } from '../distribution/index.ts'

export type { ActorRef } from './ref.ts'

/**
 * What an actor sees of the world while it handles a message.
 *
 * @example
 * ```ts
 * class Job implements Actor<'run'> {
 *   async receive (message: 'run', context: ActorContext) {
 *     cluster.send('log', { job: context.name ?? context.self.id, done: message })
 *     context.stop()                   // once this message is answered
 *   }
 * }
 * ```
 */
export interface ActorContext {
  /** this actor's own address */
  self: ActorRef
  /** the name it was spawned with, if any */
  name?: string
  /** ends this actor normally once the message in hand is answered; its supervisor sees a 'normal' exit */
  stop(): void
  /**
   * the trace id of the message being handled (32 hex digits), for `cluster.traceRequest`; undefined when it is
   * untraced. Messages the handler sends carry the same trace
   */
  readonly traceId?: string
}

/** Why an actor ended by itself: `context.stop()` ('normal'), or a throw under a supervisor ('crash'). */
export type ExitReason = 'normal' | 'crash'

/**
 * An actor. `receive` is called for one message at a time, in arrival order; what it returns (or the
 * promise resolves to) answers a `call`. A throw fails that call and leaves the actor running, unless a
 * supervisor started it: then the actor crashes and its supervisor decides what happens next.
 *
 * Messages and replies cross the network msgpack-encoded: plain objects, arrays, strings, numbers, binary, Map,
 * Set, Date. State lives in the instance; only one message is handled at a time, so it needs no locks.
 *
 * @example
 * ```ts
 * type Message = { inc: number } | { get: true }
 *
 * class Counter implements Actor<Message, number> {
 *   count = 0
 *   receive (message: Message): number {
 *     if ('inc' in message) this.count += message.inc
 *     return this.count
 *   }
 *   started (context: ActorContext) { this.count = 0 }
 * }
 *
 * await cluster.spawn(Counter, { name: 'counter' })
 * const count = await cluster.call<number>('counter', { get: true })
 * ```
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

/**
 * How `cluster.spawn` starts an actor. Everything is optional: with none, the actor runs on this node, unnamed,
 * reached by its ref. The distribution options (`placement`, `roles`, `quorum`, `checkpoint`) apply with
 * `distribute: true`.
 *
 * @example
 * ```ts
 * class Model implements Actor<string, string> {
 *   private readonly language: string
 *   constructor (language: string) { this.language = language }
 *   receive (text: string) { return `${this.language}: ${text}` }
 * }
 *
 * cluster.define(Model)
 * await cluster.spawn(Model, {
 *   name: 'model:en',
 *   args: ['en'],
 *   distribute: true,
 *   placement: 'least-loaded',
 *   roles: ['gpu'],
 *   quorum: true,
 *   checkpoint: { interval: 5000 }
 * })
 * ```
 */
export interface SpawnOptions<Args extends unknown[] = unknown[]> extends DistributeOptions {
  /** register the actor under this name, cluster-wide */
  name?: string
  /**
   * run it as a distributed actor: placed on a member by `placement`, restarted elsewhere when that member dies,
   * moved with its state when it leaves gracefully. Its type must be defined on every node that may host it
   * (`cluster.define`); without a name it gets a unique one
   */
  distribute?: boolean
  /** constructor arguments */
  args?: Args
  signal?: AbortSignal
  /** with a name: resolve only once every active member resolves the name to this actor (see RegisterOptions) */
  visible?: boolean
}
