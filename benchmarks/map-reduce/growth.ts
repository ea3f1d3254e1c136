// How the cost of a chunk grows with the cluster: N worker nodes and a coordinator with no task, all in this one
// process over TCP on 127.0.0.1 (test/fixtures/nodes.ts TestNodes, each node given the addresses of those already up),
// the near-zero task as a function task on each worker's event loop (no thread pool per node). Every chunk's trip,
// both ends of it, runs on this one thread: ms per chunk is the coordinator's and a worker's share together.
// Not the memory transport: it hands a message on in microtasks, so a job runs as one chain of them that holds off
// every timer and macrotask, and at 25 workers the offers of 10 were answered only after the job (they ran no chunk).
import { TestNodes, uniqueCluster } from '../../test/fixtures/nodes.ts'
import { aliveCounts, waitMeshed } from '../lib/memory-cluster.ts'
import { median } from '../lib/stats.ts'
import { delay, waitFor } from '../lib/util.ts'
import { touch } from './burn-task.ts'
import { CpuMeter, cpuBetween, outsideMs } from './cpu.ts'
import { makeItems } from './job-data.ts'
import { clusterJob } from './job.ts'
import { CHUNK_SIZE, FORM_TIMEOUT_MS, GROWTH_CHUNKS, GROWTH_IDLE_MS, GROWTH_MEMBERSHIP, GROWTH_REPS, GROWTH_SETTLE_MS, GROWTH_SETTLE_PER_NODE_MS, NODE_INIT, POLL_MS, TOUCH_FN_TASK } from './settings.ts'
import type { JobFigures } from './job.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

export interface GrowthFigures {
  workers: number
  chunks: number
  formedMs: number
  /** median over the repetitions of wall ms / chunks */
  msPerChunk: number
  /** the same repetition's CPU ms of this process per chunk, and less the idle cluster's CPU over the job's time */
  cpuMsPerChunk: number
  cpuAboveIdleMsPerChunk: number
  /** the cluster's own CPU with no job, % of one core */
  idleCpuPercent: number
  /** CPU other processes on the machine took during that repetition, % of one core */
  outsideCpuPercent: number
  repsMsPerChunk: number[]
  /** chunks the job gave each worker, fewest and most */
  chunksPerWorker: { min: number, max: number }
  checksumOk: boolean
  notOnce: number
}

/** Starts `count` nodes one after another, each given the addresses of those already up (static discovery). */
async function startNodes (nodes: TestNodes, count: number): Promise<FoundationNode[]> {
  const clusterName = uniqueCluster('mr-growth')
  const started: FoundationNode[] = []
  for (let i = 0; i < count; i++) {
    const peers = started.flatMap(n => n.addresses())
    started.push(await nodes.start({ ...NODE_INIT, membership: GROWTH_MEMBERSHIP, clusterName, name: i === 0 ? 'coordinator' : `worker-${i}`, discovery: { mdns: false, ...(peers.length > 0 ? { static: peers } : {}) } }))
  }
  return started
}

export async function measureGrowth (workers: number, signal: AbortSignal): Promise<GrowthFigures> {
  const started = performance.now()
  const testNodes = new TestNodes()
  try {
    const nodes = await startNodes(testNodes, workers + 1)
    await waitFor(() => aliveCounts(nodes).every(n => n === workers + 1), FORM_TIMEOUT_MS, `${workers + 1} nodes count each other alive`, POLL_MS)
    const formedMs = Math.round(performance.now() - started)
    // connections open after membership is whole: none of their handshakes in the figures
    if (!(await waitMeshed(nodes, FORM_TIMEOUT_MS))) { throw new Error(`${workers + 1} nodes did not connect every pair within ${FORM_TIMEOUT_MS} ms`) }
    await delay(GROWTH_SETTLE_MS + GROWTH_SETTLE_PER_NODE_MS * (workers + 1))
    signal.throwIfAborted()
    const [coordinator, ...rest] = nodes
    for (const node of rest) { node.task(TOUCH_FN_TASK, (items: number[]) => touch(items)) }
    const names = new Map(nodes.map(n => [n.id, n.name]))
    const meter = new CpuMeter()
    const items = makeItems(GROWTH_CHUNKS * CHUNK_SIZE)
    let expected = 0
    for (let first = 0; first < items.length; first += CHUNK_SIZE) { expected = (expected + touch(items.slice(first, first + CHUNK_SIZE))) % 2 ** 32 }
    const job = async (list: number[]): Promise<JobFigures> => clusterJob(coordinator, TOUCH_FN_TASK, list, { chunkSize: CHUNK_SIZE, signal, meter, names })
    await job(items.slice(0, Math.max(workers * 20, 200) * CHUNK_SIZE))

    const idleBefore = await meter.read()
    const idleStarted = performance.now()
    await delay(GROWTH_IDLE_MS)
    const idleCpuPerMs = cpuBetween(idleBefore, await meter.read()).selfMs / (performance.now() - idleStarted)

    const reps: JobFigures[] = []
    for (let i = 0; i < GROWTH_REPS; i++) { reps.push(await job(items)) }
    const perChunk = reps.map(r => r.wallMs / r.chunks)
    const middle = reps[perChunk.indexOf(median(perChunk))]
    const counts = rest.map(n => middle.byNode[n.name] ?? 0)
    return {
      workers,
      chunks: middle.chunks,
      formedMs,
      msPerChunk: middle.wallMs / middle.chunks,
      cpuMsPerChunk: middle.cpu.selfMs / middle.chunks,
      cpuAboveIdleMsPerChunk: (middle.cpu.selfMs - idleCpuPerMs * middle.wallMs) / middle.chunks,
      idleCpuPercent: idleCpuPerMs * 100,
      outsideCpuPercent: 100 * outsideMs(middle.cpu) / middle.wallMs,
      repsMsPerChunk: perChunk,
      chunksPerWorker: { min: Math.min(...counts), max: Math.max(...counts) },
      checksumOk: reps.every(r => r.checksum === expected),
      notOnce: reps.reduce((n, r) => n + r.notOnce, 0)
    }
  } finally {
    await testNodes.stopAll()
  }
}
