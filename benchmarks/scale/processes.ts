// The scale benchmark's clusters of node processes on 127.0.0.1, each process given every other's address: time to
// full membership from the first spawn, then each process's CPU and socket bytes over an idle window from /proc,
// and (Foundation) every suspect and leave event its node saw from formation to the window's end.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { procUsage } from '../lib/proc-usage.ts'
import { startProcessCluster } from '../lib/process-cluster.ts'
import { round2 } from '../lib/result.ts'
import { median, now } from '../lib/stats.ts'
import { delay } from '../lib/util.ts'
import type { ScaleFigures } from './in-process.ts'
import type { ScaleSettings } from './settings.ts'
import type { TroubleEvent } from '../lib/member-trouble.ts'
import type { NodeProcess } from '../lib/node-process.ts'

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const FOUNDATION_NODE_SCRIPT = path.join(HERE, 'foundation-node.ts')
export const BARE_NODE_SCRIPT = path.join(HERE, '..', 'idle', 'libp2p-node.ts')

const MESH_POLL_MS = 500

interface AliveAnswer { alive: number, members: Array<{ name: string, status: string }> }

/** Per node, how many it counts alive; and the members most nodes are missing. */
export async function describeAlive (nodes: NodeProcess[], count: number): Promise<string> {
  const answers = await Promise.all(nodes.map(async n => n.request<AliveAnswer>('alive', {}, 10_000).catch(() => undefined)))
  const counts = answers.map(a => a?.alive ?? 0)
  const seenAlive = new Map<string, number>()
  for (const answer of answers) {
    for (const m of answer?.members ?? []) {
      if (m.status === 'alive') { seenAlive.set(m.name, (seenAlive.get(m.name) ?? 0) + 1) }
    }
  }
  const missing = nodes.map(n => `node-${n.index}`).filter(name => (seenAlive.get(name) ?? 0) < count)
    .map(name => `${name} (alive to ${seenAlive.get(name) ?? 0})`).slice(0, 10)
  return `${counts.filter(c => c === count).length} of ${count} nodes count ${count} alive; smallest ${Math.min(...counts)}, median ${median(counts)}; not alive everywhere: ${missing.join(', ') || 'none'}`
}

/** The suspect and leave events every node saw since it was last asked to reset. */
export async function troubleOf (nodes: NodeProcess[], reset = false): Promise<TroubleEvent[]> {
  const answers = await Promise.all(nodes.map(async n => n.request<{ events: TroubleEvent[] }>('trouble', { reset }, 10_000)))
  return answers.flatMap(a => a.events)
}

/** Resolves true once every process holds a connection to every other, false after timeoutMs. */
export async function waitMeshedProcesses (nodes: NodeProcess[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const answers = await Promise.all(nodes.map(async n => n.request<{ peers: number }>('connections', {}, 10_000)))
    if (answers.every(a => a.peers === nodes.length - 1)) { return true }
    if (Date.now() > deadline) { return false }
    await delay(MESH_POLL_MS)
  }
}

export async function measureProcesses (count: number, script: string, settings: ScaleSettings): Promise<ScaleFigures> {
  const foundation = script === FOUNDATION_NODE_SCRIPT
  const cluster = await startProcessCluster({
    nodes: count,
    script,
    clusterPrefix: foundation ? 'bench-scale' : 'bench-scale-bare',
    membership: {},
    timeoutMs: settings.formTimeoutMs,
    diagnose: foundation ? async (nodes) => describeAlive(nodes, count) : undefined
  })
  try {
    let meshMs: number | undefined
    let formationSuspicions: number | undefined
    if (foundation) {
      const formation = await troubleOf(cluster.nodes, true)
      // the window starts once the full mesh is up: until then members are still dialling each other
      const meshed = await waitMeshedProcesses(cluster.nodes, settings.formTimeoutMs)
      meshMs = meshed ? Math.round(now() - cluster.startedAt) : undefined
      formationSuspicions = [...formation, ...await troubleOf(cluster.nodes, true)].filter(e => e.type === 'suspect').length
    }
    await delay(settings.settleMs)
    const pids = cluster.nodes.map(n => n.pid as number)
    const before = await Promise.all(pids.map(procUsage))
    const t0 = now()
    await delay(settings.windowMs)
    const after = await Promise.all(pids.map(procUsage))
    const seconds = (now() - t0) / 1000
    const cpu = after.map((a, i) => (a.cpuSeconds - before[i].cpuSeconds) / seconds * 100)
    const bytes = after.map((a, i) => (a.bytes - before[i].bytes) / seconds)
    const events = foundation ? await troubleOf(cluster.nodes) : []
    const suspicions = events.filter(e => e.type === 'suspect')
    return {
      nodes: count,
      fullMs: cluster.formedMs,
      cpuPercentPerNode: round2(median(cpu)),
      bytesPerSecondPerNode: Math.round(median(bytes)),
      ...(foundation
        ? {
            ...(meshMs != null ? { meshMs } : {}),
            formationSuspicions,
            suspicions: suspicions.length,
            leaves: events.length - suspicions.length,
            details: events.slice(0, 5).map(e => `${e.observer} saw ${e.member} ${e.type} (${e.status}) at ${e.atMs} ms`).join('; ')
          }
        : {})
    }
  } finally {
    await cluster.close()
  }
}
