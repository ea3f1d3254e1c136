// The two subjects, measured alike and alternating in rounds: a call to an actor of the caller's own cluster on
// another node, and a call to an actor of the other cluster through the gateway; one call in flight (latency), then
// many (calls per second).
import { offer } from '../balancer/offer.ts'
import { sig3 } from '../lib/result.ts'
import { percentile } from '../lib/stats.ts'
import { patternedBytes } from '../lib/util.ts'
import { ECHO } from './clusters.ts'
import { CALL_TIMEOUT_MS, LATENCY_CALLS, PAYLOAD_BYTES, ROUNDS, THROUGHPUT_CALLS, THROUGHPUT_IN_FLIGHT, WARMUP_CALLS } from './settings.ts'
import type { CrossClusterSetup } from './clusters.ts'

export type Subject = 'call in one cluster' | 'callCluster through one gateway'
export const SUBJECTS: Subject[] = ['call in one cluster', 'callCluster through one gateway']

export interface SubjectFigures {
  subject: Subject
  /** one call in flight */
  p50Ms: number
  p99Ms: number
  /** THROUGHPUT_IN_FLIGHT calls in flight */
  perSecond: number
  roundRates: number[]
  loadedP50Ms: number
  loadedP99Ms: number
  failed: number
}

function caller (setup: CrossClusterSetup, subject: Subject): () => Promise<unknown> {
  const body = patternedBytes(PAYLOAD_BYTES)
  const options = { timeout: CALL_TIMEOUT_MS }
  if (subject === 'call in one cluster') { return async () => setup.caller.call(ECHO, body, options) }
  return async () => setup.caller.callCluster(setup.ai, ECHO, body, options)
}

export async function measure (setup: CrossClusterSetup): Promise<SubjectFigures[]> {
  const calls = new Map(SUBJECTS.map(s => [s, caller(setup, s)]))
  const tallies = new Map(SUBJECTS.map(s => [s, { alone: [] as number[], loaded: [] as number[], calls: 0, ms: 0, failed: 0, roundRates: [] as number[] }]))
  for (const s of SUBJECTS) { await offer(WARMUP_CALLS, THROUGHPUT_IN_FLIGHT, calls.get(s)!) }
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of SUBJECTS) {
      const tally = tallies.get(s)!
      const alone = await offer(LATENCY_CALLS, 1, calls.get(s)!)
      const loaded = await offer(THROUGHPUT_CALLS, THROUGHPUT_IN_FLIGHT, calls.get(s)!)
      tally.alone.push(...alone.latencies)
      tally.loaded.push(...loaded.latencies)
      tally.calls += loaded.calls
      tally.ms += loaded.ms
      tally.failed += alone.failed + loaded.failed
      tally.roundRates.push(sig3(loaded.calls / (loaded.ms / 1000)))
    }
  }
  return SUBJECTS.map(subject => {
    const t = tallies.get(subject)!
    return {
      subject,
      p50Ms: sig3(percentile(t.alone, 50)),
      p99Ms: sig3(percentile(t.alone, 99)),
      perSecond: sig3(t.calls / (t.ms / 1000)),
      roundRates: t.roundRates,
      loadedP50Ms: sig3(percentile(t.loaded, 50)),
      loadedP99Ms: sig3(percentile(t.loaded, 99)),
      failed: t.failed
    }
  })
}
