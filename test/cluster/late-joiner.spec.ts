// A node that joins a running cluster reads what the members hold (names, distributed actors, group memberships)
// within seconds: it learns who holds something from their load reports, which it must not wait a refresh for.
import { expect } from 'aegir/chai'
import { Counter } from '../distribution/fixtures.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

/** well under the load report's 30 s refresh: a joiner that waited for it would fail */
const WITHIN_MS = 8000

describe('cluster/late joiner', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  it('resolves existing names and distributed actors, and sees existing group members, soon after it joins', async () => {
    const clusterName = uniqueCluster()
    const first = await nodes.startMany(2, { clusterName })
    await formed(first)
    for (const node of first) { node.define(Counter) }
    await first[0].spawn(Counter, { name: 'plain' })
    await first[1].spawn(Counter, { name: 'spread', distribute: true })
    const member = await first[1].spawn(Counter)
    await first[1].groups.join('workers', member)
    // the reports that told what the first two hold went out before the joiner existed
    await new Promise(resolve => setTimeout(resolve, 3000))

    const late: FoundationNode = await nodes.start({ clusterName, name: 'late' })
    late.define(Counter)
    await formed([...first, late])
    await eventually(() => late.groups.members('workers').length === 1, 'the joiner sees the group member', WITHIN_MS)
    await eventually(() => late.names.resolve('spread')?.kind === 'distributed', 'the joiner holds the distributed actor', WITHIN_MS)
    expect((await late.lookup('plain'))?.node).to.equal(first[0].id)
    expect(await late.call<{ count: number }>('spread', { add: 2 })).to.include({ count: 2 })
  })
})
