// Errors of placement, named so callers can branch on `.name`.

/** Placement for a key failed: a custom function threw or chose a node that is not an eligible candidate. */
export class PlacementError extends Error {
  static readonly name = 'PlacementError'
  readonly key: string
  readonly strategy: string

  constructor (key: string, strategy: string, message: string, options?: ErrorOptions) {
    super(`placing "${key}" with ${strategy}: ${message}`, options)
    this.name = 'PlacementError'
    this.key = key
    this.strategy = strategy
  }
}

/** A placement option is out of range, such as a ring's number of virtual nodes. */
export class InvalidPlacementOptionError extends Error {
  static readonly name = 'InvalidPlacementOptionError'
  readonly option: string

  constructor (option: string, message: string) {
    super(`${option}: ${message}`)
    this.name = 'InvalidPlacementOptionError'
    this.option = option
  }
}
