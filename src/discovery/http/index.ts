// A small JSON-over-HTTP(S) client for strategies that ask an HTTP API for their peers (kubernetes, consul): one GET
// with a CA to verify the server, a credential header kept out of every message, a size limit and an AbortSignal,
// and every failure turned into a discovery error that names the URL and what went wrong.
import http from 'node:http'
import https from 'node:https'
import { MIB } from '../../config/units.ts'
import { DiscoveryForbiddenError, DiscoveryResponseError } from '../errors.ts'
import { HttpStatusError } from './errors.ts'
import { networkError } from './network-errors.ts'
import type { RequestTarget } from './network-errors.ts'
import type { DiscoveryError } from '../errors.ts'
import type { IncomingHttpHeaders } from 'node:http'

/** Larger answers are refused: a page of a few hundred pods is a few MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * MIB
/** How much of an error answer's body goes into a message. */
const EXCERPT_CHARS = 300

export interface JsonRequest {
  /** the strategy that errors name */
  strategy: string
  url: URL
  signal: AbortSignal
  /** PEM certificates to verify an https server with (default: the system's CAs) */
  ca?: string
  /** where `ca` came from, for TLS failures (default 'the system CAs' or 'the given CA') */
  caSource?: string
  /** a credential header, such as `{ name: 'authorization', value: 'Bearer …' }`; its value never reaches a message */
  credential?: { name: string, value: string }
  headers?: Record<string, string>
  /** bytes of body accepted (default 16 MiB) */
  maxBytes?: number
}

export interface JsonResponse {
  status: number
  statusText: string
  headers: IncomingHttpHeaders
  /** the parsed body; for an error answer, undefined when it was not JSON */
  body: unknown
  /** the body as text, credential removed, cut short for messages */
  excerpt: string
}

/**
 * Builds the error for a non-2xx answer, or returns undefined to use the default: 401 and 403 are
 * DiscoveryForbiddenError, anything else DiscoveryResponseError, each naming the status and the body.
 */
export type FailureMapper = (response: JsonResponse, url: string) => DiscoveryError | undefined

/** A URL as it may appear in messages and logs: no user or password. */
export function displayUrl (url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search}`
}

/** GETs `request.url` and parses its JSON answer; a non-2xx answer is thrown as `describe` (or the default) says. */
export async function getJson (request: JsonRequest, describe?: FailureMapper): Promise<JsonResponse> {
  const url = displayUrl(request.url)
  const raw = await fetchText(request, url)
  const response: JsonResponse = {
    status: raw.status,
    statusText: raw.statusText,
    headers: raw.headers,
    body: undefined,
    excerpt: redact(raw.text.slice(0, EXCERPT_CHARS), request.credential?.value)
  }
  const ok = raw.status >= 200 && raw.status < 300
  try {
    response.body = JSON.parse(raw.text)
  } catch (err: any) {
    if (ok) {
      throw new DiscoveryResponseError(request.strategy, `${url} answered ${raw.status} with malformed JSON (${err.message}): ${JSON.stringify(response.excerpt)}`, { cause: err })
    }
  }
  if (ok) { return response }
  throw describe?.(response, url) ?? defaultFailure(request.strategy, response, url)
}

function defaultFailure (strategy: string, response: JsonResponse, url: string): DiscoveryError {
  const message = `${url} answered ${response.status} ${response.statusText}: ${response.excerpt}`
  const cause = new HttpStatusError(response.status, message)
  if (response.status === 401 || response.status === 403) {
    return new DiscoveryForbiddenError(strategy, message, { cause })
  }
  return new DiscoveryResponseError(strategy, message, { cause })
}

/** Removes a secret from text that may be shown, should a server echo it back. */
export function redact (text: string, secret: string | undefined): string {
  if (secret == null || secret.length < 4) { return text }
  let result = text
  for (const part of [secret, secret.replace(/^Bearer\s+/i, '')]) {
    result = result.split(part).join('[redacted]')
  }
  return result
}

interface RawResponse {
  status: number
  statusText: string
  headers: IncomingHttpHeaders
  text: string
}

async function fetchText (request: JsonRequest, url: string): Promise<RawResponse> {
  const { signal, strategy } = request
  const maxBytes = request.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  const target: RequestTarget = { strategy, url, caSource: request.caSource ?? (request.ca == null ? 'the system CAs' : 'the given CA') }
  if (signal.aborted) { throw networkError(target, signal.reason, signal) }
  const secure = request.url.protocol === 'https:'
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'foundation-mesh', ...request.headers }
  if (request.credential != null) { headers[request.credential.name] = request.credential.value }

  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false
    const finish = (err: Error | undefined, response?: RawResponse): void => {
      if (settled) { return }
      settled = true
      signal.removeEventListener('abort', onAbort)
      if (err != null) {
        req.destroy()
        reject(err)
      } else if (response != null) {
        resolve(response)
      }
    }
    const onAbort = (): void => { finish(networkError(target, signal.reason, signal)) }
    // no keep-alive agent: each round opens its own connection, so nothing lingers after stop and a rotated CA counts
    const options: https.RequestOptions = { method: 'GET', headers, agent: false }
    if (secure && request.ca != null) { options.ca = request.ca }
    const req = (secure ? https : http).request(request.url, options, (res) => {
      const length = Number(res.headers['content-length'])
      if (length > maxBytes) {
        finish(new DiscoveryResponseError(strategy, `${url} answered ${length} bytes, more than the ${maxBytes} bytes accepted`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          finish(new DiscoveryResponseError(strategy, `${url} answered more than the ${maxBytes} bytes accepted`))
          return
        }
        chunks.push(chunk)
      })
      res.on('error', (err) => { finish(networkError(target, err, signal)) })
      res.on('end', () => {
        finish(undefined, { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, text: Buffer.concat(chunks).toString('utf8') })
      })
    })
    req.on('error', (err) => { finish(networkError(target, err, signal)) })
    signal.addEventListener('abort', onAbort, { once: true })
    req.end()
  })
}
