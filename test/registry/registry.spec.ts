// The registry across real nodes: names found everywhere, removed everywhere, hidden when their node leaves, bad input rejected.
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { pEvent } from 'p-event'
import { createHost } from '../../src/node/create-host.ts'
import { ANNOUNCEMENT_ID_LENGTH, registryTopic } from '../../src/registry/announcement.ts'
import { registryKey } from '../../src/registry/dht-record.ts'
import { NameTakenError } from '../../src/registry/errors.ts'
import { createRegistry } from '../../src/registry/index.ts'
import { RecordCodec } from '../../src/registry/record.ts'
import { Codec } from '../../src/wire/codec.ts'
import { FakeMembership } from './fake-membership.ts'
import { startHosts, startRegistries, stopAll, untilRoutingTableHolds } from './test-cluster.ts'
import type { TestNode } from './test-cluster.ts'
import type { Host } from '../../src/node/create-host.ts'
import type { NameEventDetail, Registry } from '../../src/registry/index.ts'
import type { RegistryRecord } from '../../src/registry/record.ts'

const LOOKUP_TIMEOUT = 2000

describe('registry', () => {
  let cluster: string
  let hosts: Host[]
  let nodes: TestNode[]

  beforeEach(async () => {
    cluster = `registry-${Math.random().toString(36).slice(2, 10)}`
    hosts = await startHosts(cluster, 3)
    nodes = await startRegistries(cluster, hosts, { lookupTimeout: LOOKUP_TIMEOUT })
  })

  afterEach(async () => {
    await stopAll(nodes ?? [], hosts ?? [])
  })

  /** resolves when `registry` hears `event` for `name` */
  async function heard (registry: Registry, event: 'name:registered' | 'name:unregistered', name: string): Promise<NameEventDetail> {
    const evt = await pEvent<typeof event, CustomEvent<NameEventDetail>>(registry, event, { filter: (e: CustomEvent<NameEventDetail>) => e.detail.name === name, timeout: 10_000 })
    return evt.detail
  }

  async function registerAll (): Promise<Map<string, { node: string, id: string }>> {
    const expected = new Map<string, { node: string, id: string }>()
    await Promise.all(nodes.map(async (node, i) => {
      for (const suffix of ['a', 'b']) {
        const name = `service-${i}-${suffix}`
        const ref = { node: node.id, id: `actor-${i}-${suffix}` }
        expected.set(name, ref)
        await node.registry.register(name, ref)
      }
    }))
    return expected
  }

  it('finds every name from every node', async () => {
    const expected = await registerAll()

    for (const node of nodes) {
      expect(node.registry.localNames()).to.have.lengthOf(2)
      for (const [name, ref] of expected) {
        expect(await node.registry.lookup(name), `${name} seen from ${node.id}`).to.deep.equal(ref)
      }
    }
  })

  it('finds every name on a node that missed the announcements', async () => {
    const expected = await registerAll()
    // a fourth node, started after every write: its cache is empty until the members it sees join send their names
    const [late] = await startHosts(cluster, 1)
    hosts.push(late)
    for (const host of hosts.slice(0, 3)) { await late.dial(host.getMultiaddrs()) }
    await untilRoutingTableHolds(late, 3)
    const [lateNode] = await startRegistries(cluster, [late], { lookupTimeout: LOOKUP_TIMEOUT })
    nodes.push(lateNode)
    for (const node of nodes.slice(0, 3)) { lateNode.membership.join(node.id) }

    for (const [name, ref] of expected) {
      expect(await lateNode.registry.lookup(name), name).to.deep.equal(ref)
    }
  })

  it('makes an unregistered name vanish everywhere', async () => {
    await registerAll()
    const [a, b, c] = nodes
    const seen = [heard(b.registry, 'name:unregistered', 'service-0-a'), heard(c.registry, 'name:unregistered', 'service-0-a')]

    await a.registry.unregister('service-0-a')
    await Promise.all(seen)

    for (const node of nodes) {
      expect(await node.registry.lookup('service-0-a')).to.equal(undefined)
      expect(await node.registry.lookup('service-0-b')).to.deep.equal({ node: a.id, id: 'actor-0-b' })
    }
    expect(a.registry.localNames()).to.deep.equal(['service-0-b'])
  })

  it('keeps the tombstone in the DHT, so a cold lookup misses too', async () => {
    const [a, b] = nodes
    await a.registry.register('gone', { node: a.id, id: 'x' })
    await a.registry.unregister('gone')

    // b's cache would answer from the announcement: stop it and start a fresh registry on the same host
    await b.registry.stop()
    const [fresh] = await startRegistries(cluster, [b.host], { lookupTimeout: LOOKUP_TIMEOUT })
    nodes[1] = fresh
    fresh.membership.join(a.id)
    expect(await fresh.registry.lookup('gone')).to.equal(undefined)

    let stored: RegistryRecord | undefined
    for await (const event of b.host.services.dht.get(registryKey(cluster, 'gone'))) {
      if (event.name === 'VALUE') { stored = new RecordCodec().decode(event.value) }
    }
    expect(stored).to.include({ name: 'gone', tombstone: true })
  })

  it('hides the names of a node that left', async () => {
    await registerAll()
    const [a, b, c] = nodes
    const dropped = heard(b.registry, 'name:unregistered', 'service-0-a')

    b.membership.leave(a.id, 'dead')
    c.membership.leave(a.id, 'left')

    expect(await dropped).to.include({ reason: 'node-left', local: false })
    for (const node of [b, c]) {
      expect(await node.registry.lookup('service-0-a')).to.equal(undefined)
      expect(await node.registry.lookup('service-0-b')).to.equal(undefined)
      expect(await node.registry.lookup('service-1-a')).to.deep.equal({ node: b.id, id: 'actor-1-a' })
    }
  })

  it('refuses a name held by a live actor elsewhere, and accepts the same ref again', async () => {
    const [a, b] = nodes
    const ref = { node: a.id, id: 'holder' }
    await a.registry.register('unique', ref)

    const err = await b.registry.register('unique', { node: b.id, id: 'usurper' }).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(NameTakenError)
    expect(err).to.have.property('name', 'NameTakenError')
    expect(err).to.have.property('registeredName', 'unique')
    expect(err).to.have.deep.property('holder', ref)

    await a.registry.register('unique', ref)
    await b.registry.register('unique', ref)
    expect(a.registry.localNames()).to.deep.equal(['unique'])
    expect(b.registry.localNames()).to.deep.equal([])
    expect(await b.registry.lookup('unique')).to.deep.equal(ref)
  })

  it('lets a name of a node that left be taken, and tells the old holder it lost it', async () => {
    const [a, b] = nodes
    await a.registry.register('leader', { node: a.id, id: 'one' })
    b.membership.leave(a.id, 'dead')

    const lost = heard(a.registry, 'name:unregistered', 'leader')
    await b.registry.register('leader', { node: b.id, id: 'two' })

    expect(await lost).to.include({ reason: 'conflict', local: true })
    expect(a.registry.localNames()).to.deep.equal([])
    expect(await a.registry.lookup('leader')).to.deep.equal({ node: b.id, id: 'two' })
  })

  it('rejects and counts malformed announcements', async () => {
    const [a, b] = nodes
    const topic = registryTopic(cluster)
    const before = b.registry.invalidMessages
    const id = (n: number): Uint8Array => new Uint8Array(ANNOUNCEMENT_ID_LENGTH).fill(n)
    const frames = [
      new Uint8Array([1, 2, 3]),
      concat(id(1), new Uint8Array([0xc1, 0xff, 0x00])),
      concat(id(2), new Codec().encode({ f: 1, n: 'x', r: { node: 5 }, o: a.id, t: 1, c: 0, x: false }))
    ]

    for (const frame of frames) {
      const received = pEvent(b.host.services.pubsub, 'message', { filter: (e: Event) => (e as CustomEvent<{ topic: string }>).detail.topic === topic, timeout: 10_000 })
      await a.host.services.pubsub.publish(topic, frame)
      await received
    }

    expect(b.registry.invalidMessages - before).to.equal(frames.length)
    expect(await b.registry.lookup('x')).to.equal(undefined)
  })

  it('rejects and counts malformed DHT records', async () => {
    const [a, b, c] = nodes
    const before = [b.registry.invalidMessages, c.registry.invalidMessages]
    const misfiled = new RecordCodec().encode({ name: 'other', ref: { node: a.id, id: 'x' }, owner: a.id, version: { time: 1, counter: 0 }, tombstone: false })

    // put stores locally without validation, then the peers' validators refuse it
    for await (const event of a.host.services.dht.put(registryKey(cluster, 'junk'), new Uint8Array([0xc1, 1, 2]))) { void event }
    for await (const event of a.host.services.dht.put(registryKey(cluster, 'misfiled'), misfiled)) { void event }

    expect(b.registry.invalidMessages).to.be.greaterThan(before[0])
    expect(c.registry.invalidMessages).to.be.greaterThan(before[1])
    for (const node of nodes) {
      expect(await node.registry.lookup('junk')).to.equal(undefined)
      expect(await node.registry.lookup('misfiled')).to.equal(undefined)
    }
  })

  it('answers undefined for a name unknown everywhere, in bounded time', async () => {
    const started = Date.now()
    expect(await nodes[1].registry.lookup('nobody-has-this')).to.equal(undefined)
    expect(Date.now() - started).to.be.lessThan(LOOKUP_TIMEOUT + 1000)
  })

  it('unregisters its names when it stops', async () => {
    const [a, b] = nodes
    await a.registry.register('short-lived', { node: a.id, id: 'x' })
    const gone = heard(b.registry, 'name:unregistered', 'short-lived')

    await a.registry.stop()
    await gone
    expect(await b.registry.lookup('short-lived')).to.equal(undefined)
  })

  it('works when started before its host, as a node starts its parts', async () => {
    const host = await createHost({ cluster, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { enabled: false, interval: 1000 }, maxMessageSize: 1 << 20 })
    hosts.push(host)
    const membership = new FakeMembership(host.peerId.toString(), nodes.map(node => node.id))
    const registry = createRegistry({ host, membership, logger: defaultLogger() }, { cluster, lookupTimeout: LOOKUP_TIMEOUT })
    nodes.push({ host, id: host.peerId.toString(), membership, registry })
    await registry.start()
    await registry.register('early', { node: host.peerId.toString(), id: 'x' })

    await host.start()
    for (const other of hosts.slice(0, 3)) { await host.dial(other.getMultiaddrs()) }
    await untilRoutingTableHolds(host, 3)
    await untilRoutingTableHolds(nodes[0].host, 3)
    nodes[0].membership.join(host.peerId.toString())

    expect(await nodes[0].registry.lookup('early')).to.deep.equal({ node: host.peerId.toString(), id: 'x' })
    const announced = heard(registry, 'name:registered', 'later')
    await nodes[0].registry.register('later', { node: nodes[0].id, id: 'y' })
    await announced
  })

  it('is idempotent to start and stop', async () => {
    const [a] = nodes
    await a.registry.start()
    await a.registry.stop()
    await a.registry.stop()
    await a.registry.start()
    await a.registry.register('again', { node: a.id, id: 'x' })
    expect(await a.registry.lookup('again')).to.deep.equal({ node: a.id, id: 'x' })
  })
})

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength)
  out.set(a, 0)
  out.set(b, a.byteLength)
  return out
}
