// scale: how formation and idle cost grow with the cluster. 10, 30, 50 and 100 nodes in this process on the memory
// transport, and 10, 30 and 50 node processes on 127.0.0.1: time to full membership, then CPU (% of a core) and
// bytes per node per second over an idle window, and Foundation's suspicions and leaves from formation to the
// window's end (none is expected: nobody stops). Baseline in the same run: bare libp2p (identify, ping) nodes
// connected in the same full mesh.
import { makeResult, round2 } from '../lib/result.ts'
import { errorMessage } from '../lib/util.ts'
import { bareInProcess, foundationInProcess } from '../scale/in-process.ts'
import { BARE_NODE_SCRIPT, FOUNDATION_NODE_SCRIPT, measureProcesses } from '../scale/processes.ts'
import { scaleSettings, TARGETS } from '../scale/settings.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'
import type { ScaleFigures } from '../scale/in-process.ts'
import type { ScaleSettings } from '../scale/settings.ts'

type Topology = 'in one process' | 'processes'

interface Pair { topology: Topology, nodes: number, bare?: ScaleFigures, ours?: ScaleFigures }

function label (who: 'bare libp2p' | 'Foundation', topology: Topology, nodes: number): string {
  return topology === 'processes' ? `${who}, ${nodes} processes` : `${who}, ${nodes} nodes in one process`
}

/** Foundation's figure over the baseline's; undefined when either is missing. */
function ratio (ours: number | null | undefined, bare: number | null | undefined): number | undefined {
  return ours != null && bare != null && bare > 0 ? round2(ours / bare) : undefined
}

async function measure (name: string, notes: string[], fn: () => Promise<ScaleFigures>): Promise<ScaleFigures | undefined> {
  try {
    const figures = await fn()
    if (figures.fullMs == null) { notes.push(`${name} did not form: ${figures.details ?? ''}`) }
    return figures
  } catch (err) {
    notes.push(`${name} not measured: ${errorMessage(err)}`)
    return undefined
  }
}

interface Versus { fullMs?: number, cpu?: number, bytes?: number }

/** Foundation over bare libp2p: time to full membership, idle CPU and bytes per node. */
function versus (ours: ScaleFigures, bare: ScaleFigures): Versus {
  return { fullMs: ratio(ours.fullMs, bare.fullMs), cpu: ratio(ours.cpuPercentPerNode, bare.cpuPercentPerNode), bytes: ratio(ours.bytesPerSecondPerNode, bare.bytesPerSecondPerNode) }
}

function subjectOf (name: string, figures: ScaleFigures, vsBare?: Versus): SubjectResult {
  return { subject: name, value: figures.fullMs ?? Number.NaN, ...figures, ...(vsBare != null ? { vsBare } : {}) }
}

function settingNotes (settings: ScaleSettings): string[] {
  return [
    `value = ms from the first node's start (in one process) or spawn (processes, module loading included) until every node counts every node alive (bare libp2p: is connected to every other); then ${settings.settleMs / 1000} s to settle and an idle window of ${settings.windowMs / 1000} s (BENCH_SCALE_WINDOW_MS)`,
    'in one process: @libp2p/memory with noise and yamux; Foundation nodes are given the first node\'s address (static discovery) and learn the rest from membership; bare libp2p nodes (identify, ping, libp2p\'s defaults) each dial every other; CPU per node = process.cpuUsage() over the window / nodes, bytes = what the nodes\' raw connections sent and received (under noise), per node per second',
    'processes: one per node on 127.0.0.1, each given every other\'s address; Foundation: benchmarks/scale/foundation-node.ts (development profile, HTTP off, default membership); bare libp2p: benchmarks/idle/libp2p-node.ts (tcp, noise, yamux, identify, ping, libp2p\'s defaults, including 5 inbound connections per second per host); CPU and bytes (rchar + wchar) from /proc, median over the processes',
    'meshMs: Foundation, ms until every node also held a connection to every other (membership news spreads faster than connections open); formationSuspicions: member:suspect events all Foundation nodes saw until then',
    'suspicions / leaves: member:suspect and member:leave events seen by all Foundation nodes from the full mesh to the end of the window; in a cluster that nobody stops, each is a false suspicion',
    `formation gives up after ${settings.formTimeoutMs / 1000} s (BENCH_SCALE_FORM_TIMEOUT_MS)`
  ]
}

