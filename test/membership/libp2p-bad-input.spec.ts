// Membership over real libp2p nodes against a member that lies: absurd claims are refused, a flood of doubt is survived.
import { expect } from 'aegir/chai'
import { pEvent } from 'p-event'
import { MAX_INCARNATION, MESSAGE_LIMITS } from '../../src/membership/swim/messages.ts'
import { protocolName } from '../../src/node/protocols.ts'
import { Codec } from '../../src/wire/codec.ts'
import { encodeFrame } from '../../src/wire/frames.ts'
import { TestCluster, until } from '../node/test-nodes.ts'
import type { Member, MemberRecord } from '../../src/membership/index.ts'
import type { TestNode } from '../node/test-nodes.ts'
import type { StreamCloseEvent } from '@libp2p/interface'

function record (id: string, status: Member['status'], incarnation: number): Member {
  return { id, name: '', roles: [], addresses: [], status, incarnation }
}

describe('membership/libp2p-bad-input', function () {
  let cluster: TestCluster

  beforeEach(() => {
    cluster = new TestCluster()
  })

  afterEach(async () => {
    await cluster.stop()
  })

  async function startCluster (count: number): Promise<TestNode[]> {
    const nodes = await Promise.all(Array.from({ length: count }, async (_, i) => cluster.startNode({ name: `node-${i}`, mdns: true })))
    for (const node of nodes) {
      await until(() => nodes.every(o => node.membership.get(o.host.peerId.toString())?.status === 'alive'), 'full view', { node })
    }
    return nodes
  }

  it('refuses absurd incarnations, member counts and sequence numbers like any malformed frame', async () => {
    const [a, b] = await startCluster(2)
    const protocol = protocolName(cluster.name, 'membership')
    const codec = new Codec()
    const sendRaw = async (message: unknown): Promise<StreamCloseEvent> => {
      const stream = await a.host.dialProtocol(b.host.peerId, protocol, { signal: AbortSignal.timeout(5000) })
      const closed = pEvent(stream, 'close', { timeout: 5000 })
      stream.send(encodeFrame(codec.encode(message)))
      return closed
    }
    const aId = a.host.peerId.toString()
    const absurd = [
      { type: 'gossip', updates: [record(aId, 'suspect', MAX_INCARNATION + 1)] },
      { type: 'sync', members: Array.from({ length: MESSAGE_LIMITS.members + 1 }, (_, i) => record(`m${i}`, 'alive', 0)) },
      { type: 'ping', seq: 2 ** 53 - 1, updates: [] }
    ]
    for (const [i, message] of absurd.entries()) {
      const closed = await sendRaw(message)
      expect(closed.error, JSON.stringify(message).slice(0, 60)).to.be.instanceOf(Error)
      expect(b.membership.invalidFrames).to.equal(i + 1)
    }
    // nothing of it reached the view
    expect(b.membership.members()).to.have.lengthOf(2)
    expect(b.membership.get(aId)).to.include({ status: 'alive' })
  })

  it('a member flooding suspicions of a healthy one cannot get it declared dead: it refutes', async () => {
    const [a, b, c] = await startCluster(3)
    const protocol = protocolName(cluster.name, 'membership')
    const codec = new Codec()
    const cId = c.host.peerId.toString()
    let died = false
    b.membership.addEventListener('member:leave', (evt) => { if (evt.detail.id === cId) { died = true } })
    // c's record as every member holds it, with c's signature: what a liar among the members can repeat
    const held = (a.membership as any).core.get(cId) as MemberRecord
    const incarnation = held.incarnation
    // a tells b a thousand times that c is suspect, naming witnesses that do not exist
    const stream = await a.host.dialProtocol(b.host.peerId, protocol, { signal: AbortSignal.timeout(5000) })
    const witnesses = [{ id: cId, by: [a.host.peerId.toString(), 'x1', 'x2', 'x3'], closed: ['x1', 'x2', 'x3'] }]
    for (let i = 0; i < 1000; i++) {
      stream.send(encodeFrame(codec.encode({ type: 'gossip', updates: [{ ...held, status: 'suspect' }], witnesses })))
    }
    await until(() => (b.membership.get(cId)?.incarnation ?? 0) > incarnation && b.membership.get(cId)?.status === 'alive', 'c refuted', { node: b })
    // a lone suspicion has six suspect timeouts to run: well past what a refutation takes
    await new Promise(resolve => setTimeout(resolve, 3000))
    expect(died).to.equal(false)
    expect(b.membership.invalidFrames).to.equal(0)
    stream.abort(new Error('done'))
  })
})
