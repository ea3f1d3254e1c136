// Calls in flight: answered only by the node they went to, and failed at once with NodeDownError when the connection
// or a stream carrying them or their answers dies, however it dies; never left to wait for their timeout in silence.
import { expect } from 'aegir/chai'
import { generateSecret } from '../../src/config/secret.ts'
import { REPLY } from '../../src/messaging/direct/envelope.ts'
import { BarePeer } from '../fixtures/bare-peer.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { Connection } from '@libp2p/interface'

/** Answers each call with its message after `ms`; an actor takes one message at a time, so calls queue behind. */
class Echo implements Actor {
  async receive (message: { ms: number, value: number }): Promise<number> {
    await new Promise(resolve => setTimeout(resolve, message.ms))
    return message.value
  }
}

const CALL_TIMEOUT = 20_000

/** The ids of a node's calls in flight: what a forger would have to know. */
function callIdsOf (node: FoundationNode): number[] {
  return [...(node.messaging as any).pending.calls.keys()]
}

describe('calls in flight', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  const bare: BarePeer[] = []
  let a: FoundationNode, b: FoundationNode
  let clusterName: string, secret: string

  beforeEach(async () => {
    clusterName = uniqueCluster()
    secret = generateSecret()
    const init = { clusterName, secret, discovery: { mdns: false } }
    a = await nodes.start({ ...init, name: 'a' })
    b = await nodes.start({ ...init, name: 'b' })
    await b.connect(a.addresses())
    await formed([a, b])
  })

  afterEach(async () => {
    await Promise.allSettled(bare.splice(0).map(async peer => { await peer.stop() }))
    await nodes.stopAll()
  })

  it('takes an answer only from the node the call went to: a forged reply with the right id is dropped and counted', async () => {
    const echo = await b.spawn(Echo, { name: 'echo' })
    const answer = a.call(echo, { ms: 1500, value: 7 }, { timeout: CALL_TIMEOUT })
    await eventually(() => callIdsOf(a).length === 1, 'the call is in flight')
    const forger = await BarePeer.start(clusterName, secret)
    bare.push(forger)
    await forger.host.dial(a.host.getMultiaddrs())
    const stream = await forger.open(a.host.peerId, 'direct')
    // even knowing the id, which it could not guess (random 32-bit), the forger's answer is not taken
    const [id] = callIdsOf(a)
    forger.write(stream, [REPLY, id, 'forged'], [REPLY, id, 'forged again'])
    await eventually(() => a.messaging.stats.forgedReplies === 2, () => `forged replies counted: ${a.messaging.stats.forgedReplies}`)
    expect(await answer).to.equal(7)
  })

  it('draws call ids at random, not in sequence', async () => {
    const echo = await b.spawn(Echo, { name: 'echo' })
    const calls = Array.from({ length: 200 }, async (_, i) => a.call(echo, { ms: 0, value: i }, { timeout: CALL_TIMEOUT }))
    const ids = callIdsOf(a)
    expect(new Set(ids).size).to.equal(200)
    const steps = ids.slice(1).filter((id, i) => Math.abs(id - ids[i]) <= 200).length
    expect(steps, 'ids one after another').to.be.below(5)
    expect(await Promise.all(calls)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i))
  })

  const deaths: Array<[string, (a: FoundationNode, b: FoundationNode) => void | Promise<void>]> = [
    ['the callee closes the connection cleanly', async (a, b) => { await connectionOf(b, a).close() }],
    ['the callee aborts the connection', (a, b) => { connectionOf(b, a).abort(new Error('test abort')) }],
    ['the caller closes the connection cleanly', async (a, b) => { await connectionOf(a, b).close() }],
    ['the callee resets the stream its answers go on', (a, b) => { directStream(b, a, 'outbound').abort(new Error('test reset')) }],
    ['the caller resets the stream the answers come on', (a, b) => { directStream(a, b, 'inbound').abort(new Error('test reset')) }],
    ['the caller resets the stream its calls go on', (a, b) => { directStream(a, b, 'outbound').abort(new Error('test reset')) }]
  ]
  const failsAtOnce = (how: string, kill: (a: FoundationNode, b: FoundationNode) => void | Promise<void>): void => {
    it(`fails every call in flight with NodeDownError at once when ${how}`, async () => {
      const echo = await b.spawn(Echo, { name: 'echo' })
      expect(await a.call(echo, { ms: 0, value: 0 })).to.equal(0)
      // 100 calls of 25 ms each: b answers the last of them 2.5 s from now
      const started = Date.now()
      const calls = Array.from({ length: 100 }, async (_, i) => a.call(echo, { ms: 25, value: i }, { timeout: CALL_TIMEOUT })
        .then(() => 'answered', (err: Error) => err.name))
      await new Promise(resolve => setTimeout(resolve, 300))
      await kill(a, b)
      const outcomes = await Promise.all(calls)
      const failed = outcomes.filter(o => o === 'NodeDownError').length
      expect(outcomes.filter(o => o !== 'answered' && o !== 'NodeDownError'), 'other outcomes').to.deep.equal([])
      expect(failed, 'calls that were still in flight').to.be.above(50)
      expect(Date.now() - started, 'long before the last answer was due').to.be.below(1800)
      // the pair reconnects, and calls go through again
      await eventually(async () => a.call(echo, { ms: 0, value: 1 }, { timeout: 1000 }).then(v => v === 1, () => false), 'a call goes through again')
    })
  }
  for (const [how, kill] of deaths) { failsAtOnce(how, kill) }
})

function connectionOf (from: FoundationNode, to: FoundationNode): Connection {
  const connection = from.host.getConnections(to.host.peerId).find(c => c.status === 'open')
  if (connection == null) { throw new Error(`${from.name} has no open connection to ${to.name}`) }
  return connection
}

function directStream (from: FoundationNode, to: FoundationNode, direction: 'inbound' | 'outbound'): { abort(err: Error): void } {
  for (const connection of from.host.getConnections(to.host.peerId)) {
    const stream = connection.streams.find(s => s.direction === direction && s.protocol?.includes('/direct/1.0.0') === true)
    if (stream != null) { return stream }
  }
  throw new Error(`${from.name} has no ${direction} direct stream with ${to.name}`)
}
