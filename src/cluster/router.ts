// Takes a target, a name or a ref, to where it lives: an actor of this node, a distributed actor, or another node.
// Names of every kind of actor come from one table, so a name reaches the same actor from every node.
import { ActorNotFoundError } from '../actors/errors.ts'
import { isActorRef } from '../actors/ref.ts'
import { AbortError, NodeDownError } from '../messaging/errors.ts'
import { refOf } from '../names/name-entry.ts'
import { callLocal } from './local-call.ts'
import { DISTRIBUTED_PREFIX } from './system-endpoints.ts'
import type { CallOptions, Target } from './index.ts'
import type { ActorCell } from '../actors/actor-cell.ts'
import type { ActorRef } from '../actors/index.ts'
import type { NameEntry } from '../names/index.ts'
import type { NodeTracing } from '../observability/tracing/node-tracing.ts'
import type { TraceContext } from '../observability/tracing/trace-context.ts'
import type { Logger } from '@libp2p/interface'

/** This node's actors, by id. */
export interface RouterActors {
  get(id: string): ActorCell | undefined
}

/** Distributed actors, addressed by name wherever in the cluster they run. */
export interface RouterDistribution {
  send(name: string, message: unknown): void
  call(name: string, message: unknown, timeout: number, signal?: AbortSignal): Promise<unknown>
  stopActor(name: string): Promise<void>
}

/** The direct protocol to actors of other nodes, and its count of messages that reached no actor. */
export interface RouterMessaging {
  send(node: string, actorId: string, body: unknown, trace?: TraceContext | null): void
  call(node: string, actorId: string, body: unknown, options: { timeout: number, signal?: AbortSignal }, trace?: TraceContext | null): Promise<unknown>
  readonly stats: { undeliverable: number }
}

export interface RouterComponents {
  /** this node's peer id */
  self: string
  actors: RouterActors
  distribution: RouterDistribution
  /** the names of every kind of actor; lookups of one name resolve in the order they were asked */
  names: {
    /** the entry now, when known and no lookup of the name waits */
    now(name: string): NameEntry | undefined
    resolve(name: string, signal?: AbortSignal): Promise<NameEntry | undefined>
  }
  /** whether a node is an active member, which a message to it needs */
  isActive(node: string): boolean
  messaging: RouterMessaging
  /** stops an actor of this node and gives its name up */
  stopLocal(actorId: string): Promise<void>
  /** undefined when tracing is off */
  tracing: Pick<NodeTracing, 'outgoing' | 'within'> | undefined
  log: Logger
}

export interface RouterInit {
  /** ms a call waits for its answer when it sets no timeout */
  callTimeout: number
}

export class Router {
  private readonly components: RouterComponents
  private readonly callTimeout: number

  constructor (components: RouterComponents, init: RouterInit) {
    this.components = components
    this.callTimeout = init.callTimeout
  }

  send (target: Target, message: unknown): void {
    const span = this.components.tracing?.outgoing('send', 'producer', typeof target === 'string' ? target : target.id)
    if (span === undefined) {
      // known untraced: nothing below looks the trace up again
      this.sendTo(target, message, null)
      return
    }
    try {
      this.sendTo(target, message, span)
      span.end()
    } catch (err) {
      span.end(err)
      throw err
    }
  }

  async call<Reply = unknown>(target: Target, message: unknown, options: CallOptions = {}): Promise<Reply> {
    const span = this.components.tracing?.outgoing('call', 'client', typeof target === 'string' ? target : target.id)
    if (span === undefined) { return this.callTo(target, message, options, null) }
    try {
      const reply = await this.callTo<Reply>(target, message, options, span)
      span.end()
      return reply
    } catch (err) {
      span.end(err)
      throw err
    }
  }

  async lookup (name: string, options: { signal?: AbortSignal } = {}): Promise<ActorRef | undefined> {
    const names = this.components.names
    const entry = names.now(name) ?? await names.resolve(name, options.signal)
    return entry != null ? refOf(entry) : undefined
  }

