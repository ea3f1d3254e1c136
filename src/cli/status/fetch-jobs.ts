// Fetches the map-reduce jobs of a node's cluster (GET /jobs). Jobs are extra to the status: a node that does not
// serve them (an earlier release) or fails to answer leaves them out, rather than failing the command.
import { STATUS_TIMEOUT_MS } from './fetch-info.ts'
import type { JobProgress } from '../../compute/index.ts'
import type { ClusterJobs } from '../../observability/routes.ts'

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0

function isJob (value: unknown): value is JobProgress {
  const j = value as Partial<JobProgress> | null
  return j != null && typeof j === 'object' && typeof j.job === 'string' && typeof j.task === 'string' &&
    typeof j.state === 'string' && typeof j.sourceEnded === 'boolean' &&
    [j.done, j.inFlight, j.retried, j.items, j.workers].every(isCount)
}

function isClusterJobs (value: unknown): value is ClusterJobs {
  const v = value as Partial<ClusterJobs> | null
  return v != null && typeof v === 'object' && Array.isArray(v.unanswered) && Array.isArray(v.nodes) &&
    v.nodes.every(n => n != null && typeof n === 'object' && typeof n.id === 'string' && typeof n.name === 'string' &&
      Array.isArray(n.jobs) && n.jobs.every(isJob))
}

/** Every answering member's jobs, or undefined when the node does not tell them. */
export async function fetchJobs (base: URL, signal?: AbortSignal): Promise<ClusterJobs | undefined> {
  const timeout = AbortSignal.timeout(STATUS_TIMEOUT_MS)
  try {
    const response = await fetch(new URL('/jobs', base), { signal: signal != null ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'error' })
    const body: unknown = response.ok ? await response.json() : undefined
    return isClusterJobs(body) ? body : undefined
  } catch {
    return undefined
  }
}
