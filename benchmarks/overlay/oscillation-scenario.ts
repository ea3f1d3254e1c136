// One seed of the overlay suite's oscillation part: a simulated cluster whose size swings around a topology threshold
// for a simulated hour, each node switching shape by the member count as its own membership has it. How often did
// nodes switch against how often the size really crossed a threshold (the policy fed the true count, with its
// hysteresis and no settling time), did the overlay ever split, and did broadcasts reach everyone meanwhile?
import { randomInt, seededRandom } from '../../src/membership/swim/random.ts'
import { TopologyPolicy } from '../../src/overlay/topology-policy.ts'
import { components } from '../../src/sim/overlay-metrics.ts'
import { OverlaySim } from '../../src/sim/overlay-sim.ts'
import type { SwitchingOverlay } from '../../src/overlay/switching/index.ts'
import type { Topology, TopologyThresholds } from '../../src/overlay/topology-policy.ts'
import type { OverlayNode } from '../../src/sim/overlay-sim.ts'

/** ms between two steps of the size; joins and leaves of one step happen at its start */
const STEP = 1000
const BROADCAST_EVERY = 10_000
/** ms a broadcast has to reach the nodes that were up when it was sent */
const BROADCAST_WINDOW = 10_000
const CHECK_EVERY = 5000
/** a node younger than this is still joining: it may not have a link yet, and a check does not count it apart */
const JOINING = 5000
const LINKS_EVERY = 60_000
const SETTLE_AFTER_GROWTH = 60_000

export interface OscillationInit {
  seed: number
  /** the size the cluster swings around: a threshold */
  centre: number
  /** share of `centre` it swings by each way (0.1: ±10%) */
  swing: number
  /** ms of one swing, up and back down */
  period: number
  /** ms of simulated time the swing lasts */
  duration: number
  thresholds: Partial<TopologyThresholds>
}

export interface OscillationFigures {
  seed: number
  sizeMin: number
  sizeMax: number
  /** times the size crossed `centre`, either way */
  centreCrossings: number
  /** switches the policy made fed the true size at once (its hysteresis, no settling): the real crossings */
  realCrossings: number
  /** switches of one node after it joined (the shape taken on joining is not one), at most over the nodes */
  switchesPerNodeMax: number
  /** nodes that switched more often than the size really crossed a threshold: should be none */
  nodesOverCrossings: number
  /** the most components among nodes past joining, over checks every 5 s, and the checks made */
  componentsMax: number
  checks: number
  /** share of the nodes up when a broadcast was sent, and still up 10 s later, that delivered it */
  reliabilityMin: number
  reliabilityMean: number
  broadcasts: number
  /** mean links per node by the shape the node was in, sampled every minute */
  linksByShape: Partial<Record<Topology, number>>
  /** per real crossing, ms from the first node's switch to the last one's, at most */
  switchSpreadMaxMs: number
  /** nodes still holding the links of the shape they left, at the end */
  stillSwitchingAtEnd: number
  realMs: number
  rssMb: number
}

interface Sent { id: string, at: number, cohort: OverlayNode[] }

