// One seed of the overlay suite's client-server part: 10,000 simulated nodes link to servers chosen from the member
// list, broadcast 100 messages from one sender over Plumtree (flooding over the same links as the baseline), then a
// tenth of the servers crash at once.
import { randomInt, seededRandom } from '../../src/membership/swim/random.ts'
import { components, floodBroadcast, plumtreeBroadcasts } from '../../src/sim/overlay-metrics.ts'
import { OverlaySim } from '../../src/sim/overlay-sim.ts'
import { BROADCASTS, plumtreeSummary, WARM_UP } from './scenario.ts'
import type { PlumtreeSummary } from './scenario.ts'
import type { ClientServerCore } from '../../src/overlay/client-server/index.ts'
import type { BroadcastFigures } from '../../src/sim/overlay-metrics.ts'
import type { OverlayNode } from '../../src/sim/overlay-sim.ts'

const BOOTSTRAP_SETTLE = 10_000
const WARM_UP_SPACING = 100
const SPACING = 10
/** share of the servers crashed at once */
export const SERVER_CRASH_SHARE = 0.1
/** ms after the crash the second broadcast goes: the clients of crashed servers have relinked by then */
const REPAIR_MS = 5000

export interface ClientServerFigures {
  seed: number
  servers: number
  components: number
  /** links of a client and of a server, at most */
  clientLinksMax: number
  serverLinksMax: number
  meanLinks: number
  plumtree: PlumtreeSummary
  flood: BroadcastFigures
  crash: { reliabilityRightAfter: number, reliabilityAfterRepair: number, componentsAfterRepair: number }
  realMs: number
}

function role (node: OverlayNode): string {
  return (node.overlay as ClientServerCore).role
}

export function runClientServerScenario (seed: number, nodes: number): ClientServerFigures {
  const started = performance.now()
  const sim = new OverlaySim({ seed, shape: 'client-server' })
  sim.grow(nodes, 1)
  sim.run(BOOTSTRAP_SETTLE)
  const byId = (id: string): OverlayNode | undefined => sim.node(id)
  const servers = sim.nodes.filter(node => role(node) === 'server')
  const linksOf = (list: OverlayNode[]): number[] => list.map(node => node.overlay.activeCount)
  const random = seededRandom(seed ^ 0xc5)
  const origin = sim.nodes[randomInt(random, nodes)]
  const warmUp = plumtreeBroadcasts(sim, Array.from({ length: WARM_UP }, () => origin), 'warm-up', WARM_UP_SPACING)
  const warm = plumtreeBroadcasts(sim, Array.from({ length: BROADCASTS - WARM_UP }, () => origin), 'stable', SPACING)
  const figures = [...warmUp, ...warm]
  const flood = floodBroadcast(sim, origin)
  const shape = { servers: servers.length, components: components(sim.nodes, byId), clientLinksMax: Math.max(...linksOf(sim.nodes.filter(node => role(node) === 'client'))), serverLinksMax: Math.max(...linksOf(servers)), meanLinks: linksOf(sim.nodes).reduce((a, b) => a + b, 0) / nodes }

  sim.crash(servers.filter(node => node !== origin && random() < SERVER_CRASH_SHARE))
  const crashedAt = sim.now
  const [rightAfter] = plumtreeBroadcasts(sim, [origin], 'after-crash')
  sim.run(Math.max(0, crashedAt + REPAIR_MS - sim.now))
  const [afterRepair] = plumtreeBroadcasts(sim, [origin], 'repaired')

  return {
    seed,
    ...shape,
    plumtree: plumtreeSummary(figures, warm),
    flood,
    crash: { reliabilityRightAfter: rightAfter.reliability, reliabilityAfterRepair: afterRepair.reliability, componentsAfterRepair: components(sim.nodes, byId) },
    realMs: Math.round(performance.now() - started)
  }
}
