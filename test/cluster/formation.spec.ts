import { expect } from 'aegir/chai'
import { pEvent } from 'p-event'
import { generateSecret } from '../../src/config/secret.ts'
import { Foundation, JoinTimeoutError } from '../../src/index.ts'
import { LOOPBACK, TestNodes, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { Member } from '../../src/membership/index.ts'

describe('cluster formation', () => {
  const nodes = new TestNodes()
  afterEach(async () => { await nodes.stopAll() })

  it('forms a cluster of 3 with zero config beyond the name', async () => {
    const cluster = uniqueCluster()
    const started = await nodes.startMany(3, { clusterName: cluster })
    await formed(started)
    const names = started[0].info().members.map(m => m.name).sort()
    expect(names).to.deep.equal([1, 2, 3].map(i => `node-${i}`))
    expect(started[0].info()).to.include({ strategy: 'mdns', topology: 'full-mesh', health: 'healthy', nodes: 3 })
  })

  it('starts from the public API with defaults and reports its own info', async () => {
    const cluster = await Foundation.start({ clusterName: uniqueCluster(), listen: LOOPBACK })
    try {
      expect(cluster.info()).to.include({ nodes: 1, processes: 0, health: 'healthy' })
      expect(cluster.addresses().some(a => a.includes('/p2p/'))).to.equal(true)
    } finally {
      // a second, concurrent stop waits for the first instead of returning early
      await Promise.all([cluster.stop(), cluster.stop().then(() => { expect((cluster as FoundationNode).host.status).to.equal('stopped') })])
    }
    expect(cluster.info().health).to.equal('stopped')
  })

  it('never merges two clusters with different names on one machine', async () => {
    const [a1, a2] = await nodes.startMany(2, { clusterName: uniqueCluster('a') })
    const [b1, b2] = await nodes.startMany(2, { clusterName: uniqueCluster('b') })
    await formed([a1, a2])
    await formed([b1, b2])
    // several mDNS rounds: each side has heard the other by now, if it ever would
    await new Promise(resolve => setTimeout(resolve, 1500))
    for (const node of [a1, a2, b1, b2]) { expect(node.info().nodes).to.equal(2) }
    // even an explicit dial cannot make them members of each other
    await expect(a1.connect(b1.addresses(), { timeout: 1500 })).to.eventually.be.rejectedWith(JoinTimeoutError)
    expect(a1.info().nodes).to.equal(2)
  })

  it('keeps out a node with another secret, or none', async () => {
    const cluster = uniqueCluster()
    const secret = generateSecret()
    const [a, b] = await nodes.startMany(2, { clusterName: cluster, secret })
    const stranger = await nodes.start({ clusterName: cluster, name: 'stranger', secret: generateSecret() })
    const open = await nodes.start({ clusterName: cluster, name: 'open' })
    await formed([a, b])
    await new Promise(resolve => setTimeout(resolve, 1500))
    expect(a.info().nodes).to.equal(2)
    expect(stranger.info().nodes).to.equal(1)
    expect(open.info().nodes).to.equal(1)
    await expect(stranger.connect(a.addresses(), { signal: AbortSignal.timeout(3000) })).to.eventually.be.rejected()
    await expect(open.connect(a.addresses(), { signal: AbortSignal.timeout(3000) })).to.eventually.be.rejected()
  })

  it('sees a node that stops gracefully leave', async () => {
    const [a, b, c] = await nodes.startMany(3, { clusterName: uniqueCluster() })
    await formed([a, b, c])
    const left = pEvent<'member:leave', CustomEvent<Member>>(a, 'member:leave')
    await c.stop()
    const member = (await left).detail
    expect(member).to.include({ id: c.id, status: 'left' })
    await formed([a, b], 2)
  })

  // the leave is the last thing a stopping node says: it must be read before the node goes, however soon after
  // joining it stops (it once went out on the stream and was lost with the connection in about one stop of ten)
  it('sees a node that stops right after it joined leave, not die (15 rounds)', async () => {
    const a = await nodes.start({ clusterName: uniqueCluster(), name: 'a', discovery: { mdns: false } })
    for (let round = 0; round < 15; round++) {
      const b = await nodes.start({ clusterName: a.config.clusterName, name: `b${round}`, discovery: { mdns: false } })
      await b.connect(a.addresses())
      const left = pEvent<'member:leave', CustomEvent<Member>>(a, 'member:leave', { filter: (evt) => evt.detail.id === b.id, timeout: 10_000 })
      await b.stop()
      expect((await left).detail.status, `round ${round}`).to.equal('left')
    }
  })
})
