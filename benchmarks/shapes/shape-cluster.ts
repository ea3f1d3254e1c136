// One cluster in one shape (full mesh or partial views), in this process on the memory transport: time to full
// membership, then, over an idle window, connections per node, CPU and transport bytes per node and the false
// suspicions, and last the latency of publications from one node to every other.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { MemberTrouble } from '../lib/member-trouble.ts'
import { aliveCounts, linkedCounts, startMemoryCluster, waitFormed } from '../lib/memory-cluster.ts'
import { round2 } from '../lib/result.ts'
import { mean, median, now, percentile } from '../lib/stats.ts'
import { delay } from '../lib/util.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { FoundationInit } from '../../src/index.ts'

export type Shape = 'full-mesh' | 'partial-view'

export interface ShapeSettings {
  /** after formation, before the window: joins' one-off work settles */
  settleMs: number
  /** connections, CPU, bytes and suspicions are measured over it */
  windowMs: number
  /** longest wait for full membership */
  formTimeoutMs: number
  /** publications timed, one every publishEveryMs */
  publications: number
  publishEveryMs: number
  /** merged into every node's membership settings (its failure detector's timings, say) */
  membership?: FoundationInit['membership']
}

export interface ShapeFigures {
  shape: Shape
  nodes: number
  /** ms from the first start until every node counted every node alive; null when it did not within the timeout */
  fullMs: number | null
  connectionsMean?: number
  connectionsMax?: number
  cpuPercentPerNode?: number
  bytesPerSecondPerNode?: number
  loopDelayP99Ms?: number
  /** member:suspect events all nodes saw in the window: in a cluster nobody stops, each one is false */
  suspicions?: number
  publishP50Ms?: number
  publishP99Ms?: number
  /** publications some subscriber never received, summed over the subscribers */
  publicationsMissed?: number
  details?: string
}

/** Connections per node sampled each second over the window, with the process's CPU and the nodes' bytes. */
async function idleWindow (nodes: FoundationNode[], bytesTotal: () => number, windowMs: number): Promise<Partial<ShapeFigures>> {
  const loop = monitorEventLoopDelay({ resolution: 20 })
  const samples: number[] = []
  let max = 0
  const bytesBefore = bytesTotal()
  const cpuBefore = process.cpuUsage()
  const t0 = now()
  loop.enable()
  while (now() - t0 < windowMs) {
    await delay(1000)
    const counts = linkedCounts(nodes)
    samples.push(mean(counts))
    max = Math.max(max, ...counts)
  }
  loop.disable()
  const cpu = process.cpuUsage(cpuBefore)
  const seconds = (now() - t0) / 1000
  return {
    connectionsMean: round2(mean(samples)),
    connectionsMax: max,
    cpuPercentPerNode: round2((cpu.user + cpu.system) / 1e6 / seconds * 100 / nodes.length),
    bytesPerSecondPerNode: Math.round((bytesTotal() - bytesBefore) / seconds / nodes.length),
    loopDelayP99Ms: round2(loop.percentile(99) / 1e6)
  }
}

/** Every node subscribes; the first publishes, and each delivery is timed from the publish call. */
async function publishLatency (nodes: FoundationNode[], settings: ShapeSettings): Promise<Partial<ShapeFigures>> {
  const topic = 'bench-shapes'
  const sentAt = new Map<number, number>()
  const latencies: number[] = []
  const subscribers = nodes.slice(1)
  const received = subscribers.map(() => new Set<number>())
  const subscriptions = subscribers.map((node, i) => node.pubsub.subscribe<number>(topic, (n) => {
    const at = sentAt.get(n)
    if (at != null && !received[i].has(n)) { latencies.push(now() - at) }
    received[i].add(n)
  }))
  try {
    // gossipsub learns the subscriptions and grafts its meshes at its heartbeats
    await delay(5000)
    for (let n = 0; n < settings.publications; n++) {
      sentAt.set(n, now())
      await nodes[0].pubsub.publish(topic, n)
      await delay(settings.publishEveryMs)
    }
    await delay(5000)
  } finally {
    for (const s of subscriptions) { s.unsubscribe() }
  }
  const missed = received.reduce((sum, set) => sum + settings.publications - set.size, 0)
  return {
    publishP50Ms: latencies.length > 0 ? round2(percentile(latencies, 50)) : undefined,
    publishP99Ms: latencies.length > 0 ? round2(percentile(latencies, 99)) : undefined,
    publicationsMissed: missed
  }
}

export async function measureShape (shape: Shape, count: number, settings: ShapeSettings): Promise<ShapeFigures> {
  const t0 = now()
  // noise left out: in one process its handshakes and ciphers would take most of the one core every node shares
  const cluster = await startMemoryCluster({
    nodes: count,
    clusterPrefix: `bench-${shape}`,
    encryption: 'plaintext',
    init: { overlay: { topology: shape }, ...(settings.membership != null ? { membership: settings.membership } : {}) }
  })
  const trouble = new MemberTrouble(cluster.nodes)
  try {
    const formed = await waitFormed(cluster.nodes, settings.formTimeoutMs)
    if (!formed) {
      const alive = aliveCounts(cluster.nodes)
      return { shape, nodes: count, fullMs: null, details: `${alive.filter(c => c === count).length} of ${count} nodes counted every node alive; median count ${median(alive)}; ${trouble.describe(5)}` }
    }
    const fullMs = Math.round(now() - t0)
    await delay(settings.settleMs)
    trouble.reset()
    const window = await idleWindow(cluster.nodes, () => cluster.bytes.reduce((sum, b) => sum + b.total, 0), settings.windowMs)
    const suspicions = trouble.count('suspect')
    const details = trouble.describe(5)
    const publishing = await publishLatency(cluster.nodes, settings)
    return { shape, nodes: count, fullMs, ...window, suspicions, ...publishing, details }
  } finally {
    trouble.close()
    await cluster.close()
  }
}
