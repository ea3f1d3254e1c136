// The result every benchmark produces, and the helper that writes it to benchmarks/results/NAME.json.
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results')

export interface SubjectResult {
  /** who was measured: 'Foundation', 'raw TCP', 'raw libp2p stream', ... */
  subject: string
  /** the headline figure, in the benchmark's unit */
  value: number
  /** anything else worth keeping: percentiles, per-round samples, counts */
  [key: string]: unknown
}

export interface BenchResult {
  name: string
  unit: string
  results: SubjectResult[]
  /** ours over the baseline (or baseline over ours where lower is better): higher is better; null while a subject is missing */
  ratio: number | null
  /** what the ratio is compared with */
  ratioOf: string
  /** the figure to reach, e.g. ">= 0.25" */
  target: string
  /** whether the ratio meets the target; null when it cannot be judged */
  met: boolean | null
  date: string
  node: string
  machine: { cpus: number, loadavg: number[], platform: string }
  notes: string[]
}

export type BenchResultInit = Omit<BenchResult, 'date' | 'node' | 'machine' | 'met'> & {
  /** for a target on an absolute figure rather than the ratio: whether it was met */
  met?: boolean | null
}

/** Fill in the common fields (date, node version, machine) and judge the ratio against the target. */
export function makeResult (init: BenchResultInit): BenchResult {
  return {
    ...init,
    met: init.met !== undefined ? init.met : judge(init.ratio, init.target),
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: os.cpus().length, loadavg: os.loadavg().map(round2), platform: `${process.platform}-${process.arch}` }
  }
}

/** Compare a ratio with a target of the form ">= 0.25" or "<= 2". */
export function judge (ratio: number | null, target: string): boolean | null {
  if (ratio == null || !Number.isFinite(ratio)) {
    return null
  }
  const m = /^\s*(>=|<=|>|<)\s*([0-9.]+)\s*$/.exec(target)
  if (m == null) {
    return null
  }
  const goal = Number(m[2])
  switch (m[1]) {
    case '>=': return ratio >= goal
    case '>': return ratio > goal
    case '<=': return ratio <= goal
    default: return ratio < goal
  }
}

export async function writeResult (result: BenchResult): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true })
  const file = path.join(RESULTS_DIR, `${result.name}.json`)
  await writeFile(file, JSON.stringify(result, null, 2) + '\n')
  return file
}

export function round2 (n: number): number {
  return Math.round(n * 100) / 100
}

/** Round to 3 significant digits: enough for numbers this noisy. */
export function sig3 (n: number): number {
  if (!Number.isFinite(n) || n === 0) {
    return n
  }
  return Number(n.toPrecision(3))
}
