// Errors raised by the HyParView core; malformed messages from the network raise the wire's MalformedFrameError.

/** HyParView options that are out of range or impossible together; names the fields at fault. */
export class InvalidHyParViewConfigError extends Error {
  static readonly name = 'InvalidHyParViewConfigError'
  readonly fields: string[]

  constructor (fields: string[], message: string) {
    super(`invalid hyparview options (${fields.join(', ')}): ${message}`)
    this.name = 'InvalidHyParViewConfigError'
    this.fields = fields
  }
}
