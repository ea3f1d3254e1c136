// The map-reduce benchmark's figures from its runs: per-core efficiency and overhead per chunk for each
// configuration, the kill run against the clean one, the growth with the cluster's size; as result rows and notes.
import { round2, sig3 } from '../lib/result.ts'
import { outsideMs } from './cpu.ts'
import { CHUNK_SIZE, CORES, ITEMS, KILL_TARGET, OVERHEAD_TARGET_MS, count } from './settings.ts'
import type { GrowthFigures } from './growth.ts'
import type { JobFigures } from './job.ts'
import type { KillFigures } from './kill.ts'
import type { ConfigFigures } from './runs.ts'
import type { SubjectResult } from '../lib/result.ts'

export interface Derived {
  /** items × ms per item / (wall × cores): the share of the cores' time the burn run spent on the work */
  efficiency: number | null
  /** the near-zero job's wall ms / chunks */
  overheadMs: number
  /** (wall × cores − items × ms per item) / chunks, from the burn run */
  lostCoreMs: number | null
  /** the near-zero job's CPU in this process per chunk: the coordinator's alone when the workers are processes */
  selfCpuMs: number
  /** every process's CPU beyond items × ms per item, per chunk, in the burn run */
  cpuBeyondWorkMs: number | null
}

export function workMs (items: number, msPerItem: number): number {
  return items * msPerItem
}

export function derive (c: ConfigFigures, msPerItem: number): Derived {
  const b = c.burn
  const work = b == null ? 0 : workMs(b.items, msPerItem)
  return {
    efficiency: b == null ? null : work / (b.wallMs * CORES),
    overheadMs: c.touch.wallMs / c.touch.chunks,
    lostCoreMs: b == null ? null : (b.wallMs * CORES - work) / b.chunks,
    selfCpuMs: c.touch.cpu.selfMs / c.touch.chunks,
    cpuBeyondWorkMs: b == null ? null : (b.cpu.selfMs + b.cpu.othersMs - work) / b.chunks
  }
}

const ms = (n: number): number => Math.round(n)
const fmt = (n: number | null, digits = 3): string => n == null ? 'n/a' : String(Number(n.toPrecision(digits)))

export function configRows (c: ConfigFigures, d: Derived): SubjectResult[] {
  const rows: SubjectResult[] = []
  const b = c.burn
  if (b != null) {
    rows.push({ subject: `${c.label}: wall ms, ${count(b.items)} items`, value: ms(b.wallMs), unit: 'ms', chunks: b.chunks, checksum: b.checksum, notOnce: b.notOnce, byNode: b.byNode, cpuMs: { thisProcess: ms(b.cpu.selfMs), nodeProcesses: ms(b.cpu.othersMs), otherProcessesOnTheMachine: ms(outsideMs(b.cpu)), stolenByTheHypervisor: ms(b.cpu.stealMs) }, retried: b.retried })
    rows.push({ subject: `${c.label}: per-core efficiency`, value: sig3(d.efficiency ?? Number.NaN), unit: 'ratio' })
  }
  rows.push({ subject: `${c.label}: overhead per chunk, near-zero task (ms)`, value: sig3(d.overheadMs), unit: 'ms', repsWallMs: c.touchRuns.map(r => ms(r.wallMs)), chunks: c.touch.chunks, thisProcessCpuMsPerChunk: sig3(d.selfCpuMs), nodeProcessesCpuMsPerChunk: sig3(c.touch.cpu.othersMs / c.touch.chunks) })
  if (b != null) {
    rows.push({ subject: `${c.label}: core ms lost per chunk, burn run`, value: sig3(d.lostCoreMs ?? Number.NaN), unit: 'ms', cpuBeyondWorkMsPerChunk: sig3(d.cpuBeyondWorkMs ?? Number.NaN) })
  }
  return rows
}

function spread (byNode: Record<string, number>): string {
  return Object.entries(byNode).sort(([a], [b]) => a.localeCompare(b)).map(([node, n]) => `${node} ${count(n)}`).join(', ')
}

