// The offered load: a fixed count of calls made by a fixed number of callers, each making one call at a time (a closed
// loop), every call timed as its caller saw it, a failed one included at the time it failed.
import { now } from '../lib/stats.ts'

export interface Offered {
  calls: number
  ok: number
  failed: number
  /** ms per call, failed ones included */
  latencies: number[]
  /** failed calls by error name */
  errors: Record<string, number>
  /** what answered the calls that succeeded, by the answer (the backends answer their node's name) */
  answeredBy: Record<string, number>
  /** ms from the first call to the last answer */
  ms: number
}

/** Runs `count` calls with `callers` at once; caller c makes its calls with `call(c)`. */
export async function offer (count: number, callers: number, call: (caller: number) => Promise<unknown>): Promise<Offered> {
  const out: Offered = { calls: count, ok: 0, failed: 0, latencies: new Array<number>(count), errors: {}, answeredBy: {}, ms: 0 }
  let next = 0
  const caller = async (c: number): Promise<void> => {
    while (next < count) {
      const i = next++
      const t = now()
      try {
        const answer = await call(c)
        out.ok++
        const by = typeof answer === 'string' ? answer : '(other)'
        out.answeredBy[by] = (out.answeredBy[by] ?? 0) + 1
      } catch (err) {
        out.failed++
        const name = err instanceof Error ? err.name : 'non-error'
        out.errors[name] = (out.errors[name] ?? 0) + 1
      }
      out.latencies[i] = now() - t
    }
  }
  const t0 = now()
  await Promise.all(Array.from({ length: Math.min(callers, count) }, async (_, c) => caller(c)))
  out.ms = now() - t0
  return out
}
