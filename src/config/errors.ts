// Errors raised while reading a Foundation configuration.

/** A configuration value has the wrong type or range; `field` is its dotted path. */
export class ConfigError extends Error {
  static readonly name = 'ConfigError'
  readonly field: string
  readonly expected: string
  readonly received: unknown

  constructor (field: string, expected: string, received: unknown) {
    super(`invalid config "${field}": expected ${expected}, received ${describe(received)}`)
    this.name = 'ConfigError'
    this.field = field
    this.expected = expected
    this.received = received
  }
}

function describe (value: unknown): string {
  if (value === null) { return 'null' }
  if (Array.isArray(value)) { return `an array of ${value.length}` }
  if (typeof value === 'string') { return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) }
  if (typeof value === 'object') { return 'an object' }
  return `${typeof value} ${String(value)}`
}