  /** Stops a distributed actor wherever it runs, or an actor of this node; an actor of another node is not found. */
  async stopActor (target: Target): Promise<void> {
    const ref = isActorRef(target) ? target : this.refNamedNow(target)
    const name = ref != null ? distributedNameOf(ref) : undefined
    if (name != null) {
      await this.components.distribution.stopActor(name)
      return
    }
    if (ref == null || ref.node !== this.components.self) { throw new ActorNotFoundError(typeof target === 'string' ? target : `${target.node}/${target.id}`) }
    await this.components.stopLocal(ref.id)
  }

  /** Counts a message that reached no actor; the sender is not told, as with any send. */
  undeliverable (reason: string): void {
    this.components.messaging.stats.undeliverable++
    this.components.log('undeliverable message: %s', reason)
  }

  /** The message carries `trace` by hand to the wire or the mailbox; distributed actors read it from the context. */
  private sendTo (target: Target, message: unknown, trace: TraceContext | null): void {
    if (isActorRef(target)) {
      const name = distributedNameOf(target)
      if (name != null) { this.inTrace(trace, () => { this.components.distribution.send(name, message) }) } else { this.sendToRef(target, message, trace) }
      return
    }
    const entry = this.components.names.now(target)
    if (entry != null) {
      this.sendTo(refOf(entry), message, trace)
      return
    }
    // names resolve in order of sends, so two sends to one name arrive in the order they were made
    this.components.names.resolve(target).then(
      (found) => {
        if (found == null) { this.undeliverable(`no actor named "${target}"`) } else { this.sendTo(refOf(found), message, trace) }
      },
      (err: Error) => { this.undeliverable(`lookup of "${target}" failed: ${err.message}`) }
    )
  }

  private sendToRef (ref: ActorRef, message: unknown, trace: TraceContext | null): void {
    if (ref.node === this.components.self) {
      const cell = this.components.actors.get(ref.id)
      if (cell == null) { this.undeliverable(`no actor ${ref.id} on this node`) } else { cell.deliver(message, undefined, trace) }
      return
    }
    if (!this.components.isActive(ref.node)) {
      this.undeliverable(`node ${ref.node} is not a member`)
      return
    }
    this.components.messaging.send(ref.node, ref.id, message, trace)
  }

  /** As sendTo: the call carries `trace` by hand, and distributed actors read it from the context. */
  private async callTo<Reply>(target: Target, message: unknown, options: CallOptions, trace: TraceContext | null): Promise<Reply> {
    if (options.signal?.aborted === true) { throw new AbortError(options.signal.reason) }
    const timeout = options.timeout ?? this.callTimeout
    const ref = isActorRef(target) ? target : await this.refNamed(target, options.signal)
    const name = distributedNameOf(ref)
    if (name != null) { return this.inTrace(trace, async () => this.components.distribution.call(name, message, timeout, options.signal)) as Promise<Reply> }
    if (ref.node === this.components.self) {
      const cell = this.components.actors.get(ref.id)
      if (cell == null) { throw new ActorNotFoundError(`${ref.node}/${ref.id}`) }
      return callLocal<Reply>(cell, message, timeout, options.signal, trace)
    }
    if (!this.components.isActive(ref.node)) { throw new NodeDownError(ref.node) }
    return this.components.messaging.call(ref.node, ref.id, message, { timeout, signal: options.signal }, trace) as Promise<Reply>
  }

  /** The ref a name stands for now, without waiting. */
  private refNamedNow (name: string): ActorRef | undefined {
    const entry = this.components.names.now(name)
    return entry != null ? refOf(entry) : undefined
  }

  /** The ref a name stands for now, or once the members being read are read; ActorNotFoundError when free. */
  private async refNamed (name: string, signal?: AbortSignal): Promise<ActorRef> {
    const names = this.components.names
    const entry = names.now(name) ?? await names.resolve(name, signal)
    if (entry == null) { throw new ActorNotFoundError(`named "${name}"`) }
    return refOf(entry)
  }

  /** Runs code that finds a message's trace in the context (distributed actors), inside `trace`. */
  private inTrace<T> (trace: TraceContext | null, fn: () => T): T {
    const tracing = this.components.tracing
    return trace === null || tracing === undefined ? fn() : tracing.within(trace, fn)
  }
}

/** The name in a distributed actor's ref; undefined for any other ref. */
export function distributedNameOf (ref: ActorRef): string | undefined {
  return ref.id.startsWith(DISTRIBUTED_PREFIX) ? ref.id.slice(DISTRIBUTED_PREFIX.length) : undefined
}
