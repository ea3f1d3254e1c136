// One configuration's runs: the near-zero job a few times (the median kept), then the burn job once, each after an
// unmeasured warm-up job of the same task (pools started, code compiled). The same sequence for the plain piscina
// pool and for each cluster, so their figures compare.
import { median } from '../lib/stats.ts'
import { errorMessage } from '../lib/util.ts'
import { touch } from './burn-task.ts'
import { makeItems } from './job-data.ts'
import { CHUNK_SIZE, TOUCH_REPS, WARMUP_CHUNKS_PER_THREAD } from './settings.ts'
import type { JobFigures } from './job.ts'

export type TaskKind = 'burn' | 'touch'

/** runs one job of the task over the items */
export type Runner = (kind: TaskKind, items: number[]) => Promise<JobFigures>

export interface ConfigFigures {
  /** as in the results: 'plain piscina, 1 process, 2 threads (baseline)', ... */
  label: string
  /** node processes; 0 for a run in this process */
  processes: number
  /** threads of every pool the run has, summed */
  threads: number
  /** the near-zero job's repetitions, and the one of median wall time */
  touchRuns: JobFigures[]
  touch: JobFigures
  burn: JobFigures | undefined
  /** why the burn job was not measured */
  burnError?: string
}

/** the near-zero job's checksum, computed here: its items' sum over the same chunks */
export function touchChecksum (items: number[]): number {
  let sum = 0
  for (let first = 0; first < items.length; first += CHUNK_SIZE) { sum = (sum + touch(items.slice(first, first + CHUNK_SIZE))) % 2 ** 32 }
  return sum
}

export async function warmUp (run: Runner, kind: TaskKind, threads: number): Promise<void> {
  await run(kind, makeItems(threads * WARMUP_CHUNKS_PER_THREAD * CHUNK_SIZE))
}

/** The near-zero job TOUCH_REPS times, then the burn job; a burn job that fails (its budget ran out) is named in burnError. */
export async function runConfig (label: string, processes: number, threads: number, items: number[], run: Runner): Promise<ConfigFigures> {
  await warmUp(run, 'touch', threads)
  const touchRuns: JobFigures[] = []
  for (let i = 0; i < TOUCH_REPS; i++) { touchRuns.push(await run('touch', items)) }
  const middle = median(touchRuns.map(r => r.wallMs))
  const touchFigures = touchRuns.find(r => r.wallMs === middle) ?? touchRuns[0]
  try {
    await warmUp(run, 'burn', threads)
    return { label, processes, threads, touchRuns, touch: touchFigures, burn: await run('burn', items) }
  } catch (err) {
    return { label, processes, threads, touchRuns, touch: touchFigures, burn: undefined, burnError: errorMessage(err) }
  }
}
