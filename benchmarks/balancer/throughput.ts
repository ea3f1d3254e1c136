// Routed calls per second against plain calls, on a cluster of 5 and of 25 nodes in this process: every node serves
// one actor that answers at once, and node-0 calls with a fixed number in flight, the subjects alternating in rounds.
// What `route` adds to a call is its choice over the service's actors and its bookkeeping.
import { TestNodes } from '../../test/fixtures/nodes.ts'
import { sig3 } from '../lib/result.ts'
import { percentile } from '../lib/stats.ts'
import { serve } from './backend.ts'
import { startCluster } from './cluster.ts'
import { offer } from './offer.ts'
import { env } from './settings.ts'
import type { ActorRef } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

export const THROUGHPUT_SIZES = [5, 25]
export const THROUGHPUT_IN_FLIGHT = 16
export const THROUGHPUT_CALLS = env('BENCH_BALANCER_THROUGHPUT_CALLS', 2_000)
export const THROUGHPUT_ROUNDS = 3
const WARMUP = 300
const TIMEOUT_MS = 5_000

export type ThroughputSubject = 'route, round-robin' | 'call, the same actors in turn' | 'call, one actor'
export const THROUGHPUT_SUBJECTS: ThroughputSubject[] = ['route, round-robin', 'call, the same actors in turn', 'call, one actor']

export interface ThroughputFigure {
  nodes: number
  subject: ThroughputSubject
  /** calls per second over the rounds */
  perSecond: number
  roundRates: number[]
  p50Ms: number
  p99Ms: number
  calls: number
  failed: number
  /** ms to start the cluster and see it agree */
  formedMs: number
}

function caller (node: FoundationNode, service: string, refs: readonly ActorRef[], subject: ThroughputSubject): () => Promise<unknown> {
  let turn = 0
  if (subject === 'route, round-robin') { return async () => node.route(service, {}, { strategy: 'round-robin', timeout: TIMEOUT_MS }) }
  if (subject === 'call, the same actors in turn') { return async () => node.call(refs[turn++ % refs.length], {}, { timeout: TIMEOUT_MS }) }
  // node-1's: a remote actor, as most of a service's are
  return async () => node.call(refs[1], {}, { timeout: TIMEOUT_MS })
}

export async function measureThroughput (size: number): Promise<ThroughputFigure[]> {
  const nodes = new TestNodes()
  try {
    const t0 = performance.now()
    const cluster = await startCluster(nodes, size, `bench-balancer-${size}`)
    const formedMs = Math.round(performance.now() - t0)
    const service = await serve(cluster, [cluster[0]], 'bal-echo', () => ({ kind: 'delay', ms: 0 }))
    const callers = new Map(THROUGHPUT_SUBJECTS.map(s => [s, caller(cluster[0], service.name, service.refs, s)]))
    const tallies = new Map(THROUGHPUT_SUBJECTS.map(s => [s, { calls: 0, ms: 0, failed: 0, latencies: [] as number[], roundRates: [] as number[] }]))
    for (const s of THROUGHPUT_SUBJECTS) { await offer(WARMUP, THROUGHPUT_IN_FLIGHT, callers.get(s)!) }
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      for (const s of THROUGHPUT_SUBJECTS) {
        const o = await offer(THROUGHPUT_CALLS, THROUGHPUT_IN_FLIGHT, callers.get(s)!)
        const t = tallies.get(s)!
        t.calls += o.calls
        t.ms += o.ms
        t.failed += o.failed
        t.latencies.push(...o.latencies)
        t.roundRates.push(sig3(o.calls / (o.ms / 1000)))
      }
    }
    return THROUGHPUT_SUBJECTS.map(subject => {
      const t = tallies.get(subject)!
      return {
        nodes: size,
        subject,
        perSecond: sig3(t.calls / (t.ms / 1000)),
        roundRates: t.roundRates,
        p50Ms: sig3(percentile(t.latencies, 50)),
        p99Ms: sig3(percentile(t.latencies, 99)),
        calls: t.calls,
        failed: t.failed,
        formedMs
      }
    })
  } finally {
    await nodes.stopAll()
  }
}
