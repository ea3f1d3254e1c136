// Pub/sub among many nodes that share one address: every subscriber gets every publication (issue 11: gossipsub's
// IP colocation penalty once silenced every cluster of 15 or more nodes on one machine).
import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'aegir/chai'
import { GossipPubSub } from '../../src/messaging/pubsub/gossip-pubsub.ts'
import { createHost } from '../../src/node/create-host.ts'
import { nodeKeys } from '../../src/node/node-keys.ts'
import { nodeKeyCrypto } from '../../src/platform/node/node-crypto.ts'
import { eventually, uniqueCluster } from '../fixtures/nodes.ts'
import type { Host } from '../../src/node/create-host.ts'

/** far past gossipsub's default colocation threshold (10 peers per address): 24 peers on 127.0.0.1 each */
const NODES = 25
const PER_PUBLISHER = 50
/** publications of one turn travel as one gossipsub message: end the turn this often, so each publisher sends several */
const BURST = 10
const TOPIC = 'scale'
const MAX_MESSAGE_SIZE = 1 << 20
const DIAL_TIMEOUT = 10_000
/** each wait below: far more than any of them takes here */
const WAIT = 30_000

interface Received { publisher: number, n: number }

interface PubSubNode {
  index: number
  host: Host
  pubsub: GossipPubSub
}

/** Waits until `check` holds; on timeout the error says what `state` shows then. */
async function until (check: () => boolean, what: string, state: () => string, timeout: number): Promise<void> {
  try {
    await eventually(check, what, timeout)
  } catch (err: any) {
    throw new Error(`${err.message}: ${state()}`, { cause: err })
  }
}

/**
 * The host every Foundation node runs and its pub/sub, without the rest of a node: 25 whole nodes in one process
 * share one event loop on this 2-core machine, and pub/sub needs only the connections.
 */
async function startNodes (cluster: string, count: number): Promise<PubSubNode[]> {
  const nodes = await Promise.all(Array.from({ length: count }, async (_, index) => {
    const privateKey = await generateKeyPair('Ed25519')
    const host = await createHost({ cluster, privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { enabled: false, interval: 1000 }, maxMessageSize: MAX_MESSAGE_SIZE })
    const pubsub = new GossipPubSub({ host, logger: host.logger, keys: nodeKeys(privateKey, nodeKeyCrypto()), sendDirect: () => {} }, { cluster, maxMessageSize: MAX_MESSAGE_SIZE })
    return { index, host, pubsub }
  }))
  for (const node of nodes) {
    await node.host.start()
    await node.pubsub.start()
  }
  // a full mesh, as the connector keeps among members: each node dials those after it
  await Promise.all(nodes.map(async (node, i) => {
    for (const other of nodes.slice(i + 1)) { await node.host.dial(other.host.getMultiaddrs(), { signal: AbortSignal.timeout(DIAL_TIMEOUT) }) }
  }))
  const short = (): string => nodes.filter(n => n.host.getPeers().length < count - 1).map(n => `node ${n.index} has ${n.host.getPeers().length}`).join(', ')
  await until(() => nodes.every(n => n.host.getPeers().length === count - 1), `every node is connected to ${count - 1} others`, short, WAIT)
  return nodes
}

async function stopNodes (nodes: PubSubNode[]): Promise<void> {
  await Promise.allSettled(nodes.map(async node => {
    await node.pubsub.stop()
    await node.host.stop()
  }))
}

describe('messaging/pubsub: 25 nodes on one address', function () {
  // 25 real hosts over TCP on a shared 2-core machine; each wait below has its own deadline
  this.timeout(120_000)
  const cluster = uniqueCluster('scale')
  let nodes: PubSubNode[] = []
  const received = new Map<number, Received[]>()

  before(async () => {
    nodes = await startNodes(cluster, NODES)
    for (const node of nodes) {
      const list: Received[] = []
      received.set(node.index, list)
      node.pubsub.subscribe<Received>(TOPIC, message => { list.push(message) })
    }
  })

  after(async () => { await stopNodes(nodes) })

  it('delivers every publication of two publishers to every subscriber, once', async () => {
    const publishers = [nodes[3], nodes[17]]
    const full = `foundation/${cluster}/topic/${TOPIC}`
    // gossipsub learns remote subscriptions by message: publish once each publisher knows every other node's
    const subscribers = (node: PubSubNode): number => node.host.services.pubsub.getSubscribers(full).length
    await until(() => publishers.every(p => subscribers(p) === NODES - 1), `both publishers know ${NODES - 1} remote subscribers`,
      () => publishers.map(p => `node ${p.index} knows ${subscribers(p)}`).join(', '), WAIT)

    await Promise.all(publishers.map(async publisher => {
      for (let n = 0; n < PER_PUBLISHER; n++) {
        await publisher.pubsub.publish(TOPIC, { publisher: publisher.index, n })
        if ((n + 1) % BURST === 0) { await new Promise(resolve => setImmediate(resolve)) }
      }
    }))

    const expected = publishers.flatMap(p => Array.from({ length: PER_PUBLISHER }, (_, n) => `${p.index}/${n}`)).sort()
    await until(() => [...received.values()].every(list => list.length >= expected.length), `every node has ${expected.length} publications`,
      () => [...received].filter(([, list]) => list.length < expected.length).map(([index, list]) => `node ${index} has ${list.length}`).join(', '), WAIT)
    for (const [index, list] of received) {
      expect(list.map(r => `${r.publisher}/${r.n}`).sort(), `node ${index}`).to.deep.equal(expected)
    }
    // and each publisher counts every publication sent straight to all 24 others
    for (const publisher of publishers) {
      expect(publisher.pubsub.stats, `node ${publisher.index}`).to.include({
        published: PER_PUBLISHER,
        sentToPeers: PER_PUBLISHER,
        sentToNoPeer: 0,
        peerCopies: PER_PUBLISHER * (NODES - 1),
        publishFailures: 0
      })
    }
  })

  it('counts nothing as sent to other nodes when only the publisher\'s node subscribes', async () => {
    const publisher = nodes[5]
    const local: number[] = []
    publisher.pubsub.subscribe<number>('alone', n => { local.push(n) })
    const before = { ...publisher.pubsub.stats }
    for (let n = 0; n < BURST; n++) { await publisher.pubsub.publish('alone', n) }
    await until(() => publisher.pubsub.stats.sentToNoPeer === before.sentToNoPeer + BURST, `node 5 counts ${BURST} publications sent to no other node`,
      () => JSON.stringify(publisher.pubsub.stats), WAIT)
    expect(local).to.deep.equal(Array.from({ length: BURST }, (_, n) => n))
    expect(publisher.pubsub.stats).to.include({
      published: before.published + BURST,
      sentToPeers: before.sentToPeers,
      peerCopies: before.peerCopies,
      publishFailures: 0
    })
  })
})