/** Both subjects at every size, the baseline first, in this process and then as processes. */
async function measureAll (settings: ScaleSettings, notes: string[]): Promise<Pair[]> {
  const pairs: Pair[] = []
  const runs: Array<[Topology, number[], (nodes: number) => Promise<ScaleFigures>, (nodes: number) => Promise<ScaleFigures>]> = [
    ['in one process', settings.inProcessSizes, async (n) => bareInProcess(n, settings), async (n) => foundationInProcess(n, settings)],
    ['processes', settings.processSizes, async (n) => measureProcesses(n, BARE_NODE_SCRIPT, settings), async (n) => measureProcesses(n, FOUNDATION_NODE_SCRIPT, settings)]
  ]
  for (const [topology, sizes, bare, ours] of runs) {
    for (const nodes of sizes) {
      const pair: Pair = { topology, nodes }
      pair.bare = await measure(label('bare libp2p', topology, nodes), notes, async () => bare(nodes))
      pair.ours = await measure(label('Foundation', topology, nodes), notes, async () => ours(nodes))
      pairs.push(pair)
    }
  }
  return pairs
}

/** The subjects that formed, Foundation's with its ratios to the baseline; a note on each Foundation cluster. */
function resultsOf (pairs: Pair[], notes: string[]): SubjectResult[] {
  const results: SubjectResult[] = []
  for (const { topology, nodes, bare, ours } of pairs) {
    if (bare?.fullMs != null) { results.push(subjectOf(label('bare libp2p', topology, nodes), bare)) }
    if (ours?.fullMs == null) { continue }
    const r = bare?.fullMs != null ? versus(ours, bare) : undefined
    results.push(subjectOf(label('Foundation', topology, nodes), ours, r))
    notes.push(`${label('Foundation', topology, nodes)}: full in ${ours.fullMs} ms (full mesh ${ours.meshMs ?? 'not reached'} ms, ${ours.formationSuspicions ?? 'n/a'} suspicions until then), ${ours.cpuPercentPerNode}% of a core and ${ours.bytesPerSecondPerNode} B/s per idle node, ${ours.suspicions} suspicions and ${ours.leaves} leaves in the window; over bare libp2p: time ${r?.fullMs ?? 'n/a'}, CPU ${r?.cpu ?? 'n/a'}, bytes ${r?.bytes ?? 'n/a'}`)
  }
  return results
}

/** true when every target was met, false when one was missed, null when a size a target names was not run. */
function targetsMet (pairs: Pair[]): boolean | null {
  const find = (topology: Topology, nodes: number): Pair | undefined => pairs.find(p => p.topology === topology && p.nodes === nodes)
  const inProcess = find('in one process', TARGETS.inProcessFullMs.nodes)
  const fifty = find('processes', TARGETS.processesFullMs.nodes)
  if (inProcess == null || fifty == null) { return null }
  return (inProcess.ours?.fullMs ?? Infinity) <= TARGETS.inProcessFullMs.ms &&
    (fifty.ours?.fullMs ?? Infinity) <= TARGETS.processesFullMs.ms &&
    (fifty.ours?.cpuPercentPerNode ?? Infinity) <= TARGETS.cpuPercentAt50 &&
    // every Foundation cluster formed and saw no suspicion or leave
    pairs.every(p => p.ours?.fullMs != null && p.ours.suspicions === 0 && p.ours.leaves === 0)
}

export async function run (): Promise<BenchResult> {
  const settings = scaleSettings()
  const notes = settingNotes(settings)
  const pairs = await measureAll(settings, notes)
  const results = resultsOf(pairs, notes)
  const fifty = pairs.find(p => p.topology === 'processes' && p.nodes === TARGETS.processesFullMs.nodes)
  return makeResult({
    name: 'scale',
    unit: 'ms to full membership',
    results,
    ratio: ratio(fifty?.ours?.fullMs, fifty?.bare?.fullMs) ?? null,
    ratioOf: `Foundation / bare libp2p, time to full membership, ${TARGETS.processesFullMs.nodes} processes (lower is better; per-size time, CPU and byte ratios in the notes)`,
    target: `${TARGETS.inProcessFullMs.nodes} nodes in one process full <= ${TARGETS.inProcessFullMs.ms / 1000} s; ${TARGETS.processesFullMs.nodes} processes full <= ${TARGETS.processesFullMs.ms / 1000} s and <= ${TARGETS.cpuPercentAt50}% of a core per idle node; zero false suspicions`,
    met: targetsMet(pairs),
    notes
  })
}
