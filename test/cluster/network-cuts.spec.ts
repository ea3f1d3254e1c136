import { expect } from 'aegir/chai'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'

describe('network cuts between in-process nodes', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  it('splits a cluster into two sides that each see only themselves, and merges them after the heal', async () => {
    const clusterName = uniqueCluster()
    const all = await nodes.startMany(4, { clusterName })
    await formed(all)

    await nodes.cuts.partition(all.slice(0, 2), all.slice(2))
    await formed(all, 2)
    expect(all[0].membership.activeMembers().map(m => m.id).sort()).to.deep.equal([all[0].id, all[1].id].sort())

    nodes.cuts.heal()
    await formed(all)
    const allAlive = (node: typeof all[number]): boolean => node.membership.activeMembers().every(m => m.status === 'alive')
    await eventually(() => all.every(allAlive), 'all alive again')
  })
})
