// Turns what a request throws before any answer (refused, timeout, TLS) into a discovery error naming the URL.
import { DiscoveryUnreachableError } from '../errors.ts'
import { DiscoveryTlsError } from './errors.ts'
import type { DiscoveryError } from '../errors.ts'

/** OpenSSL's certificate verification codes as Node reports them, beside its own ERR_TLS_* and ERR_SSL_* codes. */
const CERTIFICATE_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|INVALID_CA|PATH_LENGTH_EXCEEDED|HOSTNAME_MISMATCH)/

export function isTlsErrorCode (code: string): boolean {
  return code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || CERTIFICATE_CODE.test(code)
}

export interface RequestTarget {
  strategy: string
  /** the URL as it may be shown: no credentials in it */
  url: string
  /** where the trusted CA came from, for TLS failures */
  caSource: string
}

/** The error for a request that got no usable answer; `signal` tells a timeout from a refusal. */
export function networkError (target: RequestTarget, err: any, signal: AbortSignal): DiscoveryError {
  const { strategy, url } = target
  if (signal.aborted) {
    const reason = signal.reason
    if (reason?.name === 'TimeoutError') {
      return new DiscoveryUnreachableError(strategy, `no answer from ${url} within the round's timeout; is the server overloaded or a firewall dropping packets?`, { cause: reason })
    }
    return new DiscoveryUnreachableError(strategy, `request to ${url} aborted`, { cause: reason ?? err })
  }
  const code: string = typeof err?.code === 'string' ? err.code : 'UNKNOWN'
  if (isTlsErrorCode(code)) {
    return new DiscoveryTlsError(strategy, code, `TLS verification of ${url} failed (${code}: ${err.message}); the server's certificate is not trusted by ${target.caSource}`, { cause: err })
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new DiscoveryUnreachableError(strategy, `cannot connect to ${url}: connection refused; is the server running and listening there?`, { cause: err })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DiscoveryUnreachableError(strategy, `cannot resolve the host of ${url} (${code})`, { cause: err })
    case 'ECONNRESET':
      return new DiscoveryUnreachableError(strategy, `${url} closed the connection before answering (${code})`, { cause: err })
    default:
      return new DiscoveryUnreachableError(strategy, `cannot reach ${url} (${code}: ${err?.message ?? String(err)})`, { cause: err })
  }
}
