// What the scale benchmark measures and for how long; the environment shortens it for a quick run:
//   BENCH_SCALE_WINDOW_MS=10000 BENCH_SCALE_IN_PROCESS=10,50 BENCH_SCALE_PROCESSES=none npm run bench -- scale
import { SECOND } from '../../src/config/units.ts'

export interface ScaleSettings {
  /** cluster sizes run in this process on the memory transport */
  inProcessSizes: number[]
  /** cluster sizes run as one process per node on 127.0.0.1 */
  processSizes: number[]
  /** after formation, before the window: joins' one-off work (syncs, first reports, reads of names) settles */
  settleMs: number
  /** the idle window: CPU and bytes are measured over it; suspicions are counted from formation to its end */
  windowMs: number
  /** longest wait for full membership, per cluster */
  formTimeoutMs: number
}

/** the figures */
export const TARGETS = {
  inProcessFullMs: { nodes: 100, ms: 10 * SECOND },
  processesFullMs: { nodes: 50, ms: 30 * SECOND },
  /** % of a core per idle node: 0.5 at 5 nodes (the idle suite measures that one), 1 at 50 */
  cpuPercentAt50: 1
}

/** A comma-separated list of sizes; `none` runs none of that kind. */
function sizes (text: string | undefined, fallback: number[]): number[] {
  if (text?.trim() === 'none') { return [] }
  const list = (text ?? '').split(',').map(Number).filter(n => Number.isInteger(n) && n > 1)
  return list.length > 0 ? list : fallback
}

function duration (text: string | undefined, fallback: number): number {
  const ms = Number(text)
  return text != null && text !== '' && Number.isFinite(ms) && ms >= 0 ? ms : fallback
}

export function scaleSettings (env: NodeJS.ProcessEnv = process.env): ScaleSettings {
  return {
    inProcessSizes: sizes(env.BENCH_SCALE_IN_PROCESS, [10, 30, 50, 100]),
    processSizes: sizes(env.BENCH_SCALE_PROCESSES, [10, 30, 50]),
    settleMs: duration(env.BENCH_SCALE_SETTLE_MS, 10 * SECOND),
    windowMs: duration(env.BENCH_SCALE_WINDOW_MS, 60 * SECOND),
    formTimeoutMs: duration(env.BENCH_SCALE_FORM_TIMEOUT_MS, 240 * SECOND)
  }
}
