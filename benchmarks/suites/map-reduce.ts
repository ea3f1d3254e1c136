// map-reduce: what `cluster.mapReduce()` costs over a plain pool of worker threads, whether it survives a node
// killed in the middle of a job, and how its cost per chunk grows with the cluster.
//   - 100,000 items (BENCH_MAPREDUCE_ITEMS) of about 1 ms of CPU each, in chunks of 100, by: a plain piscina pool in
//     this process (the baseline: same module, same chunks, no Foundation); 1 Foundation node in this process with
//     a thread task on a pool of as many threads as cores, coordinating its own job; 2 and 4 node processes, each with
//     its own pool, coordinated by a node in this process that registers no task (benchmarks/map-reduce/clusters.ts).
//     Per-core efficiency, and overhead per chunk from the same job with a near-zero task (runs.ts, figures.ts)
//   - the 4-process job again with one worker process SIGKILLed when half the chunks are reduced: the checksum, each
//     chunk reduced exactly once, the time against the clean run (kill.ts)
//   - ms per chunk of a near-zero function task at 2, 4, 10 and 25 worker nodes in one process (growth.ts)
// Each part has a budget: one that runs out is reported as not measured. BENCH_MAPREDUCE_ITEMS lowers the item count
// for a quick check, BENCH_MAPREDUCE_PARTS (plain,one-node,processes-2,processes-4,growth) picks the parts.
import { Piscina } from 'piscina'
import { makeResult, sig3 } from '../lib/result.ts'
import { now } from '../lib/stats.ts'
import { errorMessage } from '../lib/util.ts'
import { measureMsPerItem } from '../map-reduce/calibrate.ts'
import { startOneNode, startProcesses } from '../map-reduce/clusters.ts'
import { CpuMeter, outsideMs } from '../map-reduce/cpu.ts'
import { configNote, configRows, derive, growthNote, growthRatio, growthRows, growthSummary, killNote, killRows, overheadMet } from '../map-reduce/figures.ts'
import { measureGrowth } from '../map-reduce/growth.ts'
import { makeItems } from '../map-reduce/job-data.ts'
import { clusterJob, plainJob } from '../map-reduce/job.ts'
import { killRun } from '../map-reduce/kill.ts'
import { calibrationNote, setupNotes } from '../map-reduce/notes.ts'
import { runConfig, touchChecksum } from '../map-reduce/runs.ts'
import { BURN_EXPORT, BURN_TASK, CALIBRATE_ITEMS, CHUNK_SIZE, CORES, GROWTH_SIZES, ITEMS, KILL_TARGET, OVERHEAD_TARGET_MS, PROCESS_SIZES, SUITE_START_BY_MS, TASK_MODULE, THREADS, TOUCH_EXPORT, TOUCH_TASK, budgetMs } from '../map-reduce/settings.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'
import type { ComputeCluster } from '../map-reduce/clusters.ts'
import type { Derived } from '../map-reduce/figures.ts'
import type { GrowthFigures } from '../map-reduce/growth.ts'
import type { JobFigures } from '../map-reduce/job.ts'
import type { KillFigures } from '../map-reduce/kill.ts'
import type { ConfigFigures, Runner } from '../map-reduce/runs.ts'

const PARTS = (process.env.BENCH_MAPREDUCE_PARTS ?? 'plain,one-node,processes-2,processes-4,growth').split(',')
/** the growth part's budget per cluster size */
const GROWTH_BUDGET_MS = 120_000
/** the cluster of the kill run, and the node process killed: the second of the four */
const KILL_SIZE = 4
const VICTIM = 1
/** a run during which other processes took more than this share of the cores is named in the notes */
const DISTURBED = 0.05

export const PLAIN_LABEL = `plain piscina, this process, ${THREADS} threads (baseline)`
export const ONE_NODE_LABEL = `Foundation, 1 node × ${THREADS} threads, coordinating itself`
export const processesLabel = (n: number): string => `Foundation, ${n} node processes × ${THREADS} threads, coordinator apart`

async function plainPart (items: number[], signal: AbortSignal): Promise<ConfigFigures> {
  // the pool as Foundation's thread runner makes it (src/compute/thread-runner.ts)
  const pool = new Piscina({ filename: TASK_MODULE.href, maxThreads: THREADS, minThreads: 0, idleTimeout: 10_000 })
  pool.on('error', () => {})
  try {
    const meter = new CpuMeter()
    const run: Runner = async (kind, list) => plainJob(pool, kind === 'burn' ? BURN_EXPORT : TOUCH_EXPORT, list, { chunkSize: CHUNK_SIZE, signal, meter })
    return await runConfig(PLAIN_LABEL, 0, THREADS, items, run)
  } finally {
    await pool.destroy()
  }
}

