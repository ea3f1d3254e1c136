// Partial views against the full mesh: per size, one cluster in each shape, in this process on the memory transport.
// Connections per node, CPU and bytes per idle node, false suspicions and publication latency, side by side; the
// sizes show how each cost grows. Past FULL_MESH_AT_MOST nodes only partial views run: a full mesh of 200 in one
// process would hold 19,900 connections. The environment shortens a run: BENCH_SHAPES_SIZES=30
// BENCH_SHAPES_WINDOW_MS=10000.
import { SECOND } from '../../src/config/units.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { measureShape } from '../shapes/shape-cluster.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'
import type { Shape, ShapeFigures, ShapeSettings } from '../shapes/shape-cluster.ts'

/** the figure: O(log N) connections per node, at most 10 at 200 members */
const MAX_PARTIAL_CONNECTIONS = 10
/** the largest full mesh run; its connections per node at a larger size are N - 1 by construction */
const FULL_MESH_AT_MOST = 60
/**
 * The production profile's failure detector at every size: 200 nodes forming at once saturate the one core for
 * about two minutes, with event-loop delays of seconds, and the development profile's 1 s suspicions, made for a few
 * nodes on a LAN, then declare live nodes dead
 */
const MEMBERSHIP = { probeTimeout: 500, suspectTimeout: 10 * SECOND }
/** ms to settle per node after full membership (see settleFor) */
const SETTLE_PER_NODE = 750

function settingsFrom (env: NodeJS.ProcessEnv): { sizes: number[], settings: ShapeSettings } {
  const sizes = (env.BENCH_SHAPES_SIZES ?? '30,60,200').split(',').map(Number).filter(n => Number.isInteger(n) && n > 1)
  const windowMs = Number(env.BENCH_SHAPES_WINDOW_MS ?? 20 * SECOND)
  return {
    sizes,
    settings: { settleMs: 10 * SECOND, windowMs, formTimeoutMs: 240 * SECOND, publications: 50, publishEveryMs: 40, membership: MEMBERSHIP }
  }
}

/**
 * Full membership comes before the joins' work is done: at 200 nodes the one core stays saturated for about two
 * minutes after it (loop delays of seconds), and a window then measures the forming, not the idle cluster
 */
function settleFor (nodes: number, settings: ShapeSettings): ShapeSettings {
  return { ...settings, settleMs: Math.max(settings.settleMs, nodes * SETTLE_PER_NODE) }
}

const LABEL: Record<Shape, string> = { 'full-mesh': 'full mesh', 'partial-view': 'partial views' }

function subjectOf (figures: ShapeFigures): SubjectResult {
  return { subject: `${LABEL[figures.shape]}, ${figures.nodes} nodes`, value: figures.connectionsMean ?? Number.NaN, ...figures }
}

function noteOf (f: ShapeFigures): string {
  if (f.fullMs == null) { return `${LABEL[f.shape]}, ${f.nodes} nodes: did not form within the timeout (${f.details ?? ''})` }
  return `${LABEL[f.shape]}, ${f.nodes} nodes: full in ${f.fullMs} ms; ${f.connectionsMean} connections per node (max ${f.connectionsMax}); ` +
    `${f.cpuPercentPerNode}% of a core and ${f.bytesPerSecondPerNode} B/s per idle node; ${f.suspicions} false suspicions in the window; ` +
    `publication to every node p50 ${f.publishP50Ms} ms, p99 ${f.publishP99Ms} ms, ${f.publicationsMissed} deliveries missed; loop delay p99 ${f.loopDelayP99Ms} ms`
}

export async function run (): Promise<BenchResult> {
  const { sizes, settings } = settingsFrom(process.env)
  const figures: ShapeFigures[] = []
  for (const nodes of sizes) {
    const shapes = nodes <= FULL_MESH_AT_MOST ? ['full-mesh', 'partial-view'] as const : ['partial-view'] as const
    for (const shape of shapes) {
      figures.push(await measureShape(shape, nodes, settleFor(nodes, settings)))
    }
  }
  const compared = Math.max(...sizes.filter(n => n <= FULL_MESH_AT_MOST))
  const at = (shape: Shape): ShapeFigures | undefined => figures.find(f => f.shape === shape && f.nodes === compared)
  const mesh = at('full-mesh')?.connectionsMean
  const partial = at('partial-view')?.connectionsMean
  const partials = figures.filter(f => f.shape === 'partial-view')
  return makeResult({
    name: 'partial-view',
    unit: 'connections per node (mean over the idle window)',
    results: figures.map(subjectOf),
    ratio: mesh != null && partial != null ? round2(mesh / partial) : null,
    ratioOf: `full mesh / partial views, connections per node at ${compared} nodes (higher is better; CPU, bytes, suspicions and latency in the notes)`,
    target: `partial views: <= ${MAX_PARTIAL_CONNECTIONS} connections per node at every size run (${sizes.join(', ')}), every cluster formed`,
    met: partials.length > 0 && partials.every(f => f.fullMs != null && (f.connectionsMean ?? Infinity) <= MAX_PARTIAL_CONNECTIONS),
    notes: [
      `one process, @libp2p/memory with yamux and without noise (plaintext): noise's handshakes and ciphers took most of the one core all nodes share; each node is given the first node's address; ${settings.settleMs / 1000} s to settle after full membership (${SETTLE_PER_NODE} ms per node past that: ${sizes.map(n => settleFor(n, settings).settleMs / 1000).join(', ')} s), then an idle window of ${settings.windowMs / 1000} s`,
      `failure detector: probe timeout ${MEMBERSHIP.probeTimeout} ms, suspicions ${MEMBERSHIP.suspectTimeout / 1000} s (the production profile's); full mesh run up to ${FULL_MESH_AT_MOST} nodes, beyond which its connections per node are N - 1 by construction`,
      `publication latency: every node but the first subscribes, the first publishes ${settings.publications} messages ${settings.publishEveryMs} ms apart, each delivery timed from its publish call`,
      ...figures.map(noteOf)
    ]
  })
}
