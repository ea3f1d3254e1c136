// Distributed actors on simulated nodes, in the situations a real cluster meets too rarely to test by waiting for
// them: a member that crashed unnoticed while another drains, and rebalancing onto members that join.
import { expect } from 'aegir/chai'
import { SimCluster } from '../../src/sim/index.ts'
import { Counter } from './fixtures.ts'
import type { MovedDetail } from '../../src/distribution/index.ts'
import type { SimNode } from '../../src/sim/index.ts'

const ACTORS = 30

async function formed (sim: SimCluster, count: number, rebalance = false): Promise<SimNode[]> {
  for (let i = 0; i < count; i++) { sim.add({ id: `n${i}`, distribution: { rebalance } }).distribution.define(Counter) }
  expect(await sim.runUntil(() => sim.converged(), 30_000), `seed ${sim.seed}: the cluster forms`).to.equal(true)
  return sim.up()
}

/** Spawns the actors from the first node and gives actor i a count of i + 1; answers the counts. */
async function counters (sim: SimCluster): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  const [first] = sim.up()
  for (let i = 0; i < ACTORS; i++) {
    await sim.settle(first.distribution.spawn(Counter, `c-${i}`, [], {}), 10_000)
    await sim.settle(first.distribution.call(`c-${i}`, { add: i + 1 }, 5000), 10_000)
    counts.set(`c-${i}`, i + 1)
  }
  return counts
}

function hosts (sim: SimCluster): Map<string, string[]> {
  const found = new Map<string, string[]>()
  for (const node of sim.up()) {
    for (const name of node.distribution.hostedNames()) { found.set(name, [...found.get(name) ?? [], node.id]) }
  }
  return found
}

function runOnceEach (sim: SimCluster): boolean {
  const found = hosts(sim)
  return found.size === ACTORS && [...found.values()].every(on => on.length === 1)
}

async function countsNow (sim: SimCluster): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  const [reader] = sim.up()
  for (let i = 0; i < ACTORS; i++) {
    const answer = await sim.settle(reader.distribution.call(`c-${i}`, { get: true }, 5000), 10_000) as { count: number }
    counts.set(`c-${i}`, answer.count)
  }
  return counts
}

describe('distributed actors, simulated', function () {
  this.timeout(30_000)

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`a drain moves every actor with its state although a member crashed unnoticed just before (seed ${seed})`, async () => {
      const sim = new SimCluster({ seed })
      const nodes = await formed(sim, 5)
      const counts = await counters(sim)
      // no member has even suspected it when the drain starts: placement still counts it, and its moves fail
      const crashed = nodes[3]
      sim.crash(crashed.id)
      const leaving = nodes[1]
      const hadActors = leaving.distribution.hostedNames()
      expect(hadActors.length, 'the leaving node runs actors').to.be.greaterThan(0)
      await sim.leave(leaving.id)
      expect(await sim.runUntil(() => runOnceEach(sim), 30_000), `seed ${seed}: every actor runs once`).to.equal(true)
      const after = await countsNow(sim)
      for (const name of hadActors) {
        expect(after.get(name), `${name}, moved off the leaving node`).to.equal(counts.get(name))
      }
    })
  }

  it('moves actors with their state onto members that join, when rebalancing', async () => {
    const sim = new SimCluster({ seed: 11 })
    await formed(sim, 2, true)
    const counts = await counters(sim)
    const moved: MovedDetail[] = []
    for (const node of sim.up()) { node.distribution.addEventListener('actor:moved', (evt) => { moved.push(evt.detail) }) }
    for (const id of ['n2', 'n3']) { sim.add({ id, distribution: { rebalance: true } }).distribution.define(Counter) }
    expect(await sim.runUntil(() => sim.converged() && runOnceEach(sim) && new Set([...hosts(sim).values()].flat()).size === 4, 30_000),
      'every actor runs once, on all four members').to.equal(true)
    await sim.run(5000)
    expect(moved.length, 'actors moved').to.be.greaterThan(0)
    expect(moved.every(detail => detail.withState && ['n2', 'n3'].includes(detail.to))).to.equal(true)
    expect(await countsNow(sim)).to.deep.equal(counts)
    expect(runOnceEach(sim)).to.equal(true)
  })

  for (const size of [5, 60]) {
    it(`${size} nodes: a spawn placed on a member that drains starts elsewhere, whether or not the drain notice reached the spawner`, async () => {
      const sim = new SimCluster({ seed: size })
      const nodes = await formed(sim, size)
      const leaving = nodes[3]
      const spawner = nodes[4]
      const noticesBefore = sim.network.sends.get('$dist') ?? 0
      await sim.settle(leaving.distribution.drain(), 10_000)
      await sim.run(100)
      const notices = (sim.network.sends.get('$dist') ?? 0) - noticesBefore
      // a small cluster hears it everywhere; in a large one only the members next in line to coordinate failover
      expect(notices, 'drain notices sent').to.equal(size <= 48 ? size - 1 : 2)
      const prefersLeaving = (_: string, candidates: ReadonlyArray<{ id: string }>): string | undefined =>
        candidates.find(c => c.id === leaving.id)?.id ?? candidates[0]?.id
      const ref = await sim.settle(spawner.distribution.spawn(Counter, 'late', [], { placement: prefersLeaving }), 10_000)
      expect(ref.node, 'the holder').to.not.equal(leaving.id)
      expect(await sim.settle(spawner.distribution.call('late', { add: 1 }, 5000), 10_000)).to.include({ count: 1, node: ref.node })
    })
  }

  it('30 nodes: after a 15|15 cut heals, every actor runs once where every node resolves it, and answers', async () => {
    const sim = new SimCluster({ seed: 30 })
    const nodes = await formed(sim, 30)
    const counts = await counters(sim)
    const ids = nodes.map(node => node.id)
    sim.partition(ids.slice(0, 15), ids.slice(15))
    // long enough for each side to declare the other dead and fail its actors over
    await sim.run(20_000)
    const pullsBefore = sim.network.calls.get('$names') ?? 0
    sim.heal()
    const agreed = (): boolean => runOnceEach(sim) && [...hosts(sim)].every(([name, [holder]]) => sim.up().every(node => node.distribution.lookup(name)?.node === holder))
    expect(await sim.runUntil(() => sim.converged() && agreed(), 60_000), 'one instance each, resolved alike everywhere').to.equal(true)
    await sim.run(10_000)
    // each node reads each other member about once after a heal; reads that set off more reads never stop
    const pulls = (sim.network.calls.get('$names') ?? 0) - pullsBefore
    expect(pulls, 'name reads in the 10 s after the heal').to.be.at.most(3 * 30 * 29)
    // an actor that ran on both sides kept the instance that took over last; its count may be either side's
    const after = await countsNow(sim)
    expect([...after.keys()].sort()).to.deep.equal([...counts.keys()].sort())
  })
})
