// Errors of the kubernetes strategy beyond the discovery errors every strategy shares.
import { DiscoveryError, DiscoveryResponseError } from '../errors.ts'

/** Thrown at configuration time: options that cannot work, such as mode 'endpoints' without a service. */
export class KubernetesConfigError extends DiscoveryError {
  static readonly name = 'KubernetesConfigError'
  /** the option at fault */
  readonly field: string

  constructor (field: string, message: string) {
    super('kubernetes', message)
    this.name = 'KubernetesConfigError'
    this.field = field
  }
}

/** 410 Gone for a `continue` token the API server has compacted away: the listing starts over. */
export class ContinueExpiredError extends DiscoveryResponseError {
  static readonly name = 'ContinueExpiredError'

  constructor (message: string, options?: ErrorOptions) {
    super('kubernetes', message, options)
    this.name = 'ContinueExpiredError'
  }
}
