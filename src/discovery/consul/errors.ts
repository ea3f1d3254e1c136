// Errors of the consul strategy beyond the discovery errors every strategy shares.
import { DiscoveryError } from '../errors.ts'

/** Thrown at configuration time: options that cannot work, such as no service name. */
export class ConsulConfigError extends DiscoveryError {
  static readonly name = 'ConsulConfigError'
  /** the option at fault */
  readonly field: string

  constructor (field: string, message: string) {
    super('consul', message)
    this.name = 'ConsulConfigError'
    this.field = field
  }
}
