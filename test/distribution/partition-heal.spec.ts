// A partition and its heal with distributed actors: each side restarts the actors of the members it lost, and once
// the partition heals every holder, never really dead, claims its actors back, with the state they kept; the copies
// the other side started end. No actor of a live member restarts from its constructor.
import { expect } from 'aegir/chai'
import { TestNodes, agreed, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import { Counter, describeInstances, instances, runsOnceEach } from './fixtures.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const ACTORS = 12
const NAMES = Array.from({ length: ACTORS }, (_, i) => `counter-${i}`)

/** Every node resolves each name to the same holder. */
function holdersAgree (nodes: FoundationNode[]): boolean {
  return NAMES.every(name => new Set(nodes.map(n => n.distribution.lookup(name)?.node)).size === 1)
}

describe('distributed actors across a partition and its heal', function () {
  this.timeout(90_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  it('keeps every actor where it ran, with its state: the copies started across the cut end at the heal', async () => {
    const all = await nodes.startMany(4, { clusterName: uniqueCluster('heal') })
    for (const node of all) { node.define(Counter) }
    await formed(all)
    for (const [i, name] of NAMES.entries()) {
      await all[i % all.length].spawn(Counter, { name, distribute: true })
      await all[0].call(name, { add: i + 1 }, { timeout: 5000 })
    }
    await eventually(() => runsOnceEach(all, ACTORS), () => describeInstances(all, NAMES))
    const holders = new Map(NAMES.map(name => [name, all[0].distribution.lookup(name)?.node]))
    const duplicates: string[] = []
    for (const node of all) { node.addEventListener('actor:duplicate', (evt) => { duplicates.push(`${node.name} ended ${evt.detail.name}`) }) }

    const [left, right] = [all.slice(0, 2), all.slice(2)]
    await nodes.cuts.partition(left, right)
    // each side takes the other for dead and restarts its actors: every actor runs on both sides
    await eventually(() => [left, right].every(side => runsOnceEach(side, ACTORS)), () => `both sides run every actor:\n${describeInstances(left, NAMES)}\n${describeInstances(right, NAMES)}`, 30_000)

    nodes.cuts.heal()
    await agreed(all, 30_000)
    await eventually(() => runsOnceEach(all, ACTORS), () => `each actor runs once:\n${describeInstances(all, NAMES)}`, 30_000)
    await eventually(() => holdersAgree(all), 'every node agrees on each holder')
    for (const [i, name] of NAMES.entries()) {
      const answer = await all[3].call<{ count: number, node: string }>(name, { get: true }, { timeout: 5000 })
      expect(answer, name).to.deep.include({ count: i + 1, node: holders.get(name) })
    }
    // the copies ended were the ones started across the cut, on the side that had taken the holder for dead
    expect(duplicates).to.have.lengthOf(ACTORS)
    expect(instances(all).size).to.equal(ACTORS)
  })
})