export function runOscillation (init: OscillationInit): OscillationFigures {
  const started = performance.now()
  const { seed, centre, swing, period, duration, thresholds } = init
  const sim = new OverlaySim({ seed, shape: 'auto', switching: { thresholds } })
  const random = seededRandom(seed ^ 0x05c1)
  const joinedAt = new Map<OverlayNode, number>()
  const reference = new TopologyPolicy({ ...thresholds, settle: 0 })
  const crossings: number[] = []
  const observe = (): void => {
    if (reference.observe(sim.up().length, sim.now) != null) { crossings.push(sim.now) }
  }
  const join = (): void => {
    sim.grow(1, 0)
    joinedAt.set(sim.nodes[sim.nodes.length - 1], sim.now)
    observe()
  }

  const low = Math.round(centre * (1 - swing))
  for (let i = 0; i < low; i++) {
    join()
    sim.run(20)
  }
  sim.run(SETTLE_AFTER_GROWTH)

  const switchTimes: Array<{ at: number, node: OverlayNode }> = []
  const seenChanges = new Map<OverlayNode, number>()
  const noteSwitches = (): void => {
    for (const node of sim.nodes) {
      const seen = seenChanges.get(node) ?? 0
      for (let i = seen; i < node.changes.length; i++) {
        if (!node.changes[i].joining) { switchTimes.push({ at: sim.now, node }) }
      }
      seenChanges.set(node, node.changes.length)
    }
  }
  noteSwitches()

  const sent: Sent[] = []
  const reliabilities: number[] = []
  const links: Partial<Record<Topology, { sum: number, count: number }>> = {}
  let sizeMin = Infinity
  let sizeMax = 0
  let centreCrossings = 0
  let above = sim.up().length >= centre
  let componentsMax = 0
  let checks = 0
  const start = sim.now
  for (let t = 0; t <= duration; t += STEP) {
    const target = Math.round(centre * (1 - swing * Math.cos(2 * Math.PI * t / period)))
    while (sim.up().length < target) { join() }
    while (sim.up().length > target) {
      const up = sim.up()
      sim.leave([up[randomInt(random, up.length)]])
      observe()
    }
    const size = sim.up().length
    sizeMin = Math.min(sizeMin, size)
    sizeMax = Math.max(sizeMax, size)
    if ((size >= centre) !== above) {
      above = !above
      centreCrossings++
    }
    if (t % BROADCAST_EVERY === 0) {
      const up = sim.up()
      const id = `swing-${t}`
      sim.broadcastFrom(up[randomInt(random, up.length)], id)
      sent.push({ id, at: sim.now, cohort: up })
    }
    while (sent.length > 0 && sim.now - sent[0].at >= BROADCAST_WINDOW) {
      const { id, cohort } = sent.shift() as Sent
      const stayed = cohort.filter(node => node.up)
      reliabilities.push(stayed.filter(node => node.delivered.has(id)).length / stayed.length)
    }
    if (t % CHECK_EVERY === 0) {
      const now = sim.now
      componentsMax = Math.max(componentsMax, components(sim.nodes, id => sim.node(id), node => now - (joinedAt.get(node) ?? 0) >= JOINING))
      checks++
    }
    if (t % LINKS_EVERY === 0) {
      for (const node of sim.up()) {
        const shape = (node.overlay as SwitchingOverlay).shape
        const entry = links[shape] ?? (links[shape] = { sum: 0, count: 0 })
        entry.sum += node.overlay.activeCount
        entry.count++
      }
    }
    sim.run(STEP - ((sim.now - start) % STEP))
    noteSwitches()
  }

  const realCrossings = crossings.length
  const switchesOf = new Map<OverlayNode, number>()
  for (const { node } of switchTimes) { switchesOf.set(node, (switchesOf.get(node) ?? 0) + 1) }
  const perNode = [...switchesOf.values()]
  return {
    seed,
    sizeMin,
    sizeMax,
    centreCrossings,
    realCrossings,
    switchesPerNodeMax: Math.max(0, ...perNode),
    nodesOverCrossings: perNode.filter(count => count > realCrossings).length,
    componentsMax,
    checks,
    reliabilityMin: Math.min(...reliabilities),
    reliabilityMean: reliabilities.reduce((a, b) => a + b, 0) / reliabilities.length,
    broadcasts: reliabilities.length,
    linksByShape: Object.fromEntries(Object.entries(links).map(([shape, { sum, count }]) => [shape, Math.round(sum / count * 100) / 100])),
    switchSpreadMaxMs: spreadMax(switchTimes.map(s => s.at), crossings),
    stillSwitchingAtEnd: sim.up().filter(node => (node.overlay as SwitchingOverlay).switching).length,
    realMs: Math.round(performance.now() - started),
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20)
  }
}

/** Each node switch belongs to the last real crossing before it; the widest span of one crossing's switches. */
function spreadMax (switches: number[], crossings: number[]): number {
  let widest = 0
  for (let i = 0; i < crossings.length; i++) {
    const end = crossings[i + 1] ?? Infinity
    const own = switches.filter(at => at >= crossings[i] && at < end)
    if (own.length > 0) { widest = Math.max(widest, Math.max(...own) - Math.min(...own)) }
  }
  return widest
}
