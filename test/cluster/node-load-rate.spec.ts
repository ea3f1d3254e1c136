// How often a node tells its load: every report reaches every member, so what one node sends is paid by the whole
// cluster. A newcomer hears each member's report soon after it joins; a peer whose subscriptions gossipsub tells
// again on each new connection (partial views open and close connections all the time) does not make us report
// again, and an unchanged report is repeated less often in a large cluster.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { NodeLoadGossip } from '../../src/cluster/node-load.ts'
import { nodeKeys } from '../../src/node/node-keys.ts'
import { nodeKeyCrypto } from '../../src/platform/node/node-crypto.ts'
import type { Host } from '../../src/node/create-host.ts'
import type { PeerId } from '@libp2p/interface'

/** The part of gossipsub the load reports use, recording what is published. */
class RecordingPubSub extends EventTarget {
  published = 0
  subscribe (): void {}
  unsubscribe (): void {}
  async publish (): Promise<void> { this.published++ }
  /** gossipsub's event for a peer's subscriptions, as it fires on each connection to the peer */
  subscribed (peerId: PeerId, topic: string): void {
    this.dispatchEvent(new CustomEvent('subscription-change', { detail: { peerId, subscriptions: [{ topic, subscribe: true }] } }))
  }
}

async function randomPeer (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

async function loadGossip (members: number): Promise<{ load: NodeLoadGossip, pubsub: RecordingPubSub }> {
  const pubsub = new RecordingPubSub()
  const key = await generateKeyPair('Ed25519')
  const host = { peerId: peerIdFromPrivateKey(key), services: { pubsub } } as unknown as Host
  const load = new NodeLoadGossip({
    host,
    keys: nodeKeys(key, nodeKeyCrypto()),
    log: logger('test:node-load'),
    local: () => ({ processes: 0, messageRate: 0 }),
    members: () => members
  }, { cluster: 'rate' })
  return { load, pubsub }
}

const TOPIC = 'foundation/rate/load'
/** past the join delay of a small cluster (250 ms) */
const JOIN_SETTLE_MS = 400

describe('load report rate', () => {
  const started: NodeLoadGossip[] = []
  afterEach(() => { for (const load of started.splice(0)) { load.stop() } })

  it('answers a newcomer\'s first subscription, and no subscription told again on a later connection', async () => {
    const { load, pubsub } = await loadGossip(5)
    load.start()
    started.push(load)
    const newcomer = await randomPeer()
    load.joined(newcomer.toString())
    await new Promise(resolve => setTimeout(resolve, JOIN_SETTLE_MS))
    expect(pubsub.published, 'a report for the join').to.equal(1)

    pubsub.subscribed(newcomer, TOPIC)
    await new Promise(resolve => setTimeout(resolve, JOIN_SETTLE_MS))
    expect(pubsub.published, 'a report for its first subscription, which may have missed the first').to.equal(2)

    pubsub.subscribed(newcomer, TOPIC)
    pubsub.subscribed(await randomPeer(), TOPIC)
    await new Promise(resolve => setTimeout(resolve, JOIN_SETTLE_MS))
    expect(pubsub.published, 'no report for a subscription told again, nor for one of a member that did not just join').to.equal(2)
  })

  it('repeats an unchanged report every 30 s or so in a small cluster, and about once per member-second in a large one', async () => {
    const small = await loadGossip(5)
    const large = await loadGossip(200)
    // not started: the check every 2 s would compare the wall clock with these made-up times
    for (const { load } of [small, large]) { load.publish(undefined, 0) }
    // the refresh is jittered by ±20%
    for (const { load } of [small, large]) { load.publishIfChanged(23_000) }
    expect([small.pubsub.published, large.pubsub.published], 'nothing before the shortest refresh').to.deep.equal([1, 1])
    for (const { load } of [small, large]) { load.publishIfChanged(37_000) }
    expect([small.pubsub.published, large.pubsub.published], 'the small cluster refreshed').to.deep.equal([2, 1])
    large.load.publishIfChanged(159_000)
    expect(large.pubsub.published, 'the large cluster not before 200 s less the jitter').to.equal(1)
    large.load.publishIfChanged(241_000)
    expect(large.pubsub.published, 'the large cluster refreshed').to.equal(2)
  })
})
