// Errors raised by the client-server core; malformed messages from the network raise the wire's MalformedFrameError.

/** Client-server options that are out of range; names the fields at fault. */
export class InvalidClientServerConfigError extends Error {
  static readonly name = 'InvalidClientServerConfigError'
  readonly fields: string[]

  constructor (fields: string[], message: string) {
    super(`invalid client-server options (${fields.join(', ')}): ${message}`)
    this.name = 'InvalidClientServerConfigError'
    this.fields = fields
  }
}
