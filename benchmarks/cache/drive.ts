// The load the operations part puts on each subject: a count of operations with a number in flight, each timed when
// asked, failures counted rather than retried (a rate that hid its failures would flatter the subject), and the
// rounds' figures summed per subject and operation.
import { sig3 } from '../lib/result.ts'
import { now } from '../lib/stats.ts'
import { errorMessage } from '../lib/util.ts'

/** Deterministic pseudo-random indexes below `max` (mulberry32), the same sequence for every subject. */
export function indexes (count: number, max: number, seed: number): Uint32Array {
  const out = new Uint32Array(count)
  let a = seed >>> 0
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = (((t ^ (t >>> 14)) >>> 0) % max)
  }
  return out
}

export interface Drive {
  ops: number
  ms: number
  /** per operation, µs; empty when not timed */
  latencies: number[]
  misses: number
  failed: number
  errors: Record<string, number>
}

/** Runs `count` operations with `concurrency` in flight, each timed if asked; `op` resolves false for a miss. */
export async function drive (count: number, concurrency: number, timed: boolean, op: (i: number) => Promise<boolean>): Promise<Drive> {
  const latencies = timed ? new Array<number>(count) : []
  const errors: Record<string, number> = {}
  let misses = 0
  let failed = 0
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      const t = timed ? now() : 0
      try {
        if (!(await op(i))) { misses++ }
      } catch (err) {
        failed++
        const reason = errorMessage(err).slice(0, 120)
        errors[reason] = (errors[reason] ?? 0) + 1
      }
      if (timed) { latencies[i] = (now() - t) * 1000 }
    }
  }
  const t0 = now()
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return { ops: count, ms: now() - t0, latencies, misses, failed, errors }
}

/** One subject's rounds of one operation, summed. */
export interface Tally {
  ops: number
  ms: number
  latencies: number[]
  misses: number
  failed: number
  errors: Record<string, number>
  roundRates: number[]
}

export const newTally = (): Tally => ({ ops: 0, ms: 0, latencies: [], misses: 0, failed: 0, errors: {}, roundRates: [] })

export function add (tally: Tally, d: Drive): void {
  tally.ops += d.ops
  tally.ms += d.ms
  for (const l of d.latencies) { tally.latencies.push(l) }
  tally.misses += d.misses
  tally.failed += d.failed
  for (const [reason, n] of Object.entries(d.errors)) { tally.errors[reason] = (tally.errors[reason] ?? 0) + n }
  tally.roundRates.push(sig3(d.ops / (d.ms / 1000)))
}

/** operations per second over the time of the rounds */
export const rate = (t: Tally): number => sig3(t.ops / (t.ms / 1000))
