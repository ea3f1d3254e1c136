// Errors of actor delivery and handling, named so callers can branch on `.name`.

/** No actor with that ref or name exists (anymore). */
export class ActorNotFoundError extends Error {
  static readonly name: string = 'ActorNotFoundError'
  readonly target: string

  constructor (target: string) {
    super(`no actor ${target}`)
    this.name = 'ActorNotFoundError'
    this.target = target
  }
}

/** The actor stopped before it handled the message. */
export class ActorStoppedError extends Error {
  static readonly name = 'ActorStoppedError'

  constructor (target: string) {
    super(`actor ${target} stopped before handling the message`)
    this.name = 'ActorStoppedError'
  }
}

/**
 * The actor's handler threw. `remoteName` and `message` are those of the original error; when it was
 * thrown on another node the original is not available, so `cause` is only set for local actors.
 */
export class ActorHandlerError extends Error {
  static readonly name = 'ActorHandlerError'
  readonly remoteName: string

  constructor (remoteName: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ActorHandlerError'
    this.remoteName = remoteName
  }
}

/** A name is already used by another actor on this node. */
export class DuplicateNameError extends Error {
  static readonly name = 'DuplicateNameError'

  constructor (name: string) {
    super(`an actor named "${name}" already runs on this node`)
    this.name = 'DuplicateNameError'
  }
}

/** An actor id given explicitly (to restart an actor under its old ref) is already in use on this node. */
export class DuplicateActorIdError extends Error {
  static readonly name = 'DuplicateActorIdError'

  constructor (id: string) {
    super(`an actor with id "${id}" already runs on this node`)
    this.name = 'DuplicateActorIdError'
  }
}
