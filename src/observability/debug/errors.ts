// Errors of the '$debug' endpoint.

/** A member sent a '$debug' request that is not one; the sender gets this error back. */
export class InvalidDebugRequestError extends Error {
  static readonly name = 'InvalidDebugRequestError'

  constructor (reason: string) {
    super(`malformed $debug request: ${reason}`)
    this.name = 'InvalidDebugRequestError'
  }
}

/** A member answered a '$debug' request with something that is not a node's debug snapshot. */
export class InvalidDebugAnswerError extends Error {
  static readonly name = 'InvalidDebugAnswerError'
  readonly peer: string

  constructor (peer: string, reason: string) {
    super(`malformed $debug answer from ${peer}: ${reason}`)
    this.name = 'InvalidDebugAnswerError'
    this.peer = peer
  }
}
