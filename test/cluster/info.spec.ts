import { expect } from 'aegir/chai'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'

class Idle implements Actor {
  receive (): void {}
}

describe('cluster info', function () {
  const nodes = new TestNodes()
  afterEach(async () => { await nodes.stopAll() })

  it('sums every member\'s reported load, and drops a member\'s share when it leaves', async () => {
    const [a, b, c] = await nodes.startMany(3, { clusterName: uniqueCluster() })
    await formed([a, b, c])
    await a.spawn(Idle)
    await a.spawn(Idle)
    await b.spawn(Idle)
    await eventually(() => [a, b, c].every(n => n.info().processes === 3), 'every node counts 3 actors in the cluster')
    expect(a.info().node.processes).to.equal(2)
    expect(c.info().node.processes).to.equal(0)
    const seenFromC = Object.fromEntries(c.info().members.map(m => [m.name, m.processes]))
    expect(seenFromC).to.deep.equal({ [a.name]: 2, [b.name]: 1, [c.name]: 0 })

    await b.stop()
    await eventually(() => a.info().processes === 2 && a.info().nodes === 2, 'b\'s actor no longer counts')
  })

  it('drops and counts a malformed load report', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
    await formed([a, b])
    const topic = `foundation/${a.config.clusterName}/load`
    await eventually(() => a.host.services.pubsub.getSubscribers(topic).length === 1, 'a sees b on the load topic')
    await a.host.services.pubsub.publish(topic, new Uint8Array(32).fill(7))
    await eventually(() => b.load.invalidMessages === 1, 'b counted it')
    expect(b.info().nodes).to.equal(2)
  })
})
