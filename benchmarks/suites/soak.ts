// soak: what a busy cluster's memory does over time. Four nodes in one child process (memory transport) run sends,
// calls, publications, spawns and stops of named and distributed actors, and a leave and a join every minute, for
// BENCH_SOAK_MINUTES (30 by default). Each minute the heap is collected until it stops shrinking and read with the RSS.
// The baseline is the same process at the end of its warm-up, the first third of the run: V8's compiled code grows for
// about ten minutes, and what is kept for a set time (stopped distributed actors' tombstones, registry.tombstoneTtl,
// 5 minutes here) fills in it. The ratio is the heap after GC at the end over the heap after GC then, and the slope
// after warm-up says whether it still grows.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runJsonChild } from '../lib/json-child.ts'
import { makeResult, round2 } from '../lib/result.ts'
import type { BenchResult } from '../lib/result.ts'

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 30)
const SAMPLE_MS = Number(process.env.BENCH_SOAK_SAMPLE_MS ?? 60_000)
/** registry.tombstoneTtl in the soak: shorter than the warm-up, so that the tombstones level inside it */
const TOMBSTONE_TTL = Number(process.env.BENCH_SOAK_TOMBSTONE_TTL ?? 300_000)
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'soak', 'soak-run.ts')
/** the figure: heap after GC flat within 5% after warm-up */
const TARGET = 1.05

interface Sample { minute: number, rssMB: number, heapMB: number, externalMB: number, held: Record<string, number> }
interface SoakOutput { minutes: number, samples: Sample[], counts: Record<string, unknown> }

/** Least-squares slope of y over x. */
function slope (points: Array<[number, number]>): number {
  const n = points.length
  if (n < 2) { return 0 }
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}

export async function run (): Promise<BenchResult> {
  const output = await runJsonChild<SoakOutput>({
    script: SCRIPT,
    execArgv: ['--expose-gc'],
    env: { SOAK_MINUTES: String(MINUTES), SOAK_SAMPLE_MS: String(SAMPLE_MS), SOAK_TOMBSTONE_TTL: String(TOMBSTONE_TTL) },
    timeoutMs: (MINUTES + 5) * 60_000
  })
  const samples = output.samples
  const warmUpMinutes = MINUTES / 3
  const warm = samples.find(s => s.minute >= warmUpMinutes) ?? samples[0]
  const last = samples[samples.length - 1]
  const after = samples.filter(s => s.minute >= warm.minute)
  const heapSlope = round2(slope(after.map(s => [s.minute, s.heapMB])))
  const rssSlope = round2(slope(after.map(s => [s.minute, s.rssMB])))
  const ratio = round2(last.heapMB / warm.heapMB)
  return makeResult({
    name: 'soak',
    unit: 'MB of heap after GC at the end',
    results: [
      { subject: 'Foundation, end of the run', value: last.heapMB, rssMB: last.rssMB, minute: last.minute, heapSlopeMBPerMinute: heapSlope, rssSlopeMBPerMinute: rssSlope },
      { subject: 'Foundation, end of warm-up (baseline)', value: warm.heapMB, rssMB: warm.rssMB, minute: warm.minute },
      { subject: 'per minute', value: samples.length, samples }
    ],
    ratio,
    ratioOf: 'heap after GC at the end / at the end of warm-up (lower is better)',
    target: `<= ${TARGET}`,
    notes: [
      `${MINUTES} minutes, 4 nodes in one process on the memory transport; per second 5,000 sends, 200 calls, 200 publications, 5 named and 1 distributed actor spawned and as many stopped; a node leaves and a new one joins every minute; registry.tombstoneTtl ${round2(TOMBSTONE_TTL / 60_000)} min (default 60: with it the tombstones fill for an hour, about 400 bytes per stop on every member, at most 100,000)`,
      `tombstones held by the live nodes: ${warm.held.tombstones ?? '?'} at the end of warm-up, ${last.held.tombstones ?? '?'} at the end`,
      `after warm-up (${round2(warm.minute)} min) the heap after GC grows ${heapSlope} MB/min and the RSS ${rssSlope} MB/min`,
      `load: ${JSON.stringify(output.counts)}`
    ]
  })
}
