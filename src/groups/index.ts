// Process groups, like Erlang's :pg: named sets of actors across the cluster, for fan-out and gathering answers.
import type { ActorRef } from '../actors/ref.ts'
import type { TypedEventTarget } from '@libp2p/interface'

export { InvalidGroupNameError, NotLocalActorError, InvalidGroupMessageError } from './errors.ts'
export { MAX_GROUP_NAME } from './group-wire.ts'
export type { MemberGroupVersions, MemberReportEvents } from './group-sync.ts'

/** One actor in one group. */
export interface GroupMember {
  group: string
  ref: ActorRef
}

export interface GroupEvents {
  /** an actor joined a group: on this node, or as replicated from its own node */
  'group:join': CustomEvent<GroupMember>
  /** an actor left a group: it left, it stopped, or its node left the cluster or became unreachable */
  'group:leave': CustomEvent<GroupMember>
}

export interface MulticallOptions {
  /** milliseconds each member has to answer (default messaging.callTimeout, 5 s) */
  timeout?: number
  /** abandons the whole multicall: it rejects with AbortError */
  signal?: AbortSignal
}

/** One member's outcome of a multicall. */
export type MulticallResult<R = unknown> =
  | { ref: ActorRef, ok: true, value: R }
  | { ref: ActorRef, ok: false, error: Error }

/**
 * Groups of actors. Each node is the authority for its own actors' memberships and replicates them to every
 * member, so queries answer from memory. An actor that stops leaves its groups; so do the actors of a node that
 * leaves or is lost. Group names are strings of 1 to 256 characters (InvalidGroupNameError otherwise).
 *
 * @example
 * ```ts
 * const worker = await cluster.spawn(Counter)
 * await cluster.groups.join('counters', worker)
 * cluster.groups.members('counters')        // every node's counters, this node's first
 * cluster.groups.broadcast('counters', { inc: 1 })
 * for (const result of await cluster.groups.multicall<number>('counters', { get: true }, { timeout: 1000 })) {
 *   if (!result.ok) cluster.send('log', { member: result.ref, failed: result.error.name })
 * }
 * await cluster.groups.leave('counters', worker)
 * ```
 */
export interface Groups extends TypedEventTarget<GroupEvents> {
  /**
   * Adds an actor of this node (its ref, or its local name) to a group; a no-op when it already is a member.
   * Resolves once the change is on its way to every member. NotLocalActorError for an actor of another node,
   * ActorNotFoundError for one that does not run here.
   */
  join(group: string, actor: ActorRef | string): Promise<void>
  /** Removes an actor of this node from a group; a no-op when it is not a member. */
  leave(group: string, actor: ActorRef | string): Promise<void>
  /** The group's members cluster-wide, as replicated now: this node's first. */
  members(group: string): ActorRef[]
  /** The group's members that run on this node. */
  localMembers(group: string): ActorRef[]
  /** Every group with at least one member, sorted. */
  which(): string[]
  /** Sends the message to every member (fire-and-forget, as `send`); returns how many it was sent to. */
  broadcast(group: string, message: unknown): number
  /**
   * Calls every member at once and gathers one outcome per member, in the order of `members`: a member that
   * fails, times out or whose node is down is reported as such, never failing the others.
   */
  multicall<R = unknown>(group: string, message: unknown, options?: MulticallOptions): Promise<Array<MulticallResult<R>>>
  /** malformed group messages received from the network and dropped */
  readonly invalidMessages: number
}
