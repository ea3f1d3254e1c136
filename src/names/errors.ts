// Errors of the name system.
import type { ActorRef } from '../actors/ref.ts'

/** The name is held by another live actor, local or distributed, somewhere in the cluster. */
export class NameTakenError extends Error {
  static readonly name = 'NameTakenError'
  readonly registeredName: string
  readonly holder: ActorRef

  constructor (name: string, holder: ActorRef) {
    super(`name "${name}" is already registered to ${holder.id} on ${holder.node}`)
    this.name = 'NameTakenError'
    this.registeredName = name
    this.holder = holder
  }
}

/** A name or a ref is not a non-empty string within the length limit. */
export class InvalidNameError extends Error {
  static readonly name = 'InvalidNameError'

  constructor (message: string) {
    super(message)
    this.name = 'InvalidNameError'
  }
}

/**
 * A register asked to wait until the name is visible, and some active members still did not resolve it to the
 * ref when time ran out (or the name was given up meanwhile). The registration was undone.
 */
export class NameNotVisibleError extends Error {
  static readonly name = 'NameNotVisibleError'
  readonly registeredName: string
  /** the members that had not confirmed */
  readonly missing: string[]

  constructor (name: string, missing: string[], reason: string, options?: ErrorOptions) {
    super(`name "${name}" is not visible cluster-wide: ${reason}`, options)
    this.name = 'NameNotVisibleError'
    this.registeredName = name
    this.missing = missing
  }
}

/** The name system was used before start or after stop. */
export class NamesNotStartedError extends Error {
  static readonly name = 'NamesNotStartedError'

  constructor () {
    super('the name system is not started')
    this.name = 'NamesNotStartedError'
  }
}