export function configNote (c: ConfigFigures, d: Derived, msPerItem: number, reference: JobFigures | undefined): string {
  const t = c.touch
  const parts = [`${c.label}: near-zero job ${c.touchRuns.map(r => ms(r.wallMs)).join(' / ')} ms for ${count(t.chunks)} chunks (median ${fmt(d.overheadMs)} ms per chunk; CPU per chunk ${fmt(d.selfCpuMs)} ms in this process, ${fmt(t.cpu.othersMs / t.chunks)} ms in the node processes)`]
  const b = c.burn
  if (b == null) {
    parts.push(`burn job not measured: ${c.burnError ?? 'unknown'}`)
    return parts.join('; ')
  }
  const total = b.cpu.selfMs + b.cpu.othersMs
  parts.push(`burn job ${count(ms(b.wallMs))} ms: per-core efficiency ${fmt(d.efficiency)} (${count(ms(workMs(b.items, msPerItem)))} ms of work / (${count(ms(b.wallMs))} ms × ${CORES} cores)), ${fmt(d.lostCoreMs)} core ms lost per chunk; CPU ${count(ms(total))} ms (${count(ms(b.cpu.selfMs))} in this process, ${count(ms(b.cpu.othersMs))} in the node processes), ${fmt(d.cpuBeyondWorkMs)} ms per chunk beyond the work`)
  parts.push(`meanwhile other processes on the machine took ${count(ms(outsideMs(b.cpu)))} ms of CPU (${fmt(100 * outsideMs(b.cpu) / (b.wallMs * CORES), 2)} % of the cores' time) and the hypervisor stole ${count(ms(b.cpu.stealMs))} ms`)
  parts.push(`chunks by node: ${spread(b.byNode)}; chunks not reduced exactly once: ${b.notOnce}; checksum ${b.checksum}${againstBaseline(b, reference)}`)
  return parts.join('; ')
}

function againstBaseline (b: JobFigures, reference: JobFigures | undefined): string {
  if (reference == null || reference === b) { return '' }
  return reference.checksum === b.checksum ? ' (the baseline\'s)' : ` (NOT the baseline's ${reference.checksum})`
}

function againstClean (job: JobFigures, clean: JobFigures | undefined): string {
  if (clean == null) { return '(no clean run to compare)' }
  return clean.checksum === job.checksum ? '= the clean run\'s' : `!= the clean run's ${clean.checksum}`
}

function judged (ratio: number | null): string {
  if (ratio == null) { return 'not judged' }
  return ratio <= KILL_TARGET ? 'met' : 'not met'
}

export function killRows (k: KillFigures, clean: JobFigures | undefined): SubjectResult[] {
  const label = '4 node processes, one SIGKILLed at 50 %'
  const ratio = clean == null ? null : sig3(k.job.wallMs / clean.wallMs)
  return [
    { subject: `${label}: wall ms, ${count(k.job.items)} items`, value: ms(k.job.wallMs), unit: 'ms', killedAtMs: k.killedAtMs, reducedAtKill: k.reducedAtKill, leaveAfterMs: k.leaveAfterMs, retried: k.job.retried, victimChunks: k.victimChunks, byNode: k.job.byNode, checksum: k.job.checksum },
    { subject: `${label}: wall / the clean 4-process run's`, value: ratio ?? Number.NaN, unit: 'ratio', target: `<= ${KILL_TARGET}` },
    { subject: `${label}: chunks not reduced exactly once`, value: k.job.notOnce, unit: 'chunks' },
    { subject: `${label}: checksum equals the clean run's (1 yes, 0 no)`, value: clean != null && clean.checksum === k.job.checksum ? 1 : 0, unit: 'boolean' }
  ]
}

export function killNote (k: KillFigures, clean: JobFigures | undefined): string {
  const ratio = clean == null ? null : k.job.wallMs / clean.wallMs
  const met = ratio != null && ratio <= KILL_TARGET && k.job.notOnce === 0 && clean?.checksum === k.job.checksum
  return `kill run: the same burn job on the same 4 node processes after the clean run; ${k.victim} SIGKILLed by its pid ${count(k.killedAtMs)} ms in, when ${count(k.reducedAtKill)} of ${count(k.job.chunks)} chunks were reduced (counted in the reducer); the coordinator's membership declared it gone ${k.leaveAfterMs == null ? 'not within the job' : `${count(k.leaveAfterMs)} ms after the kill`}; ${k.job.retried} chunk tries retried; it had answered ${count(k.victimChunks)} chunks. Other processes on the machine took ${count(ms(outsideMs(k.job.cpu)))} ms of CPU meanwhile. Wall ${count(ms(k.job.wallMs))} ms against the clean run's ${clean == null ? 'n/a' : count(ms(clean.wallMs))} ms: ${fmt(ratio)}× (target <= ${KILL_TARGET}: ${judged(ratio)}); checksum ${k.job.checksum} ${againstClean(k.job, clean)}; chunks not reduced exactly once: ${k.job.notOnce}; chunks by node: ${spread(k.job.byNode)}. On ${CORES} cores the 3 processes left (6 threads) still fill every core, so losing one costs its chunks in flight, retried, and little else: the target is ${met ? 'met' : 'NOT met'}`
}

