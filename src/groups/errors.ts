// Errors raised by process groups, named so callers can branch on `.name`.
import type { ActorRef } from '../actors/ref.ts'

/** A group name is empty, too long or not a string. */
export class InvalidGroupNameError extends Error {
  static readonly name = 'InvalidGroupNameError'
  readonly group: unknown

  constructor (group: unknown, limit: number) {
    super(`a group name is a string of 1 to ${limit} characters, got ${describe(group)}`)
    this.name = 'InvalidGroupNameError'
    this.group = group
  }
}

/** Only a node's own actors join or leave groups through it: each node is the authority for its actors' memberships. */
export class NotLocalActorError extends Error {
  static readonly name = 'NotLocalActorError'
  readonly ref: ActorRef

  constructor (ref: ActorRef, self: string) {
    super(`actor ${ref.id} runs on node ${ref.node}, not on this node (${self}): it joins and leaves groups through its own node`)
    this.name = 'NotLocalActorError'
    this.ref = ref
  }
}

/** A group replication message from the network is malformed; it is dropped and counted. */
export class InvalidGroupMessageError extends Error {
  static readonly name = 'InvalidGroupMessageError'

  constructor (message: string) {
    super(`malformed group message: ${message}`)
    this.name = 'InvalidGroupMessageError'
  }
}

function describe (value: unknown): string {
  if (typeof value === 'string') { return `${value.length} characters` }
  return value === null ? 'null' : typeof value
}
