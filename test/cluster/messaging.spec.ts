import { expect } from 'aegir/chai'
import { ActorHandlerError, ActorNotFoundError } from '../../src/actors/errors.ts'
import { AbortError, CallTimeoutError, MessageTooLargeError } from '../../src/messaging/errors.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

class Counter implements Actor {
  count = 0
  receive (message: { inc?: number, get?: boolean, fail?: string, sleep?: number }): unknown {
    if (message.fail != null) { throw new TypeError(message.fail) }
    if (message.sleep != null) { return new Promise(resolve => setTimeout(() => { resolve('slept') }, message.sleep)) }
    if (message.inc != null) { this.count += message.inc }
    return this.count
  }
}

describe('send and call', function () {
  const nodes = new TestNodes()
  let a: FoundationNode, b: FoundationNode, c: FoundationNode

  before(async () => {
    [a, b, c] = await nodes.startMany(3, { clusterName: uniqueCluster() })
    await formed([a, b, c])
  })
  after(async () => { await nodes.stopAll() })

  it('delivers sends in order and answers calls across nodes, by name and by ref', async () => {
    const ref = await b.spawn(Counter, { name: 'counter' })
    for (let i = 0; i < 100; i++) { a.send('counter', { inc: 1 }) }
    expect(await a.call('counter', { get: true }, { timeout: 5000 })).to.equal(100)
    for (let i = 0; i < 50; i++) { c.send(ref, { inc: 2 }) }
    expect(await c.call(ref, { get: true })).to.equal(200)
    // the local node takes its own shortcut
    expect(await b.call('counter', { inc: 1 })).to.equal(201)
  })

  it('finds every name from every node', async () => {
    const refs = new Map<string, unknown>()
    for (const node of [a, b, c]) {
      for (let i = 0; i < 3; i++) {
        const name = `${node.name}-worker-${i}`
        refs.set(name, await node.spawn(Counter, { name }))
      }
    }
    for (const node of [a, b, c]) {
      for (const [name, ref] of refs) {
        expect(await node.lookup(name), `${name} from ${node.name}`).to.deep.equal(ref)
      }
    }
  })

  it('fails a call to a handler that throws with the handler error, and the actor goes on', async () => {
    await b.spawn(Counter, { name: 'fragile' })
    const err = await a.call('fragile', { fail: 'no such thing' }).catch((e: Error) => e)
    expect(err).to.be.instanceOf(ActorHandlerError).and.include({ remoteName: 'TypeError', message: 'no such thing' })
    expect(await a.call('fragile', { inc: 1 })).to.equal(1)
  })

  it('names what went wrong: unknown actor, timeout, abort, oversize', async () => {
    await expect(a.call('nobody-has-this-name', {})).to.eventually.be.rejectedWith(ActorNotFoundError)
    await expect(a.call({ node: b.id, id: 'zz-missing' }, {})).to.eventually.be.rejectedWith(ActorNotFoundError)
    await b.spawn(Counter, { name: 'sleepy' })
    await expect(a.call('sleepy', { sleep: 500 }, { timeout: 50 })).to.eventually.be.rejectedWith(CallTimeoutError)
    const controller = new AbortController()
    const aborted = a.call('sleepy', { sleep: 500 }, { signal: controller.signal })
    controller.abort()
    await expect(aborted).to.eventually.be.rejectedWith(AbortError)
    const ref = await a.lookup('sleepy')
    expect(() => { a.send(ref!, new Uint8Array(2 * 1024 * 1024)) }).to.throw(MessageTooLargeError)
  })

  it('counts a send that reaches no actor instead of dropping it silently', async () => {
    const before = a.messaging.stats.undeliverable + b.messaging.stats.undeliverable
    a.send({ node: b.id, id: 'zz-missing' }, 'hello?')
    a.send('never-registered', 'hello?')
    await eventually(() => a.messaging.stats.undeliverable + b.messaging.stats.undeliverable === before + 2, 'both sends are counted undeliverable')
  })

  it('stops actors and removes their names everywhere', async () => {
    await c.spawn(Counter, { name: 'short-lived' })
    expect(await a.lookup('short-lived')).to.not.equal(undefined)
    await c.stopActor('short-lived')
    await eventually(async () => (await a.lookup('short-lived')) === undefined, 'the name is gone on another node')
    await expect(a.call('short-lived', {})).to.eventually.be.rejectedWith(ActorNotFoundError)
  })

  it('measures the message rate it reports', async () => {
    const ref = await b.spawn(Counter)
    for (let i = 0; i < 2000; i++) { a.send(ref, { inc: 1 }) }
    expect(await a.call(ref, { get: true })).to.equal(2000)
    // the rate averages the last four complete seconds: 2001 messages in one of them read as 500/s or more
    await eventually(() => b.info().node.messageRate >= 500, 'the rate shows the burst once its second is complete', 3000)
    expect(a.info().node.messageRate).to.be.lessThan(100)
    expect(b.info().node.processes).to.be.greaterThan(0)
  })
})
