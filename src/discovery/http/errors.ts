// Errors of the JSON-over-HTTP client, beyond the discovery errors every strategy shares.
import { DiscoveryUnreachableError } from '../errors.ts'

/** The server's TLS certificate did not verify against the CA we trust, so we never sent the request. */
export class DiscoveryTlsError extends DiscoveryUnreachableError {
  static readonly name = 'DiscoveryTlsError'
  /** the TLS or OpenSSL error code, such as UNABLE_TO_VERIFY_LEAF_SIGNATURE */
  readonly code: string

  constructor (strategy: string, code: string, message: string, options?: ErrorOptions) {
    super(strategy, message, options)
    this.name = 'DiscoveryTlsError'
    this.code = code
  }
}

/** A non-2xx answer, kept as the cause of the discovery error it became. */
export class HttpStatusError extends Error {
  static readonly name = 'HttpStatusError'
  readonly status: number

  constructor (status: number, message: string) {
    super(message)
    this.name = 'HttpStatusError'
    this.status = status
  }
}
