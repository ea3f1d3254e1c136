// One seed of the overlay suite: 10,000 simulated nodes bootstrap, broadcast 100 messages from one sender (Plumtree
// over HyParView, and flooding over the same overlay as the baseline), lose half their number at once, heal, and
// are cut in two and healed again. A crash sweep runs separately: one fresh overlay per share crashed.
import { randomInt, seededRandom } from '../../src/membership/swim/random.ts'
import { components, floodBroadcast, plumtreeBroadcasts, symmetricShare } from '../../src/sim/overlay-metrics.ts'
import { OverlaySim } from '../../src/sim/overlay-sim.ts'
import type { BroadcastFigures } from '../../src/sim/overlay-metrics.ts'
import type { OverlayNode } from '../../src/sim/overlay-sim.ts'

export const BROADCASTS = 100
/** the first broadcasts flood the fresh links; the tree forms as their duplicates prune it */
export const WARM_UP = 10
/** ms between two warm-up broadcasts: each prunes the tree before the next sets out */
const WARM_UP_SPACING = 100
/** ms between two measured broadcasts of the sender: a burst, as membership news comes */
const SPACING = 10
const BOOTSTRAP_SETTLE = 20_000
/** how often the component count is read while waiting for a heal: it walks every node */
const CHECK_EVERY = 1000

export interface ScenarioFigures {
  seed: number
  nodes: number
  bootstrap: { components: number, symmetric: number, meanActive: number, realMs: number }
  plumtree: PlumtreeSummary
  flood: BroadcastFigures
  crash: { share: number, reliabilityRightAfter: number, healMs: number | null, reliabilityAfterHeal: number }
  partition: { mergeMs: number | null }
  realMs: number
  rssMb: number
}

export interface PlumtreeSummary { reliabilityMin: number, rmrMean: number, rmrMax: number, lastDeliveryHopMax: number }

/** Reliability over every broadcast of a run; redundancy and depth over the measured ones, after warm-up. */
export function plumtreeSummary (all: readonly BroadcastFigures[], measured: readonly BroadcastFigures[]): PlumtreeSummary {
  return {
    reliabilityMin: Math.min(...all.map(f => f.reliability)),
    rmrMean: measured.reduce((sum, f) => sum + f.rmr, 0) / measured.length,
    rmrMax: Math.max(...measured.map(f => f.rmr)),
    lastDeliveryHopMax: Math.max(...measured.map(f => f.lastDeliveryHop))
  }
}

function shape (sim: OverlaySim): { components: number, symmetric: number } {
  const byId = (id: string): OverlayNode | undefined => sim.node(id)
  return { components: components(sim.nodes, byId), symmetric: symmetricShare(sim.nodes, byId) }
}

/** Virtual ms until the overlay is one component again, read every CHECK_EVERY ms; null if not within `budget`. */
function untilOneComponent (sim: OverlaySim, budget: number): number | null {
  for (let waited = 0; waited <= budget; waited += CHECK_EVERY) {
    if (shape(sim).components === 1) { return waited }
    sim.run(CHECK_EVERY)
  }
  return null
}

export function bootstrap (seed: number, nodes: number): OverlaySim {
  const sim = new OverlaySim({ seed })
  sim.grow(nodes, 1)
  sim.run(BOOTSTRAP_SETTLE)
  return sim
}

export function runScenario (seed: number, nodes: number): ScenarioFigures {
  const started = performance.now()
  const sim = bootstrap(seed, nodes)
  const formed = shape(sim)
  const bootstrapMs = performance.now() - started
  const random = seededRandom(seed ^ 0xb0a7)
  const origin = sim.nodes[randomInt(random, nodes)]
  const warmUp = plumtreeBroadcasts(sim, Array.from({ length: WARM_UP }, () => origin), 'warm-up', WARM_UP_SPACING)
  const warm = plumtreeBroadcasts(sim, Array.from({ length: BROADCASTS - WARM_UP }, () => origin), 'stable', SPACING)
  const figures = [...warmUp, ...warm]
  const flood = floodBroadcast(sim, origin)

  sim.crash(sim.nodes.filter(node => node !== origin && random() < 0.5))
  const [rightAfter] = plumtreeBroadcasts(sim, [origin], 'after-crash')
  const healMs = untilOneComponent(sim, 60_000)
  const [afterHeal] = plumtreeBroadcasts(sim, [origin], 'healed')

  const up = sim.up()
  const left = up.filter(() => random() < 0.5)
  const right = up.filter(node => !left.includes(node))
  sim.partition(left, right)
  sim.run(10_000)
  sim.heal()
  const mergeMs = untilOneComponent(sim, 120_000)

  return {
    seed,
    nodes,
    bootstrap: { ...formed, meanActive: sim.nodes.reduce((sum, node) => sum + node.overlay.activeCount, 0) / nodes, realMs: Math.round(bootstrapMs) },
    plumtree: plumtreeSummary(figures, warm),
    flood,
    crash: { share: 0.5, reliabilityRightAfter: rightAfter.reliability, healMs, reliabilityAfterHeal: afterHeal.reliability },
    partition: { mergeMs },
    realMs: Math.round(performance.now() - started),
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20)
  }
}

export interface SweepPoint {
  seed: number
  share: number
  /** a Plumtree broadcast right after the crash, before any link failure is noticed, and one 5 s later */
  plumtree: number
  plumtreeAfter5s: number
  /** flooding over the overlay as the crash left it, and as it stands 5 s later */
  flood: number
  floodAfter5s: number
}

/** For each share, a fresh overlay of this seed loses that share of its nodes at once, then one node broadcasts. */
export function runSweep (seed: number, nodes: number, shares: readonly number[]): SweepPoint[] {
  return shares.map(share => {
    const sim = bootstrap(seed, nodes)
    const random = seededRandom(seed ^ 0x5eef)
    const origin = sim.nodes[randomInt(random, nodes)]
    plumtreeBroadcasts(sim, Array.from({ length: WARM_UP }, () => origin), 'warm', WARM_UP_SPACING)
    sim.crash(sim.nodes.filter(node => node !== origin && random() < share))
    const crashedAt = sim.now
    const flood = floodBroadcast(sim, origin)
    const [plumtree] = plumtreeBroadcasts(sim, [origin], 'after-crash', 0, 3000)
    sim.run(Math.max(0, crashedAt + 5000 - sim.now))
    const floodAfter5s = floodBroadcast(sim, origin)
    const [after5s] = plumtreeBroadcasts(sim, [origin], 'after-5s')
    return { seed, share, plumtree: plumtree.reliability, plumtreeAfter5s: after5s.reliability, flood: flood.reliability, floodAfter5s: floodAfter5s.reliability }
  })
}
