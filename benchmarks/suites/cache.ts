// cache: what `cluster.cache()` costs per operation, and whether it keeps its entries as members come and go.
//   - get and set throughput and latency on 3 nodes, for the local mode, partitioned with 0 and 1 replicas, and
//     replicated; baselines in the same run: a plain Map and lru-cache (v11, what the local mode stores in)
//     (benchmarks/cache/operations.ts)
//   - rebalance: 3 nodes hold 100,000 entries of 1 KiB (partitioned, 1 replica), a 4th joins: ms until every node
//     holds every partition it should and every key has its two copies, entries moved, zero keys lost
//     (benchmarks/cache/rebalance.ts)
//   - rolling restart: 5 nodes, each in turn stopped gracefully and replaced by a fresh node while a writer keeps
//     writing: acknowledged keys lost (target 0) and the restart's duration (benchmarks/cache/rolling-restart.ts)
// Every node runs in this process over TCP on 127.0.0.1 (test/fixtures/nodes.ts TestNodes), formed by static
// discovery. Each part has a budget: one that runs out is reported as not measured, with what it reached.
import { opsNotes, opsPart, ratioNotes } from '../cache/operations.ts'
import { rebalanceNote, rebalancePart } from '../cache/rebalance.ts'
import { lostSubject, restartNotes, restartPart, RESTART_VARIANTS } from '../cache/rolling-restart.ts'
import { describeMembership } from '../distributed/settings.ts'
import { makeResult, sig3 } from '../lib/result.ts'
import { errorMessage } from '../lib/util.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

const PARTS = (process.env.BENCH_CACHE_PARTS ?? 'ops,rebalance,restart').split(',')

/**
 * Keys lost in each rolling restart and in the rebalance: the target is met when all are 0, missed when any is
 * above, and left unjudged while one was not measured.
 */
function judgeLost (results: readonly SubjectResult[]): boolean | null {
  const lostFigures: Array<number | null> = RESTART_VARIANTS.map(v => results.find(r => r.subject.startsWith(lostSubject(v)))?.value ?? null)
  const rebalanced = results.find(r => r.subject.startsWith('rebalance:'))
  lostFigures.push(typeof rebalanced?.keysLost === 'number' ? rebalanced.keysLost : null)
  if (lostFigures.some(n => n != null && n > 0)) { return false }
  return lostFigures.every(n => n === 0) ? true : null
}

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    `every node in this process, over TCP on 127.0.0.1 (test/fixtures/nodes.ts TestNodes), each given the addresses of those already up (static discovery); observability off as production sets it (no HTTP endpoint, no metrics, no tracing), development's other defaults; ${describeMembership()}`,
    ...opsNotes(),
    'headline ratio: partitioned with replicas 1 (the default mode and backups) gets per second / lru-cache gets per second: what reading the default distributed cache costs against an in-process LRU, the store a node would otherwise keep. Gets, because caches are read far more than written; the sets, the other modes and the latencies are in results. On this 2-core machine, three nodes in one process share one thread, so a remote operation pays both ends\' work (codec, noise, yamux, the owner\'s store) on that thread: the absolute rates are a floor',
    rebalanceNote(),
    ...restartNotes()
  ]

  const results: SubjectResult[] = []
  const parts: Record<string, (notes: string[]) => Promise<SubjectResult[]>> = {
    ops: opsPart,
    rebalance: rebalancePart,
    restart: async (notes) => [...await restartPart(notes, RESTART_VARIANTS[0]), ...await restartPart(notes, RESTART_VARIANTS[1])]
  }
  for (const [name, part] of Object.entries(parts)) {
    if (!PARTS.includes(name)) {
      notes.push(`${name} not measured: left out by BENCH_CACHE_PARTS`)
      continue
    }
    try {
      results.push(...await part(notes))
    } catch (err) {
      notes.push(`${name} not measured: ${errorMessage(err)}`)
    }
  }

  const headline = results.find(r => r.subject === 'Foundation partitioned, replicas 1: gets per second')
  const lru = results.find(r => r.subject === 'lru-cache (baseline): gets per second')
  notes.push(...ratioNotes(results))
  return makeResult({
    name: 'cache',
    unit: 'per subject (ops/s, ms, keys)',
    results,
    ratio: headline != null && lru != null ? sig3(headline.value / lru.value) : null,
    ratioOf: 'Foundation partitioned (replicas 1) / lru-cache, gets per second (higher is better; sets and other modes in the notes)',
    target: '0 keys lost in a rolling restart of 5 nodes and in a rebalance (no throughput target set)',
    met: judgeLost(results),
    notes
  })
}
