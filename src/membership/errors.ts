// Errors raised by membership: a bad message from the network, or options that cannot work together.

/** A membership message decoded to a value of the wrong shape; the stream that carried it is reset. */
export class InvalidMessageError extends Error {
  static readonly name = 'InvalidMessageError'
  /** the path of the offending field, e.g. `updates[2].incarnation` */
  readonly field: string

  constructor (field: string, problem: string, options?: ErrorOptions) {
    super(`invalid membership message: ${field} ${problem}`, options)
    this.name = 'InvalidMessageError'
    this.field = field
  }
}

/** Membership options that are missing, out of range or impossible together; names the fields at fault. */
export class InvalidMembershipConfigError extends Error {
  static readonly name = 'InvalidMembershipConfigError'
  readonly fields: string[]

  constructor (fields: string[], message: string) {
    super(`invalid membership options (${fields.join(', ')}): ${message}`)
    this.name = 'InvalidMembershipConfigError'
    this.fields = fields
  }
}

/** A membership stream saw no request or response in time. */
export class MembershipStreamTimeoutError extends Error {
  static readonly name = 'MembershipStreamTimeoutError'

  constructor (ms: number) {
    super(`membership stream idle for ${ms} ms`)
    this.name = 'MembershipStreamTimeoutError'
  }
}
