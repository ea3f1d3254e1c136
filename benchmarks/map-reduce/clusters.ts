// The clusters the map-reduce runs use, each with the node that coordinates its jobs:
//   - one node in this process with the tasks and their pool: it coordinates its own jobs, each chunk a call to
//     itself answered in the process (no network)
//   - N node processes (benchmarks/map-reduce/worker-node.ts), each with its own pools, and a coordinator in this
//     process that registers no task, so runs no chunk: every chunk crosses TCP on 127.0.0.1 (noise, yamux)
// Every node listens on 127.0.0.1 and finds the others by static discovery (the workers are given the coordinator's
// addresses and learn each other from membership).
import { randomBytes } from 'node:crypto'
import { Foundation } from '../../src/index.ts'
import { NodeProcess, endAll } from '../lib/node-process.ts'
import { waitFor } from '../lib/util.ts'
import { CpuMeter } from './cpu.ts'
import { BURN_EXPORT, BURN_TASK, FORM_TIMEOUT_MS, NODE_INIT, POLL_MS, TASK_MODULE, TOUCH_EXPORT, TOUCH_TASK } from './settings.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const WORKER_SCRIPT = new URL('./worker-node.ts', import.meta.url).pathname
const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']

interface Status { members: number, running: number }

export interface ComputeCluster {
  coordinator: FoundationNode
  /** the node processes, empty for the one-node cluster */
  workers: NodeProcess[]
  /** the node processes' peer ids, by index */
  ids: string[]
  /** node names by peer id */
  names: Map<string, string>
  meter: CpuMeter
  /** ms from the first start until every node counted every member */
  formedMs: number
  close(): Promise<void>
}

function clusterName (prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

/** One node in this process, with both tasks on pools of `threads` threads: it coordinates and runs every chunk. */
export async function startOneNode (threads: number): Promise<ComputeCluster> {
  const started = performance.now()
  const node = await Foundation.start({ ...NODE_INIT, clusterName: clusterName('mr-one'), name: 'node-1', listen: LOOPBACK, discovery: { mdns: false } }) as FoundationNode
  node.task(BURN_TASK, { module: TASK_MODULE, export: BURN_EXPORT, threads })
  node.task(TOUCH_TASK, { module: TASK_MODULE, export: TOUCH_EXPORT, threads })
  return {
    coordinator: node,
    workers: [],
    ids: [],
    names: new Map([[node.id, node.name]]),
    meter: new CpuMeter(),
    formedMs: Math.round(performance.now() - started),
    close: async () => { await node.stop() }
  }
}

/** `count` node processes with pools of `threads` threads, and a coordinator in this process with no task. */
export async function startProcesses (count: number, threads: number, signal: AbortSignal): Promise<ComputeCluster> {
  const started = performance.now()
  const name = clusterName(`mr-${count}p`)
  const coordinator = await Foundation.start({ ...NODE_INIT, clusterName: name, name: 'coordinator', listen: LOOPBACK, discovery: { mdns: false } }) as FoundationNode
  const workers: NodeProcess[] = []
  const close = async (): Promise<void> => {
    await endAll(workers)
    await coordinator.stop()
  }
  try {
    const peers = coordinator.addresses().join(',')
    for (let i = 0; i < count; i++) {
      workers.push(new NodeProcess(WORKER_SCRIPT, i, { CLUSTER: name, NAME: `worker-${i + 1}`, PEERS: peers, THREADS: String(threads) }))
    }
    const lines = await Promise.all(workers.map(async w => w.started(FORM_TIMEOUT_MS)))
    await waitFor(async () => {
      signal.throwIfAborted()
      if (coordinator.membership.activeMembers().length !== count + 1) { return false }
      const statuses = await Promise.all(workers.map(async w => w.request<Status>('status')))
      return statuses.every(s => s.members === count + 1)
    }, FORM_TIMEOUT_MS, `${count} node processes and the coordinator count ${count + 1} members`, POLL_MS)
    const names = new Map(lines.map(line => [line.id, line.name]))
    names.set(coordinator.id, coordinator.name)
    return {
      coordinator,
      workers,
      ids: lines.map(line => line.id),
      names,
      meter: new CpuMeter(workers.map(w => w.pid).filter((pid): pid is number => pid != null)),
      formedMs: Math.round(performance.now() - started),
      close
    }
  } catch (err) {
    await close()
    throw err
  }
}
