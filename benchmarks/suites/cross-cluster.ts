// cross-cluster: what a call to another cluster through one gateway costs against a call inside one cluster, in the
// same process, with the same 1 KiB payload echoed back (benchmarks/cross-cluster/): p50 and p99 one call in flight,
// and calls per second with 16 in flight, reported as ratios. The call across takes two hops (caller to gateway, the
// gateway's node in the other cluster to the actor's node) where the direct call takes one.
import { ECHO, startClusters } from '../cross-cluster/clusters.ts'
import { measure } from '../cross-cluster/measure.ts'
import { LATENCY_CALLS, PAYLOAD_BYTES, ROUNDS, THROUGHPUT_CALLS, THROUGHPUT_IN_FLIGHT, WARMUP_CALLS, count } from '../cross-cluster/settings.ts'
import { makeResult, sig3 } from '../lib/result.ts'
import { errorMessage } from '../lib/util.ts'
import type { SubjectFigures } from '../cross-cluster/measure.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

/** the call across at most 2.5x the direct one's p50: its one extra hop and the gateway's forwarding */
const TARGET = 0.4

function setupNotes (): string[] {
  return [
    `every node in this process, over TCP on 127.0.0.1 (test/fixtures TestNodes and TestFederations), each cluster with its own secret, observability off as production sets it, static discovery: app holds the caller, a node serving the actor '${ECHO}', and the gateway's node; ai holds a node serving '${ECHO}' and the gateway's other node; the gateway is one federation (Foundation.start({ clusters, gateway: true })) holding both`,
    `subjects: caller.call('echo', payload) in app (one hop) and caller.callCluster(ai, 'echo', payload) (the caller to the gateway's app node, its node in ai to the actor's node: two hops, and the gateway's forwarding between them); the payload is ${PAYLOAD_BYTES} bytes, echoed back; ${count(WARMUP_CALLS)} unmeasured calls each first, then ${ROUNDS} rounds of ${count(LATENCY_CALLS)} calls one at a time and ${count(THROUGHPUT_CALLS)} with ${THROUGHPUT_IN_FLIGHT} in flight, the subjects alternating; p50 / p99 nearest rank over the calls pooled`
  ]
}

function rows (figures: SubjectFigures[]): SubjectResult[] {
  return figures.flatMap(f => [
    { subject: `${f.subject}: p50 ms, one in flight`, value: f.p50Ms, unit: 'ms', p99Ms: f.p99Ms },
    { subject: `${f.subject}: p99 ms, one in flight`, value: f.p99Ms, unit: 'ms' },
    { subject: `${f.subject}: calls/s, ${THROUGHPUT_IN_FLIGHT} in flight`, value: f.perSecond, unit: 'calls/s', roundRates: f.roundRates, p50Ms: f.loadedP50Ms, p99Ms: f.loadedP99Ms, failed: f.failed }
  ])
}

export async function run (): Promise<BenchResult> {
  const notes = setupNotes()
  let figures: SubjectFigures[] = []
  try {
    const setup = await startClusters()
    try {
      figures = await measure(setup)
    } finally {
      await setup.close()
    }
  } catch (err) {
    notes.push(`not measured: ${errorMessage(err)}`)
  }
  const [direct, across] = figures
  const ratio = direct != null && across != null ? sig3(direct.p50Ms / across.p50Ms) : null
  if (direct != null && across != null) {
    notes.push(
      `across / direct: p50 ${sig3(across.p50Ms / direct.p50Ms)}x (${direct.p50Ms} to ${across.p50Ms} ms), p99 ${sig3(across.p99Ms / direct.p99Ms)}x (${direct.p99Ms} to ${across.p99Ms} ms), calls per second ${sig3(across.perSecond / direct.perSecond)}x (${direct.perSecond} to ${across.perSecond}); with ${THROUGHPUT_IN_FLIGHT} in flight p50 ${direct.loadedP50Ms} to ${across.loadedP50Ms} ms, p99 ${direct.loadedP99Ms} to ${across.loadedP99Ms} ms; calls failed: ${direct.failed} and ${across.failed}`,
      'every node shares this process\'s one thread: the gateway\'s two nodes and the actor\'s node work on the same core as the caller, so the call across pays for all four nodes\' work in its latency and its rate, where separate machines would overlap them'
    )
  }
  return makeResult({
    name: 'cross-cluster',
    unit: 'per subject (ms, calls/s)',
    results: rows(figures),
    ratio,
    ratioOf: 'p50 of a call inside one cluster / p50 of a call to another cluster through one gateway, one call in flight (higher is better)',
    target: `>= ${TARGET}`,
    notes
  })
}
