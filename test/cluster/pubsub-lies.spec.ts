// Pub/sub against a node that publishes as another: a batch is delivered only when the sender it names signed it,
// whichever way it came (gossipsub or the overlay's tree); a forged one is dropped and counted, and nothing of it is
// delivered.
import { expect } from 'aegir/chai'
import { PublicationIds, encodePublication } from '../../src/messaging/pubsub/publication.ts'
import { Codec } from '../../src/wire/codec.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { SigningKey } from '../../src/node/node-keys.ts'

describe('pub/sub: a sender that lies', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  let a: FoundationNode, b: FoundationNode, liar: FoundationNode
  const codec = new Codec()
  const ids = new PublicationIds()

  before(async () => {
    [a, b, liar] = await nodes.startMany(3, { clusterName: uniqueCluster() })
    await formed([a, b, liar])
  })
  after(async () => { await nodes.stopAll() })

  /** A batch naming `from` as its sender, signed with the liar's own key, which is all it holds. */
  function forged (from: string, message: unknown): Uint8Array {
    const key: SigningKey = (liar.gossip as any).components.keys.own
    return encodePublication(ids.next(), from, [codec.encode(message)], (data) => key.signDigestOf(data))
  }

  it('delivers nothing of a batch that claims another node as its sender, by gossipsub or over the tree, and counts it', async () => {
    const heard: Array<{ message: unknown, from: string }> = []
    a.pubsub.subscribe('orders', (message, meta) => { heard.push({ message, from: meta.from }) })
    const topic = `foundation/${a.config.clusterName}/topic/orders`
    await eventually(() => liar.host.services.pubsub.getSubscribers(topic).length >= 1, 'the liar knows a subscribes')
    // a real publication from the liar goes through: the check costs honest nodes nothing they notice
    await liar.pubsub.publish('orders', { honest: true })
    await eventually(() => heard.length === 1, 'the honest publication arrives')
    expect(heard[0]).to.deep.equal({ message: { honest: true }, from: liar.id })

    await liar.host.services.pubsub.publish(topic, forged(b.id, { forged: 'gossipsub' }))
    expect(liar.publications.send('orders', forged(b.id, { forged: 'tree' })), 'tree links the batch left on').to.be.above(0)
    await eventually(() => a.gossip.stats.forgedSenders === 2, () => `forged batches counted at a: ${a.gossip.stats.forgedSenders}`)
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(heard).to.have.lengthOf(1)
    // and a still takes b's own word
    await b.pubsub.publish('orders', { from: 'b' })
    await eventually(() => heard.length === 2, 'b\'s publication arrives')
    expect(heard[1]).to.deep.equal({ message: { from: 'b' }, from: b.id })
  })
})
