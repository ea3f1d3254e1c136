// Errors a discovery strategy reports as events. Each names the strategy and says what to do about it.

export class DiscoveryError extends Error {
  static readonly name: string = 'DiscoveryError'
  readonly strategy: string

  constructor (strategy: string, message: string, options?: ErrorOptions) {
    super(`${strategy} discovery: ${message}`, options)
    this.name = 'DiscoveryError'
    this.strategy = strategy
  }
}

/** The backend could not be reached at all: connection refused, DNS server silent, timeout. */
export class DiscoveryUnreachableError extends DiscoveryError {
  static readonly name: string = 'DiscoveryUnreachableError'

  constructor (strategy: string, message: string, options?: ErrorOptions) {
    super(strategy, message, options)
    this.name = 'DiscoveryUnreachableError'
  }
}

/** The backend refused us: missing RBAC rule, bad ACL token, expired credentials. */
export class DiscoveryForbiddenError extends DiscoveryError {
  static readonly name: string = 'DiscoveryForbiddenError'

  constructor (strategy: string, message: string, options?: ErrorOptions) {
    super(strategy, message, options)
    this.name = 'DiscoveryForbiddenError'
  }
}

/** The backend answered something we cannot use: a 5xx, malformed JSON, a truncated DNS answer. */
export class DiscoveryResponseError extends DiscoveryError {
  static readonly name: string = 'DiscoveryResponseError'

  constructor (strategy: string, message: string, options?: ErrorOptions) {
    super(strategy, message, options)
    this.name = 'DiscoveryResponseError'
  }
}

/**
 * Thrown when a configuration names a strategy this build cannot make (a bug: the configuration checks names), or
 * one this platform cannot run (a browser runs the static strategy alone).
 */
export class UnknownStrategyError extends Error {
  static readonly name = 'UnknownStrategyError'

  constructor (name: string, why: string) {
    super(`cannot start discovery strategy "${name}": ${why}`)
    this.name = 'UnknownStrategyError'
  }
}
