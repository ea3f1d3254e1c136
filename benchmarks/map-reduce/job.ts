// One measured job, and what it came to: wall time, the checksum, each chunk's reductions counted, the chunks each
// node ran, and the CPU the processes spent. The same figures for a job of the cluster (mapReduce from the
// coordinator) and for the baseline (the same chunks handed to a plain piscina pool in this process).
import { now } from '../lib/stats.ts'
import { cpuBetween } from './cpu.ts'
import { addMod, chunksOf } from './job-data.ts'
import type { CpuMeter, CpuReading } from './cpu.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { ChunkInfo, JobProgress } from '../../src/compute/index.ts'
import type { Piscina } from 'piscina'

export interface JobFigures {
  wallMs: number
  items: number
  chunks: number
  checksum: number
  /** chunks reduced other than exactly once (0 when every chunk was reduced once) */
  notOnce: number
  /** chunks reduced, by the name of the node that ran them */
  byNode: Record<string, number>
  /** tries of a chunk after a failed one, from the job's last progress */
  retried: number
  cpu: CpuReading
}

export interface JobOptions {
  chunkSize: number
  signal: AbortSignal
  meter: CpuMeter
  /** node names by peer id, for byNode */
  names?: ReadonlyMap<string, string>
  /** after each first reduction of a chunk: how many chunks are reduced so far, of how many */
  onReduced?(reduced: number, chunks: number): void
}

class Tally {
  readonly counts: Uint16Array
  readonly byNode: Record<string, number> = {}
  reduced = 0

  constructor (chunks: number) {
    this.counts = new Uint16Array(chunks)
  }

  /** counts one reduction; true when it is the chunk's first */
  count (index: number, node: string): boolean {
    this.byNode[node] = (this.byNode[node] ?? 0) + 1
    if (this.counts[index]++ > 0) { return false }
    this.reduced++
    return true
  }

  get notOnce (): number {
    let bad = 0
    for (const n of this.counts) { if (n !== 1) { bad++ } }
    return bad
  }
}

/** mapReduce of `task` over the items from the coordinator, summing the chunks' results modulo 2^32. */
export async function clusterJob (coordinator: FoundationNode, task: string, items: number[], options: JobOptions): Promise<JobFigures> {
  const chunks = chunksOf(items.length, options.chunkSize)
  const tally = new Tally(chunks)
  let last: JobProgress | undefined
  const before = await options.meter.read()
  const started = now()
  const checksum = await coordinator.mapReduce(items, task, (sum: number, part: number, chunk: ChunkInfo) => {
    if (tally.count(chunk.index, options.names?.get(chunk.node) ?? chunk.node)) { options.onReduced?.(tally.reduced, chunks) }
    return addMod(sum, part)
  }, { initial: 0, chunkSize: options.chunkSize, signal: options.signal, onProgress: (p) => { last = p } })
  const wallMs = now() - started
  const cpu = cpuBetween(before, await options.meter.read())
  return { wallMs, items: items.length, chunks, checksum, notOnce: tally.notOnce, byNode: tally.byNode, retried: last?.retried ?? 0, cpu }
}

/** The baseline: every chunk handed to the pool at once (piscina queues them), each result summed as it comes. */
export async function plainJob (pool: Piscina, exportName: string, items: number[], options: JobOptions): Promise<JobFigures> {
  const chunks = chunksOf(items.length, options.chunkSize)
  const tally = new Tally(chunks)
  const sum = { checksum: 0 }
  const before = await options.meter.read()
  const started = now()
  const runs: Array<Promise<void>> = []
  for (let index = 0; index < chunks; index++) {
    const first = index * options.chunkSize
    runs.push(pool.run(items.slice(first, first + options.chunkSize), { name: exportName, signal: options.signal }).then((part: number) => {
      tally.count(index, 'this process')
      sum.checksum = addMod(sum.checksum, part)
    }))
  }
  await Promise.all(runs)
  const wallMs = now() - started
  const cpu = cpuBetween(before, await options.meter.read())
  return { wallMs, items: items.length, chunks, checksum: sum.checksum, notOnce: tally.notOnce, byNode: tally.byNode, retried: 0, cpu }
}
