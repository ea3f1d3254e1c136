// Errors of request tracing.

/** `traceRequest` was given something that is not a trace id. */
export class InvalidTraceIdError extends Error {
  static readonly name = 'InvalidTraceIdError'
  readonly traceId: unknown

  constructor (traceId: unknown) {
    super(`a trace id is 32 lowercase hex digits, not all zero; got ${JSON.stringify(traceId)?.slice(0, 80) ?? String(traceId)}`)
    this.name = 'InvalidTraceIdError'
    this.traceId = traceId
  }
}

/** A node asked this one for the spans of a trace with a body that is not a trace id. */
export class InvalidTraceRequestError extends Error {
  static readonly name = 'InvalidTraceRequestError'

  constructor () {
    super('a $trace request is a trace id: 32 lowercase hex digits')
    this.name = 'InvalidTraceRequestError'
  }
}

/** A member answered a trace request with something other than its spans of that trace. */
export class InvalidTraceAnswerError extends Error {
  static readonly name = 'InvalidTraceAnswerError'

  constructor (member: string, why: string) {
    super(`member ${member} answered the trace request with ${why}`)
    this.name = 'InvalidTraceAnswerError'
  }
}
