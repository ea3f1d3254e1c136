// The scale benchmark's clusters in this process, on the memory transport: Foundation nodes formed from one seed
// address, and bare libp2p nodes dialling each other. Time to full membership, then CPU and transport bytes per node
// over an idle window, and (Foundation) every suspect and leave event from formation to the window's end.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { MemberTrouble } from '../lib/member-trouble.ts'
import { aliveCounts, startMemoryCluster, waitFormed, waitMeshed } from '../lib/memory-cluster.ts'
import { round2 } from '../lib/result.ts'
import { median, now } from '../lib/stats.ts'
import { delay } from '../lib/util.ts'
import { connectedCounts, startBareMemoryCluster } from './bare-memory-cluster.ts'
import type { ScaleSettings } from './settings.ts'
import type { ByteCounter } from '../lib/counted-transports.ts'

/** What one cluster of one size showed; the idle figures are missing when it did not form. */
export interface ScaleFigures {
  nodes: number
  /** ms from the first start until every node counted every node alive (connected to every other, for bare libp2p) */
  fullMs: number | null
  /** ms until every node had started */
  startedMs?: number
  cpuPercentPerNode?: number
  bytesPerSecondPerNode?: number
  /** Foundation only: ms until every node held a connection to every other (after full membership) */
  meshMs?: number
  /** Foundation only: member:suspect events seen by all nodes until the full mesh, none of them true */
  formationSuspicions?: number
  /** Foundation only: member:suspect events seen by all nodes from the full mesh to the end of the window */
  suspicions?: number
  /** Foundation only: member:leave events, likewise */
  leaves?: number
  /** the first few of them, or what was missing when the cluster did not form */
  details?: string
  /** event-loop delay in this process during the idle window, ms */
  loopDelayP99Ms?: number
  /** CPU seconds the whole process spent until full (or until it gave up) */
  formationCpuSeconds?: number
}

interface Window { cpuPercentPerNode: number, bytesPerSecondPerNode: number, loopDelayP99Ms: number }

/** CPU of this whole process over the window divided by the node count; bytes per node per second. */
async function idleWindow (count: number, bytes: ByteCounter[], settings: ScaleSettings): Promise<Window> {
  await delay(settings.settleMs)
  const loop = monitorEventLoopDelay({ resolution: 20 })
  const bytesBefore = bytes.reduce((sum, b) => sum + b.total, 0)
  const cpuBefore = process.cpuUsage()
  const t0 = now()
  loop.enable()
  await delay(settings.windowMs)
  loop.disable()
  const cpu = process.cpuUsage(cpuBefore)
  const seconds = (now() - t0) / 1000
  return {
    cpuPercentPerNode: round2((cpu.user + cpu.system) / 1e6 / seconds * 100 / count),
    bytesPerSecondPerNode: Math.round((bytes.reduce((sum, b) => sum + b.total, 0) - bytesBefore) / seconds / count),
    loopDelayP99Ms: round2(loop.percentile(99) / 1e6)
  }
}

function cpuSecondsSince (start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start)
  return round2((used.user + used.system) / 1e6)
}

/** How far from full a cluster got: nodes at full count, the smallest and median counts. */
function shortfall (counts: number[], full: number, what: string): string {
  return `${counts.filter(c => c === full).length} of ${counts.length} nodes ${what} ${full}; smallest ${Math.min(...counts)}, median ${median(counts)}`
}

export async function foundationInProcess (count: number, settings: ScaleSettings): Promise<ScaleFigures> {
  const cpuStart = process.cpuUsage()
  const t0 = now()
  const cluster = await startMemoryCluster({ nodes: count, clusterPrefix: 'bench-scale' })
  const trouble = new MemberTrouble(cluster.nodes)
  try {
    const formed = await waitFormed(cluster.nodes, settings.formTimeoutMs)
    const fullMs = Math.round(now() - t0)
    const formationCpuSeconds = cpuSecondsSince(cpuStart)
    if (!formed) {
      return { nodes: count, fullMs: null, startedMs: cluster.startedMs, formationCpuSeconds, details: `${shortfall(aliveCounts(cluster.nodes), count, 'counted alive')}; ${trouble.describe(5)}` }
    }
    // the window starts once the full mesh is up: until then members are still dialling each other
    const meshed = await waitMeshed(cluster.nodes, settings.formTimeoutMs)
    const meshMs = meshed ? Math.round(now() - t0) : undefined
    const formationSuspicions = trouble.count('suspect')
    trouble.reset()
    const window = await idleWindow(count, cluster.bytes, settings)
    return {
      nodes: count,
      fullMs,
      ...(meshMs != null ? { meshMs } : {}),
      formationSuspicions,
      startedMs: cluster.startedMs,
      formationCpuSeconds,
      ...window,
      suspicions: trouble.count('suspect'),
      leaves: trouble.count('leave'),
      details: trouble.describe(5)
    }
  } finally {
    trouble.close()
    await cluster.close()
  }
}

export async function bareInProcess (count: number, settings: ScaleSettings): Promise<ScaleFigures> {
  const cpuStart = process.cpuUsage()
  const t0 = now()
  const cluster = await startBareMemoryCluster(count, 'bench-scale-bare')
  const startedMs = Math.round(now() - t0)
  try {
    const full = await cluster.waitFull(settings.formTimeoutMs)
    const fullMs = Math.round(now() - t0)
    const formationCpuSeconds = cpuSecondsSince(cpuStart)
    if (!full) {
      return { nodes: count, fullMs: null, startedMs, formationCpuSeconds, details: shortfall(connectedCounts(cluster.nodes), count - 1, 'connected to') }
    }
    return { nodes: count, fullMs, startedMs, formationCpuSeconds, ...(await idleWindow(count, cluster.bytes, settings)) }
  } finally {
    await cluster.close()
  }
}
