import { peerIdFromString } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { pEvent } from 'p-event'
import { ActorNotFoundError } from '../../src/actors/errors.ts'
import { NodeDownError, PeerOverloadedError } from '../../src/messaging/errors.ts'
import { protocolName } from '../../src/node/protocols.ts'
import { encodeFrame } from '../../src/wire/frames.ts'
import { killChildNode, startChildNode } from '../fixtures/child-node.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { Member } from '../../src/membership/index.ts'
import type { ChildNode } from '../fixtures/child-node.ts'

class Echo implements Actor {
  receive (message: unknown): unknown { return message }
}

describe('failures', function () {
  const nodes = new TestNodes()
  const children: ChildNode[] = []
  afterEach(async () => {
    await Promise.all(children.splice(0).map(async child => killChildNode(child)))
    await nodes.stopAll()
  })

  it('detects a SIGKILLed node process as dead and forgets its names', async () => {
    const cluster = uniqueCluster()
    const [a, b] = await nodes.startMany(2, { clusterName: cluster })
    const child = await startChildNode(cluster, 'doomed', ['doomed-echo'])
    children.push(child)
    await formed([a, b], 3)
    expect(await a.call('doomed-echo', 'ping?')).to.equal('ping?')

    const leave = pEvent<'member:leave', CustomEvent<Member>>(a, 'member:leave')
    await killChildNode(child, 'SIGKILL')
    expect((await leave).detail).to.include({ id: child.id, status: 'dead' })
    await formed([a, b], 2)
    await eventually(async () => (await b.lookup('doomed-echo')) === undefined, 'the dead node\'s name is gone')
    await expect(a.call('doomed-echo', 'anyone?')).to.eventually.be.rejectedWith(ActorNotFoundError)
  })

  it('fails a call in flight to a node that dies with NodeDownError, long before its timeout', async () => {
    const cluster = uniqueCluster()
    const [a] = await nodes.startMany(1, { clusterName: cluster })
    const child = await startChildNode(cluster, 'doomed', ['slow-echo'])
    children.push(child)
    await formed([a], 2)
    const started = Date.now()
    const call = a.call('slow-echo', { sleep: 30_000 }, { timeout: 20_000 }).catch((e: Error) => e)
    await new Promise(resolve => setTimeout(resolve, 100))
    await killChildNode(child, 'SIGKILL')
    const err = await call
    expect(err).to.be.instanceOf(NodeDownError).and.have.property('node', child.id)
    expect(Date.now() - started).to.be.lessThan(10_000)
    await expect(a.call({ node: child.id, id: '1' }, 'again?')).to.eventually.be.rejectedWith(NodeDownError)
  })

  it('reconnects a member whose connection dropped, and it stays a member', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
    await formed([a, b])
    const ref = await b.spawn(Echo)
    await a.host.hangUp(peerIdFromString(b.id))
    await eventually(() => a.host.getConnections(peerIdFromString(b.id)).length > 0, 'the connection is back')
    expect(a.membership.get(b.id)?.status).to.be.oneOf(['alive', 'suspect'])
    expect(await a.call(ref, 'back?')).to.equal('back?')
  })

  it('drops sends and refuses calls to a node that already has maxQueuedBytes waiting, and counts them', async () => {
    const cluster = uniqueCluster()
    const a = await nodes.start({ clusterName: cluster, name: 'a', messaging: { maxQueuedBytes: 64 * 1024 } })
    const b = await nodes.start({ clusterName: cluster, name: 'b' })
    await formed([a, b])
    class Count implements Actor {
      n = 0
      receive (message: string): number { if (message === 'get') { return this.n } this.n++; return this.n }
    }
    const ref = await b.spawn(Count)
    // all in one turn: nothing is written before the loop ends, so the queue fills
    for (let i = 0; i < 200; i++) { a.send(ref, 'x'.repeat(1024)) }
    const refused = await a.call(ref, 'x'.repeat(1024)).catch((e: Error) => e)
    expect(refused).to.be.instanceOf(PeerOverloadedError)
    const dropped = a.messaging.stats.lost
    expect(dropped).to.be.within(130, 200)
    expect(a.info().undeliverable).to.equal(dropped)
    // once written, the queue empties and the node takes messages again; the refused call counts as dropped too
    expect(await a.call(ref, 'get')).to.equal(200 - (dropped - 1))
  })

  for (const [label, bytes] of [
    ['garbage', encodeFrame(new Uint8Array([0x92, 0x01]))],
    ['an unknown envelope', encodeFrame(new Uint8Array([0x93, 0x63, 0xa1, 0x78, 0xc0]))],
    ['an oversize frame', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])],
    ['a truncated frame', encodeFrame(new Uint8Array(100)).subarray(0, 50)]
  ] as const) {
    it(`resets a direct stream carrying ${label}, counts it, and goes on serving`, async () => {
      const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
      await formed([a, b])
      const ref = await b.spawn(Echo)
      const before = b.messaging.stats.invalidFrames
      const stream = await a.host.dialProtocol(peerIdFromString(b.id), protocolName(b.config.clusterName, 'direct'))
      stream.send(bytes)
      await stream.close().catch(() => {})
      await eventually(() => b.messaging.stats.invalidFrames === before + 1, 'the bad stream is counted')
      expect(await a.call(ref, 'still there?')).to.equal('still there?')
    })
  }
})
