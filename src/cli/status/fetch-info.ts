// Fetches a node's `/cluster` view over HTTP and checks that the answer is a Foundation node's.
import { UnreachableNodeError, UsageError } from '../errors.ts'
import type { ClusterInfo } from '../../cluster/index.ts'

/** a node that has not answered after this long is reported unreachable */
export const STATUS_TIMEOUT_MS = 5000

/** `host:port`, `:port`, or an http(s) URL, as the base URL of a node's HTTP endpoint. */
export function endpointUrl (addr: string): URL {
  const text = addr.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text.startsWith(':') ? `127.0.0.1${text}` : text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new UsageError(`"${addr}" is not a node address: give host:port or an http:// URL`)
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new UsageError(`"${addr}" is not a node address: give host:port or an http:// URL`)
  }
  return url
}

function isFoundationInfo (value: unknown): value is ClusterInfo {
  const v = value as Partial<ClusterInfo> | null
  return v != null && typeof v === 'object' &&
    typeof v.cluster === 'string' && typeof v.id === 'string' && typeof v.name === 'string' &&
    typeof v.nodes === 'number' && typeof v.health === 'string' && Array.isArray(v.members) &&
    v.members.every(m => m != null && typeof m === 'object' && typeof m.id === 'string' && typeof m.status === 'string')
}

/** The node's view; UnreachableNodeError when it cannot be reached or is not a Foundation node. */
export async function fetchInfo (base: URL, signal?: AbortSignal): Promise<ClusterInfo> {
  const url = new URL('/cluster', base)
  const timeout = AbortSignal.timeout(STATUS_TIMEOUT_MS)
  let response: Response
  try {
    response = await fetch(url, { signal: signal != null ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'error' })
  } catch (err) {
    const cause = err as Error & { cause?: { code?: string, message?: string } }
    const why = timeout.aborted ? `no answer within ${STATUS_TIMEOUT_MS / 1000} s` : cause.cause?.code ?? cause.cause?.message ?? cause.message
    throw new UnreachableNodeError(`cannot reach ${base.origin} (${why})`, { cause: err })
  }
  const body = await response.text().catch(() => '')
  let info: unknown
  try {
    info = JSON.parse(body)
  } catch {
    info = undefined
  }
  if (!response.ok || !isFoundationInfo(info)) {
    throw new UnreachableNodeError(`cannot reach a Foundation node at ${base.origin} (GET /cluster answered ${response.status}${response.ok ? ' with no cluster view' : ''})`)
  }
  return info
}
