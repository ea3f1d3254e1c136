// Errors of supervisors, named so callers can branch on `.name`.

/** A supervisor or child spec is wrong; `field` says where (`children[1].restart`). */
export class SupervisorSpecError extends Error {
  static readonly name = 'SupervisorSpecError'
  readonly field: string

  constructor (field: string, problem: string) {
    super(`invalid supervisor spec: ${field} ${problem}`)
    this.name = 'SupervisorSpecError'
    this.field = field
  }
}

/** A child could not be started: its constructor or `started` threw, or its name is taken. */
export class ChildStartError extends Error {
  static readonly name = 'ChildStartError'
  readonly child: string

  constructor (supervisor: string, child: string, options?: ErrorOptions) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : ''
    super(`supervisor ${supervisor} could not start child "${child}"${cause}`, options)
    this.name = 'ChildStartError'
    this.child = child
  }
}

/** Children exited more often than the supervisor may restart them; `cause` is the last child's error. */
export class RestartIntensityError extends Error {
  static readonly name = 'RestartIntensityError'
  readonly child: string
  readonly maxRestarts: number
  readonly withinMs: number

  constructor (supervisor: string, child: string, maxRestarts: number, withinMs: number, options?: ErrorOptions) {
    super(`supervisor ${supervisor} gave up: child "${child}" exited once more after ${maxRestarts} restarts within ${withinMs} ms`, options)
    this.name = 'RestartIntensityError'
    this.child = child
    this.maxRestarts = maxRestarts
    this.withinMs = withinMs
  }
}

/** No child with that id. */
export class UnknownChildError extends Error {
  static readonly name = 'UnknownChildError'

  constructor (supervisor: string, child: string) {
    super(`supervisor ${supervisor} has no child "${child}"`)
    this.name = 'UnknownChildError'
  }
}

/** The supervisor was stopped, or failed, before the operation. */
export class SupervisorStoppedError extends Error {
  static readonly name = 'SupervisorStoppedError'

  constructor (supervisor: string) {
    super(`supervisor ${supervisor} is not running`)
    this.name = 'SupervisorStoppedError'
  }
}