function clusterRunner (cluster: ComputeCluster, signal: AbortSignal): Runner {
  return async (kind, list) => clusterJob(cluster.coordinator, kind === 'burn' ? BURN_TASK : TOUCH_TASK, list, { chunkSize: CHUNK_SIZE, signal, meter: cluster.meter, names: cluster.names })
}

/** What the parts measured; a part that failed or ran out of its budget left its figures out. */
interface Measured {
  configs: ConfigFigures[]
  kill?: KillFigures
  /** why the kill run failed, when the job itself failed (not its budget) */
  killFailed?: string
  growth: GrowthFigures[]
  /** jobs that failed before their part's budget ran out: a failure of map-reduce, not a figure left out */
  failures: string[]
}

/** Runs every part in turn, each under its budget; what each could not measure goes in the notes. */
async function measure (msPerItem: number, items: number[], notes: string[], started: number): Promise<Measured> {
  const measured: Measured = { configs: [], growth: [], failures: [] }
  /** `part` as BENCH_MAPREDUCE_PARTS names it; `name` as the notes do */
  const attempt = async (part: string, name: string, budget: number, body: (signal: AbortSignal) => Promise<void>): Promise<void> => {
    if (!PARTS.includes(part)) {
      notes.push(`${name} not measured: left out by BENCH_MAPREDUCE_PARTS`)
      return
    }
    const elapsed = now() - started
    if (elapsed > SUITE_START_BY_MS) {
      notes.push(`${name} not measured: the suite had run ${Math.round(elapsed / 1000)} s, past the ${SUITE_START_BY_MS / 1000} s after which it starts no part`)
      return
    }
    const signal = AbortSignal.timeout(budget)
    try {
      await body(signal)
    } catch (err) {
      notes.push(`${name} not measured: ${errorMessage(err)} (${signal.aborted ? `its budget of ${Math.round(budget / 1000)} s ran out` : 'it failed within its budget'})`)
    }
  }
  /** a configuration's figures; a burn job that failed within the budget is a failure */
  const keep = (figures: ConfigFigures, signal: AbortSignal): void => {
    measured.configs.push(figures)
    if (figures.burnError != null && !signal.aborted) { measured.failures.push(`${figures.label}: the burn job failed: ${figures.burnError}`) }
  }

  await attempt('plain', 'plain', budgetMs(msPerItem, 1), async (signal) => { keep(await plainPart(items, signal), signal) })
  await attempt('one-node', 'one-node', budgetMs(msPerItem, 1), async (signal) => {
    const cluster = await startOneNode(THREADS)
    try {
      keep(await runConfig(ONE_NODE_LABEL, 0, THREADS, items, clusterRunner(cluster, signal)), signal)
    } finally {
      await cluster.close()
    }
  })
  for (const size of PROCESS_SIZES) {
    await attempt(`processes-${size}`, `processes-${size}`, budgetMs(msPerItem, 1), async (signal) => {
      const cluster = await startProcesses(size, THREADS, signal)
      try {
        notes.push(`${size} node processes and the coordinator formed in ${cluster.formedMs} ms`)
        const figures = await runConfig(processesLabel(size), size, size * THREADS, items, clusterRunner(cluster, signal))
        keep(figures, signal)
        if (size === KILL_SIZE && figures.burn != null) { await killPart(cluster, items, budgetMs(msPerItem, 1), measured, notes) }
      } finally {
        await cluster.close()
      }
    })
  }
  for (const size of GROWTH_SIZES) {
    await attempt('growth', `growth at ${size} workers`, GROWTH_BUDGET_MS, async (signal) => { measured.growth.push(await measureGrowth(size, signal)) })
  }
  return measured
}

/** The kill run on the clean 4-process cluster: a budget that runs out is not measured, a job that fails is a failure. */
async function killPart (cluster: ComputeCluster, items: number[], budget: number, measured: Measured, notes: string[]): Promise<void> {
  const signal = AbortSignal.timeout(budget)
  try {
    measured.kill = await killRun(cluster, items, VICTIM, signal)
  } catch (err) {
    if (signal.aborted) {
      notes.push(`kill run not measured: ${errorMessage(err)} (its budget ${Math.round(budget / 1000)} s)`)
    } else {
      measured.killFailed = errorMessage(err)
      notes.push(`kill run FAILED: ${measured.killFailed}`)
    }
  }
}

/** the kill run's target: the clean run's checksum, every chunk once, within KILL_TARGET of its time; null when not measured */
function judgeKill (kill: KillFigures | undefined, failed: string | undefined, clean: JobFigures | undefined): boolean | null {
  if (failed != null) { return false }
  if (kill == null || clean == null) { return null }
  return kill.job.notOnce === 0 && kill.job.checksum === clean.checksum && kill.job.wallMs / clean.wallMs <= KILL_TARGET
}

