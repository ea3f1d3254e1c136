// Errors raised by the name registry.
import type { ActorRef } from '../actors/ref.ts'

/** The name is held by another live actor; unregister it first or pick another name. */
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

/** A registry record, announcement or sync message from the network is malformed. */
export class InvalidRegistryRecordError extends Error {
  static readonly name = 'InvalidRegistryRecordError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'InvalidRegistryRecordError'
  }
}

/** The registry was used before start or after stop. */
export class RegistryNotStartedError extends Error {
  static readonly name = 'RegistryNotStartedError'

  constructor () {
    super('the registry is not started')
    this.name = 'RegistryNotStartedError'
  }
}

/** A name is not a non-empty string within the length limit. */
export class InvalidNameError extends Error {
  static readonly name = 'InvalidNameError'

  constructor (message: string) {
    super(message)
    this.name = 'InvalidNameError'
  }
}

/** The host's kad-dht has no validator for this cluster's records, so peers would refuse to store them. */
export class MissingRecordValidatorError extends Error {
  static readonly name = 'MissingRecordValidatorError'

  constructor (namespace: string) {
    super(`kad-dht has no validator for "/${namespace}/" keys: build the host with createHost for this cluster`)
    this.name = 'MissingRecordValidatorError'
  }
}

/** A ref is not an ActorRef with a node and an id within the length limit. */
export class InvalidRefError extends Error {
  static readonly name = 'InvalidRefError'

  constructor (message: string) {
    super(message)
    this.name = 'InvalidRefError'
  }
}

/** A member's names could not be pulled: its answer ended early, or it did not answer in time. */
export class RegistrySyncError extends Error {
  static readonly name = 'RegistrySyncError'
  readonly member: string

  constructor (member: string, message: string, options?: ErrorOptions) {
    super(`sync with ${member}: ${message}`, options)
    this.name = 'RegistrySyncError'
    this.member = member
  }
}

/**
 * A register asked to wait until the name is visible, and some active members still did not resolve it to the
 * ref when time ran out (or the name was unregistered meanwhile). The registration was undone.
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

/** A register asked to wait until the name is visible, but the registry was built without a way to ask members. */
export class RegistryRpcMissingError extends Error {
  static readonly name = 'RegistryRpcMissingError'

  constructor () {
    super('register with visible: true needs the registry\'s rpc component (a FoundationNode provides it)')
    this.name = 'RegistryRpcMissingError'
  }
}