export function growthRows (figures: GrowthFigures[]): SubjectResult[] {
  const base = figures[0]?.msPerChunk
  const rows: SubjectResult[] = figures.map(f => ({
    subject: `growth, ${f.workers} worker nodes + a coordinator in one process: ms per chunk, near-zero task`,
    value: sig3(f.msPerChunk),
    unit: 'ms',
    growth: base == null ? null : round2(f.msPerChunk / base),
    cpuMsPerChunk: sig3(f.cpuMsPerChunk),
    cpuAboveIdleMsPerChunk: sig3(f.cpuAboveIdleMsPerChunk),
    idleCpuPercent: sig3(f.idleCpuPercent),
    outsideCpuPercent: sig3(f.outsideCpuPercent),
    repsMsPerChunk: f.repsMsPerChunk.map(sig3),
    chunks: f.chunks,
    chunksPerWorker: f.chunksPerWorker,
    formedMs: f.formedMs,
    notOnce: f.notOnce,
    checksumOk: f.checksumOk
  }))
  const ratio = growthRatio(figures)
  if (ratio != null) {
    rows.push({ subject: `growth: ms per chunk at ${figures[figures.length - 1].workers} worker nodes / at ${figures[0].workers}`, value: ratio, unit: 'ratio' })
  }
  return rows
}

export function growthRatio (figures: GrowthFigures[]): number | null {
  if (figures.length < 2) { return null }
  return sig3(figures[figures.length - 1].msPerChunk / figures[0].msPerChunk)
}

export function growthNote (f: GrowthFigures): string {
  return `growth, ${f.workers} workers: formed in ${count(f.formedMs)} ms; ${count(f.chunks)} chunks of ${CHUNK_SIZE} items, ${f.repsMsPerChunk.map(n => fmt(n)).join(' / ')} ms per chunk (median ${fmt(f.msPerChunk)}); this process's CPU ${fmt(f.cpuMsPerChunk)} ms per chunk, ${fmt(f.cpuAboveIdleMsPerChunk)} above the idle cluster's ${fmt(f.idleCpuPercent)} % of a core; other processes on the machine ${fmt(f.outsideCpuPercent, 2)} % of a core meanwhile; chunks per worker ${f.chunksPerWorker.min} to ${f.chunksPerWorker.max}; checksum ${f.checksumOk ? 'right' : 'WRONG'} in every repetition, chunks not reduced exactly once: ${f.notOnce}`
}

export function growthSummary (figures: GrowthFigures[], ratio: number): string {
  const first = figures[0]
  const last = figures[figures.length - 1]
  const cpu = first.cpuAboveIdleMsPerChunk > 0 ? sig3(last.cpuAboveIdleMsPerChunk / first.cpuAboveIdleMsPerChunk) : null
  return `growth: ms per chunk at ${last.workers} worker nodes / at ${first.workers}: ${ratio} (no target set); this process's CPU per chunk above the idle cluster's, the same ratio: ${cpu ?? 'n/a'}. The idle cluster's own CPU (membership and the rest, every node on this one thread) grows from ${fmt(first.idleCpuPercent)} % of a core at ${first.workers + 1} nodes to ${fmt(last.idleCpuPercent)} % at ${last.workers + 1}, and the jobs share the thread with it: ${cpu != null && cpu <= 1.2 ? 'what grows with the size is that background, not what a chunk costs the coordinator and its worker' : 'the CPU a chunk costs above that background grows with the size too'}`
}

/** whether every Foundation configuration's near-zero overhead per chunk is within the target */
export function overheadMet (derived: Derived[]): boolean | null {
  if (derived.length === 0) { return null }
  return derived.every(d => d.overheadMs <= OVERHEAD_TARGET_MS)
}

export function itemsLine (): string {
  return `${count(ITEMS)} items in chunks of ${CHUNK_SIZE}`
}