/** every job whose checksum was not the expected one, or that reduced a chunk other than once */
function wrongResults (configs: ConfigFigures[], growth: GrowthFigures[], reference: JobFigures | undefined, expectedTouch: number): string[] {
  const wrong: string[] = []
  for (const c of configs) {
    const touches = c.touchRuns.filter(r => r.checksum !== expectedTouch || r.notOnce > 0).length
    if (touches > 0) { wrong.push(`${c.label}: ${touches} near-zero jobs with a wrong checksum or a chunk not reduced exactly once`) }
    if (c.burn != null && reference != null && (c.burn.checksum !== reference.checksum || c.burn.notOnce > 0)) { wrong.push(`${c.label}: the burn job's checksum is not the baseline's, or a chunk was not reduced exactly once`) }
  }
  for (const g of growth) {
    if (!g.checksumOk || g.notOnce > 0) { wrong.push(`growth at ${g.workers} workers: a wrong checksum or a chunk not reduced exactly once`) }
  }
  return wrong
}

/** names the runs during which other processes took a share of the cores that makes their figures understated */
function disturbedNote (configs: ConfigFigures[], kill: KillFigures | undefined): string[] {
  const disturbed = configs.filter(c => c.burn != null && outsideMs(c.burn.cpu) > DISTURBED * c.burn.wallMs * CORES).map(c => c.label)
  if (kill != null && outsideMs(kill.job.cpu) > DISTURBED * kill.job.wallMs * CORES) { disturbed.push('the kill run') }
  return disturbed.length === 0 ? [] : [`other processes on the machine took more than ${DISTURBED * 100} % of the cores' time during: ${disturbed.join('; ')}: their efficiency is understated`]
}

function verdict (verdicts: Array<boolean | null>): boolean | null {
  if (verdicts.includes(false)) { return false }
  return verdicts.every(v => v === true) ? true : null
}

export async function run (): Promise<BenchResult> {
  const started = now()
  const calibration = measureMsPerItem(CALIBRATE_ITEMS)
  const { msPerItem } = calibration
  const items = makeItems(ITEMS)
  const notes: string[] = [...setupNotes(msPerItem), calibrationNote(calibration)]
  const { configs, kill, killFailed, growth, failures } = await measure(msPerItem, items, notes, started)

  const plain = configs.find(c => c.label === PLAIN_LABEL)
  const reference = plain?.burn ?? configs.find(c => c.burn != null)?.burn
  const results: SubjectResult[] = []
  const foundationDerived: Derived[] = []
  for (const c of configs) {
    const d = derive(c, msPerItem)
    if (c !== plain) { foundationDerived.push(d) }
    results.push(...configRows(c, d))
    notes.push(configNote(c, d, msPerItem, reference))
  }
  failures.push(...wrongResults(configs, growth, reference, touchChecksum(items)))
  notes.push(...disturbedNote(configs, kill))
  const clean = configs.find(c => c.label === processesLabel(KILL_SIZE))?.burn
  if (kill != null) {
    results.push(...killRows(kill, clean))
    notes.push(killNote(kill, clean))
  }
  results.push(...growthRows(growth))
  for (const g of growth) { notes.push(growthNote(g)) }
  const gr = growthRatio(growth)
  if (gr != null) { notes.push(growthSummary(growth, gr)) }

  const one = configs.find(c => c.label === ONE_NODE_LABEL)
  const ratio = plain?.burn != null && one?.burn != null ? sig3(plain.burn.wallMs / one.burn.wallMs) : null
  notes.push(`headline ratio: ${ratio ?? 'n/a'} = per-core efficiency of Foundation on 1 node / the plain piscina pool's (= the pool's wall time / the node's), the same module, items and chunks: what the cluster layer costs on one machine, 1 = nothing`)
  const killOk = judgeKill(kill, killFailed, clean)
  for (const failure of failures) { notes.push(`FAILED: ${failure}`) }
  return makeResult({
    name: 'map-reduce',
    unit: 'per subject (ms, ratio)',
    results,
    ratio,
    ratioOf: 'Foundation 1 node / plain piscina, per-core efficiency on the same job (higher is better; 2 and 4 node processes and the overheads in results)',
    target: `overhead per chunk <= ${OVERHEAD_TARGET_MS} ms (near-zero task; 1 node, 2 and 4 processes); with a node SIGKILLed at 50 %: the clean run's checksum, every chunk reduced once, wall <= ${KILL_TARGET}x the clean 4-process run`,
    met: verdict([overheadMet(foundationDerived), killOk, failures.length === 0]),
    notes
  })
}
