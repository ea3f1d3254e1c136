// idle: what a cluster costs while it does nothing. 5 node processes on 127.0.0.1 formed into one cluster, then left
// alone for a window: each process's CPU (% of a core) and bytes through its sockets per second, read from /proc.
// Baseline in the same run: 5 bare libp2p processes (tcp, noise, yamux, identify, ping) connected the same way.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE_SCRIPT, SETUP_TIMEOUT_MS } from '../distributed/settings.ts'
import { startProcessCluster } from '../lib/process-cluster.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { median } from '../lib/stats.ts'
import { delay, errorMessage } from '../lib/util.ts'
import type { ProcessCluster } from '../lib/process-cluster.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

const NODES = 5
/** after formation, before measuring: joins' one-off work (syncs, first reports, reads of names) settles */
const SETTLE_MS = 10_000
const WINDOW_MS = 20_000
/** the figure: an idle node at 5 nodes */
const TARGET_PERCENT = 0.5
const LIBP2P_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'idle', 'libp2p-node.ts')
/** clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux) */
const CLOCK_TICKS = 100

interface Sample { cpuTicks: number, bytes: number }

/** CPU ticks (user + system) and bytes read and written through syscalls (sockets, mostly) of one process. */
async function sample (pid: number): Promise<Sample> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // the fields after the command name, which may hold spaces, inside parentheses
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const cpuTicks = Number(fields[11]) + Number(fields[12])
  const io = await readFile(`/proc/${pid}/io`, 'utf8')
  const value = (key: string): number => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(io)?.[1] ?? 0)
  return { cpuTicks, bytes: value('rchar') + value('wchar') }
}

interface IdleFigures { cpuPercent: number[], bytesPerSecond: number[], formedMs: number }

async function measure (script: string, prefix: string): Promise<IdleFigures> {
  let cluster: ProcessCluster | undefined
  try {
    cluster = await startProcessCluster({ nodes: NODES, script, clusterPrefix: prefix, membership: {}, timeoutMs: SETUP_TIMEOUT_MS })
    await delay(SETTLE_MS)
    const pids = cluster.nodes.map(n => n.pid as number)
    const before = await Promise.all(pids.map(sample))
    const t0 = performance.now()
    await delay(WINDOW_MS)
    const after = await Promise.all(pids.map(sample))
    const seconds = (performance.now() - t0) / 1000
    return {
      cpuPercent: after.map((a, i) => round2((a.cpuTicks - before[i].cpuTicks) / CLOCK_TICKS / seconds * 100)),
      bytesPerSecond: after.map((a, i) => Math.round((a.bytes - before[i].bytes) / seconds)),
      formedMs: cluster.formedMs
    }
  } finally {
    await cluster?.close()
  }
}

function subject (name: string, figures: IdleFigures): SubjectResult {
  return {
    subject: name,
    value: median(figures.cpuPercent),
    cpuPercentPerNode: figures.cpuPercent,
    bytesPerSecondPerNode: figures.bytesPerSecond,
    medianBytesPerSecond: median(figures.bytesPerSecond),
    formedMs: figures.formedMs
  }
}

export async function run (): Promise<BenchResult> {
  const notes = [
    `${NODES} node processes on 127.0.0.1, each given the others' addresses; after formation and ${SETTLE_MS / 1000} s to settle, ${WINDOW_MS / 1000} s untouched; value = median over the nodes of CPU (user + system, from /proc/PID/stat) in % of one core`,
    'bytes: read and written through syscalls per second (rchar + wchar of /proc/PID/io): loopback traffic, both directions, plus a few bytes of stdio',
    'Foundation: benchmarks/distributed/node.ts, the development profile with the HTTP endpoint off (so metrics off) and tracing on; no actors',
    'bare libp2p: benchmarks/idle/libp2p-node.ts, tcp + noise + yamux + identify + ping, libp2p\'s defaults (its connection monitor pings every connection every 10 s), dialling the same peers'
  ]
  const results: SubjectResult[] = []
  for (const [name, script, prefix] of [['bare libp2p', LIBP2P_SCRIPT, 'bench-idle-libp2p'], ['Foundation', NODE_SCRIPT, 'bench-idle']] as const) {
    try {
      results.push(subject(name, await measure(script, prefix)))
    } catch (err) {
      notes.push(`${name} subject not measured: ${errorMessage(err)}`)
    }
  }
  const ours = results.find(r => r.subject === 'Foundation')
  const bare = results.find(r => r.subject === 'bare libp2p')
  if (ours != null && bare != null) {
    notes.push(`Foundation / bare libp2p: CPU ${round2(ours.value / bare.value)}, bytes ${round2(Number(ours.medianBytesPerSecond) / Number(bare.medianBytesPerSecond))}`)
  }
  return makeResult({
    name: 'idle',
    unit: '% of a core per node',
    results,
    ratio: ours != null && bare != null ? round2(ours.value / bare.value) : null,
    ratioOf: 'Foundation CPU / bare libp2p CPU (lower is better)',
    target: `Foundation <= ${TARGET_PERCENT}% of a core per node at ${NODES} nodes`,
    met: ours != null ? ours.value <= TARGET_PERCENT : null,
    notes
  })
}
