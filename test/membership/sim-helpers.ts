// Small helpers the membership specs share: node ids, a formed cluster, and questions about what nodes saw.
import { expect } from 'aegir/chai'
import { Simulator } from './simulator.ts'
import type { SimulatorOptions } from './simulator.ts'
import type { Member } from '../../src/membership/index.ts'
import type { SwimEventType } from '../../src/membership/swim/swim-core.ts'

/** SWIM_SEED=n (or a comma-separated list) replays seeds; otherwise each scenario runs on a few fixed ones. */
export const SEEDS = process.env.SWIM_SEED != null ? process.env.SWIM_SEED.split(',').map(Number) : [1, 7, 42]

export function ids (n: number): string[] {
  return Array.from({ length: n }, (_, i) => `n${i}`)
}

/** n nodes, each joining through n0 a little after the previous one, run until they all see each other. */
export function formCluster (seed: number, n: number, config = {}, options: Partial<SimulatorOptions> = {}): Simulator {
  const sim = new Simulator({ ...options, seed, config })
  for (const id of ids(n)) {
    sim.addNode(id, [id === 'n0' ? 'seed' : 'worker'])
    if (id !== 'n0') { sim.join(id, 'n0') }
    sim.run(20)
  }
  expect(sim.runUntil(() => sim.converged(), 3000 + 100 * n), `no full view\n${sim.describe()}`).to.equal(true)
  return sim
}

/** `observer` emitted an event of `type` about `subject`. */
export function saw (sim: Simulator, observer: string, type: SwimEventType, subject: string): boolean {
  return sim.node(observer).events.some(e => e.type === type && e.member.id === subject)
}

/** Every event of `type` any node emitted since `since`, as `observer>subject` strings. */
export function eventsOf (sim: Simulator, type: SwimEventType, since = 0): string[] {
  const found: string[] = []
  for (const node of sim.nodes.values()) {
    for (const e of node.events) {
      if (e.type === type && e.at >= since) { found.push(`${node.id}>${e.member.id}@${e.at}`) }
    }
  }
  return found
}

export function member (id: string, status: Member['status'], incarnation: number): Member {
  return { id, name: id, roles: [], addresses: [], status, incarnation }
}
