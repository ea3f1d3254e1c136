// What the map-reduce benchmark's parts share: the job's size and chunking, the threads and processes, how the
// nodes start, and each part's budget. The counts can be lowered from the environment for a quick run.
import os from 'node:os'
import { env } from '../cache/settings.ts'
import { OBSERVABILITY_OFF } from '../lib/foundation-configs.ts'
import type { FoundationInit } from '../../src/index.ts'

export { count, env } from '../cache/settings.ts'

/** the thread task's module: every pool of the suite loads this same file */
export const TASK_MODULE = new URL('./burn-task.ts', import.meta.url)
export const BURN_EXPORT = 'burn'
export const TOUCH_EXPORT = 'touch'
/** the task names the nodes register: the burn and the near-zero task, each a thread task of its own pool */
export const BURN_TASK = 'mr-burn'
export const TOUCH_TASK = 'mr-touch'
/** the growth part's near-zero function task (on the event loop: no thread pool per in-process node) */
export const TOUCH_FN_TASK = 'mr-touch-fn'

/** items of the measured jobs, about 1 ms of CPU each */
export const ITEMS = env('BENCH_MAPREDUCE_ITEMS', 100_000)
/** items per chunk: mapReduce's default */
export const CHUNK_SIZE = env('BENCH_MAPREDUCE_CHUNK_SIZE', 100)
/** the cores every run shares, and what per-core efficiency divides by */
export const CORES = os.availableParallelism()
/** threads in each node's pool, and in the plain pool: the machine's cores, a thread task's default */
export const THREADS = CORES
/** node processes of the multi-process runs (each with its own pool of THREADS threads) */
export const PROCESS_SIZES = [2, 4] as const
/** items timed in the main thread, three times after a warm-up, for the ms per item */
export const CALIBRATE_ITEMS = env('BENCH_MAPREDUCE_CALIBRATE_ITEMS', 1_000)
/** repetitions of the near-zero job per configuration; the median is kept */
export const TOUCH_REPS = 3
/** chunks of each unmeasured warm-up job per thread of the run: pools started, code compiled */
export const WARMUP_CHUNKS_PER_THREAD = 2

/** worker nodes of the growth part (each cluster has one more node: the coordinator, which runs no chunk) */
export const GROWTH_SIZES = (process.env.BENCH_MAPREDUCE_GROWTH_SIZES ?? '2,4,10,25').split(',').map(Number).filter(n => Number.isInteger(n) && n > 0)
/** chunks of each growth job (CHUNK_SIZE items each) */
export const GROWTH_CHUNKS = env('BENCH_MAPREDUCE_GROWTH_CHUNKS', 2_000)
export const GROWTH_REPS = 5
/** the growth part's window with no job: the cluster's own CPU, taken off the jobs' */
export const GROWTH_IDLE_MS = 3_000
/** after the full mesh, before the first job: as cache-scale settles its clusters */
export const GROWTH_SETTLE_MS = 2_000
export const GROWTH_SETTLE_PER_NODE_MS = 100

/** the targets: coordination per chunk, and the run with a node killed against the clean run */
export const OVERHEAD_TARGET_MS = 1
export const KILL_TARGET = 1.5

/**
 * The development profile (LAN failure detector: probe every 1 s, 250 ms to answer, suspect for 1 s, so a killed
 * process is declared dead about 1.3 s after its connections close), observability off as production sets it.
 */
export const NODE_INIT: FoundationInit = { profile: 'development', ...OBSERVABILITY_OFF.init }
/** the growth part's one-process clusters: the production failure detector, as cache-scale (a busy thread must not suspect its own members) */
export const GROWTH_MEMBERSHIP = { probeTimeout: 500, suspectTimeout: 10_000 }

export const FORM_TIMEOUT_MS = 60_000
export const POLL_MS = 50

/** the suite starts no part after this (run.ts kills it at 15 minutes) */
export const SUITE_START_BY_MS = env('BENCH_MAPREDUCE_START_BY_MS', 11 * 60_000)

/**
 * A part's budget for `burnRuns` measured jobs of the burn task at the measured speed: three times their ideal time
 * on every core, plus a minute for starting nodes, warm-ups and the near-zero jobs.
 */
export function budgetMs (msPerItem: number, burnRuns: number): number {
  return Math.round(burnRuns * 3 * ITEMS * msPerItem / CORES + 60_000)
}
