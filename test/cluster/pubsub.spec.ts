import { expect } from 'aegir/chai'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { PublicationMeta } from '../../src/messaging/pubsub/index.ts'

describe('pub/sub', function () {
  const nodes = new TestNodes()
  let a: FoundationNode, b: FoundationNode, c: FoundationNode
  const received = new Map<string, Array<{ message: unknown, meta: PublicationMeta }>>()

  function listen (node: FoundationNode, topic: string, label = node.name): ReturnType<FoundationNode['pubsub']['subscribe']> {
    received.set(label, [])
    return node.pubsub.subscribe(topic, (message, meta) => { received.get(label)?.push({ message, meta }) })
  }

  /** gossipsub learns of remote subscriptions by message: wait until the publisher knows them all */
  async function subscribersKnown (publisher: FoundationNode, topic: string, count: number): Promise<void> {
    const full = `foundation/${publisher.config.clusterName}/topic/${topic}`
    await eventually(() => publisher.host.services.pubsub.getSubscribers(full).length >= count, `${count} remote subscribers of ${topic}`)
  }

  before(async () => {
    [a, b, c] = await nodes.startMany(3, { clusterName: uniqueCluster() })
    await formed([a, b, c])
  })
  after(async () => { await nodes.stopAll() })
  beforeEach(() => { received.clear() })

  it('publishes from a cluster of one without subscribers', async () => {
    const lonely = await nodes.start({ clusterName: uniqueCluster(), name: 'lonely' })
    await lonely.pubsub.publish('nobody', { hello: 'void' })
    // it went nowhere, and the stats say so
    await eventually(() => lonely.gossip.stats.sentToNoPeer === 1, 'the publication counts as sent to no other node')
    expect(lonely.gossip.stats).to.include({ published: 1, sentToPeers: 0, peerCopies: 0, publishFailures: 0 })
  })

  it('refuses a publish on a stopped node with PubSubNotRunningError, rather than taking it silently', async () => {
    const stopped = await nodes.start({ clusterName: uniqueCluster(), name: 'stopped' })
    await stopped.stop()
    const err = await stopped.pubsub.publish('late', 1).then(() => undefined, (err: Error) => err)
    expect(err).to.have.property('name', 'PubSubNotRunningError')
    expect(stopped.gossip.stats.published).to.equal(0)
  })

  it('reaches every subscriber on every node, the publisher included, once each', async () => {
    for (const node of [a, b, c]) { listen(node, 'events') }
    listen(b, 'events', 'b-second')
    await subscribersKnown(a, 'events', 2)
    const before = { ...a.gossip.stats }
    for (let i = 0; i < 20; i++) { await a.pubsub.publish('events', { n: i }) }
    await eventually(() => [...received.values()].every(list => list.length >= 20), 'every subscriber has 20 messages')
    await new Promise(resolve => setTimeout(resolve, 200))
    for (const [label, list] of received) {
      expect(list.map(r => (r.message as { n: number }).n), label).to.deep.equal(Array.from({ length: 20 }, (_, i) => i))
      expect(list[0].meta).to.include({ topic: 'events', from: a.id, local: label === a.name })
    }
    // every publication went straight to both other nodes
    expect(a.gossip.stats.sentToPeers - before.sentToPeers).to.equal(20)
    expect(a.gossip.stats.peerCopies - before.peerCopies).to.equal(40)
    expect(a.gossip.stats.sentToNoPeer - before.sentToNoPeer).to.equal(0)
  })

  it('publishFrom skips the sender, localPublish stays local, directPublish reaches one node', async () => {
    const own = listen(a, 'mixed', 'a-own')
    listen(a, 'mixed', 'a-other')
    listen(b, 'mixed')
    listen(c, 'mixed')
    await subscribersKnown(a, 'mixed', 2)
    await a.pubsub.publishFrom(own, 'mixed', 'from')
    a.pubsub.localPublish('mixed', 'local')
    a.pubsub.directPublish(c.id, 'mixed', 'direct')
    await eventually(() => received.get(c.name)?.length === 2 && received.get(b.name)?.length === 1, 'b and c got theirs')
    await new Promise(resolve => setTimeout(resolve, 200))
    const messages = (label: string): unknown[] => received.get(label)?.map(r => r.message) ?? []
    expect(messages('a-own')).to.deep.equal(['local'])
    expect(messages('a-other')).to.deep.equal(['from', 'local'])
    expect(messages(b.name)).to.deep.equal(['from'])
    expect(messages(c.name)).to.have.members(['from', 'direct'])
  })

  it('counts and drops a malformed publication, and goes on delivering', async () => {
    listen(b, 'raw')
    const full = `foundation/${a.config.clusterName}/topic/raw`
    await eventually(() => a.host.services.pubsub.getSubscribers(full).length >= 1, 'a sees b subscribed')
    const before = b.gossip.stats.invalidMessages
    await a.host.services.pubsub.publish(full, new Uint8Array(40).fill(0xff))
    await eventually(() => b.gossip.stats.invalidMessages === before + 1, 'b counted the bad publication')
    await a.pubsub.publish('raw', 'good')
    await eventually(() => received.get(b.name)?.length === 1, 'b still gets good ones')
    expect(received.get(b.name)?.[0].message).to.equal('good')
  })

  it('stops delivering after unsubscribe', async () => {
    const subscription = listen(b, 'gone')
    listen(c, 'gone')
    await subscribersKnown(a, 'gone', 2)
    subscription.unsubscribe()
    await a.pubsub.publish('gone', 1)
    await eventually(() => received.get(c.name)?.length === 1, 'c got it')
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(received.get(b.name)).to.deep.equal([])
  })
})
