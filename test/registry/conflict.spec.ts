import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { pEvent } from 'p-event'
import { registryTopic } from '../../src/registry/announcement.ts'
import { conflictOf } from '../../src/registry/conflict.ts'
import { NameCache } from '../../src/registry/name-cache.ts'
import { NameWriter } from '../../src/registry/name-writer.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import { startHosts, startRegistries, stopAll } from './test-cluster.ts'
import type { TestNode } from './test-cluster.ts'
import type { ActorContext, ActorRef } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { Host } from '../../src/node/create-host.ts'
import type { NameConflictDetail, NameEventDetail, Registry } from '../../src/registry/index.ts'
import type { RegistryRecord } from '../../src/registry/record.ts'

function record (owner: string, id: string, time: number, extra: Partial<RegistryRecord> = {}): RegistryRecord {
  return { name: 'x', ref: { node: owner, id }, owner, version: { time, counter: 0 }, tombstone: false, ...extra }
}

describe('registry conflicts', () => {
  describe('the rule', () => {
    it('makes the newest live write win, the same whichever record is seen first', () => {
      const older = record('node-b', '1', 100)
      const newer = record('node-a', '2', 200)
      expect(conflictOf(older, newer)).to.deep.equal({ winner: newer, loser: older })
      expect(conflictOf(newer, older)).to.deep.equal({ winner: newer, loser: older })

      // same time and counter: the writer's id decides
      const tieA = record('node-a', '1', 100)
      const tieB = record('node-b', '2', 100)
      expect(conflictOf(tieA, tieB)?.winner).to.equal(tieB)
      expect(conflictOf(tieB, tieA)?.winner).to.equal(tieB)
    })

    it('sees no conflict in a tombstone, in one writer\'s own writes, or in two writes of the same actor', () => {
      expect(conflictOf(record('node-a', '1', 100), record('node-b', '2', 200, { tombstone: true }))).to.equal(undefined)
      expect(conflictOf(record('node-a', '1', 100), record('node-a', '2', 200))).to.equal(undefined)
      expect(conflictOf(record('node-a', '1', 100), record('node-b', '1', 200, { ref: { node: 'node-a', id: '1' } }))).to.equal(undefined)
      expect(conflictOf(undefined, record('node-a', '1', 100))).to.equal(undefined)
    })
  })

  describe('between registries with a hand-driven membership', function () {
    let cluster: string
    let hosts: Host[]
    let registries: TestNode[]

    beforeEach(async () => {
      cluster = `conflict-${Math.random().toString(36).slice(2, 10)}`
      hosts = await startHosts(cluster, 3)
      registries = await startRegistries(cluster, hosts, { lookupTimeout: 2000 })
    })

    afterEach(async () => {
      await stopAll(registries ?? [], hosts ?? [])
    })

    it('tells the loser with the winner, and a bystander whose cache held the loser', async () => {
      const [a, b, c] = registries
      const older = { node: a.id, id: 'one' }
      const newer = { node: c.id, id: 'two' }
      await a.registry.register('leader', older)
      await eventually(async () => sameRef(await b.registry.lookup('leader'), older), 'b caches a\'s write')
      // c thinks a gone, so it may take the name: a's write and c's now conflict
      c.membership.leave(a.id, 'dead')
      const onA = heard(a.registry, 'name:conflict')
      const unregisteredOnA = heard(a.registry, 'name:unregistered')
      const onB = heard(b.registry, 'name:conflict')

      await c.registry.register('leader', newer)

      expect(await onA).to.deep.equal({ name: 'leader', winner: newer, loser: older, local: true })
      expect(await unregisteredOnA).to.deep.equal({ name: 'leader', ref: older, local: true, reason: 'conflict', winner: newer })
      expect(await onB).to.deep.equal({ name: 'leader', winner: newer, loser: older, local: false })
      for (const node of registries) {
        expect(await node.registry.lookup('leader'), `${node.id} resolves the winner`).to.deep.equal(newer)
      }
    })

    it('asks a member for its names again when it refutes a suspicion: what it registered while cut off is found', async () => {
      const [a, , c] = registries
      // a hears no announcement: it knows only what it pulls (or reads in the DHT, which a lookup below cannot wait for)
      const topic = registryTopic(cluster)
      a.host.services.pubsub.unsubscribe(topic)
      await eventually(() => !subscribers(c.host, topic).includes(a.id), 'c knows a left the topic')
      const ref = { node: c.id, id: 'meanwhile' }
      await c.registry.register('meanwhile', ref)
      expect(await knownByRegistry(a.registry, 'meanwhile')).to.equal(undefined)

      a.membership.refute(c.id)
      await eventually(async () => sameRef(await knownByRegistry(a.registry, 'meanwhile'), ref), 'a pulled c\'s names')
    })
  })

  it('refuses register with visible: true on a registry that cannot ask members', async () => {
    const cluster = `conflict-${Math.random().toString(36).slice(2, 10)}`
    const [host] = await startHosts(cluster, 1)
    const [alone] = await startRegistries(cluster, [host]).catch(async (err) => { await host.stop(); throw err })
    try {
      const err = await alone.registry.register('x', { node: alone.id, id: '1' }, { visible: true }).then(() => undefined, (e: Error) => e)
      expect(err).to.have.property('name', 'RegistryRpcMissingError')
      expect(alone.registry.localNames()).to.deep.equal([])
    } finally {
      await stopAll([alone], [host])
    }
  })

  describe('the holder of a name', () => {
    /** A writer whose DHT and gossip are recorded instead of sent. */
    function writer (): { writer: NameWriter, announced: RegistryRecord[], stored: RegistryRecord[], conflicts: NameConflictDetail[], changes: Array<{ reason: string, winner?: ActorRef }> } {
      const announced: RegistryRecord[] = []
      const stored: RegistryRecord[] = []
      const conflicts: NameConflictDetail[] = []
      const changes: Array<{ reason: string, winner?: ActorRef }> = []
      const cache = new NameCache({ maxEntries: 100, now: () => 1_000 })
      const writer = new NameWriter({
        cache,
        store: { put: async (r: RegistryRecord) => { stored.push(r) } },
        reader: { current: async () => undefined, visible: (r?: RegistryRecord) => r == null || r.tombstone ? undefined : r.ref },
        announcer: { announce: async (r: RegistryRecord) => { announced.push(r) } },
        changed: (_type, _record, reason, _local, winner) => { changes.push({ reason, ...(winner != null ? { winner } : {}) }) },
        conflicted: (conflict) => { conflicts.push(conflict) },
        log: defaultLogger().forComponent('test'),
        self: () => 'node-a',
        running: () => true
      }, { cacheTtl: 60_000, negativeCacheTtl: 1_000, republishInterval: 3_600_000, now: () => 1_000 })
      return { writer, announced, stored, conflicts, changes }
    }

    it('announces and stores its write again when an older rival reaches it: caches that hold the rival learn the winner', async () => {
      const { writer: w, announced, stored } = writer()
      await w.register('x', { node: 'node-a', id: '1' }, {})
      const mine = w.held('x')
      announced.length = 0
      stored.length = 0

      w.defend(record('node-b', '2', 999))
      await eventually(() => announced.length === 1, 'the write is announced again')
      expect(announced).to.deep.equal([mine])
      expect(stored).to.deep.equal([mine])

      // a newer rival, a tombstone, or its own actor under another writer is no reason to
      w.defend(record('node-b', '2', 2_000))
      w.defend(record('node-b', '2', 999, { tombstone: true }))
      w.defend(record('node-b', '1', 999, { ref: { node: 'node-a', id: '1' } }))
      await new Promise(resolve => setTimeout(resolve, 20))
      expect(announced).to.have.length(1)
    })

    it('gives the name up to a newer rival, telling who won', async () => {
      const { writer: w, conflicts, changes } = writer()
      await w.register('x', { node: 'node-a', id: '1' }, {})

      expect(w.yieldTo(record('node-b', '2', 999))).to.be.false()
      expect(w.yieldTo(record('node-b', '2', 2_000))).to.be.true()
      expect(w.held('x')).to.equal(undefined)
      expect(changes.at(-1)).to.deep.equal({ reason: 'conflict', winner: { node: 'node-b', id: '2' } })
      expect(conflicts).to.deep.equal([{ name: 'x', winner: { node: 'node-b', id: '2' }, loser: { node: 'node-a', id: '1' }, local: true }])
    })
  })

  describe('after a partition heals', function () {
    this.timeout(90_000)
    const nodes = new TestNodes()

    afterEach(async () => { await nodes.stopAll() })

    /** An actor that answers with its tag, and records what it was told. */
    class Tagged {
      readonly tag: string
      readonly log: string[]
      constructor (tag: string, log: string[]) { this.tag = tag; this.log = log }
      receive (): string { return this.tag }
      nameConflict (winner: ActorRef, context: ActorContext): void { this.log.push(`conflict ${context.self.id} lost to ${winner.node}/${winner.id}`) }
      stopped (context: ActorContext): void { this.log.push(`stopped ${context.self.id}`) }
    }

    function listen<T> (node: FoundationNode, type: 'name:conflict' | 'name:unregistered', into: T[]): void {
      if (type === 'name:conflict') {
        node.addEventListener('name:conflict', (evt) => { into.push(evt.detail as T) })
      } else {
        node.registry.addEventListener('name:unregistered', (evt) => { into.push(evt.detail as T) })
      }
    }

    it('keeps the newest of two registrations made on both sides of a 2|2 cut: every node resolves it, the loser is told and stopped', async () => {
      const all = await nodes.startMany(4, { clusterName: uniqueCluster() })
      await formed(all)
      const [a, b, c, d] = all
      const conflicts = new Map(all.map(node => [node, [] as NameConflictDetail[]]))
      for (const [node, into] of conflicts) { listen(node, 'name:conflict', into) }
      const lostOnA: NameEventDetail[] = []
      listen(a, 'name:unregistered', lostOnA)

      await nodes.cuts.partition([a, b], [c, d])
      await formed(all, 2)

      const log: string[] = []
      const older = await a.spawn(Tagged, { name: 'leader', args: ['a', log] })
      // both sides resolve their own registration, and each side's other node caches it
      await eventually(async () => sameRef(await b.lookup('leader'), older), 'b resolves a\'s leader')
      // a later write: the newest write wins (a wall-clock version, so make sure the clock moved on)
      await new Promise(resolve => setTimeout(resolve, 20))
      const newer = await c.spawn(Tagged, { name: 'leader', args: ['c', log] })
      await eventually(async () => sameRef(await d.lookup('leader'), newer), 'd resolves c\'s leader')
      expect(await a.lookup('leader')).to.deep.equal(older)

      nodes.cuts.heal()
      await formed(all)

      await eventually(async () => {
        const seen = await Promise.all(all.map(async node => node.lookup('leader')))
        return seen.every(ref => sameRef(ref, newer))
      }, 'every node resolves c\'s leader, b\'s cache included')
      for (const node of all) {
        expect(await node.call('leader', 'who'), `${node.name} reaches the winner`).to.equal('c')
      }

      // the loser was told with the winner, its hook ran, then it was stopped
      await eventually(() => log.includes(`stopped ${older.id}`), 'a\'s leader is stopped')
      expect(log).to.deep.equal([`conflict ${older.id} lost to ${newer.node}/${newer.id}`, `stopped ${older.id}`])
      expect(a.actors.get(older.id)).to.equal(undefined)
      expect(c.actors.get(newer.id)?.alive).to.be.true()
      expect(a.registry.localNames()).to.deep.equal([])
      expect(c.registry.localNames()).to.deep.equal(['leader'])
      expect(conflicts.get(a)).to.deep.include({ name: 'leader', winner: newer, loser: older, local: true })
      expect(lostOnA).to.deep.include({ name: 'leader', ref: older, local: true, reason: 'conflict', winner: newer })
      // bystanders whose cache held one of the two may report it too (b usually does; not when the heal's membership
      // churn made it drop a's names first), always with the same winner
      for (const node of [b, c, d]) {
        expect(conflicts.get(node), `${node.name} reports the same conflict, as a bystander`).to.deep.equal(
          conflicts.get(node)?.map(() => ({ name: 'leader', winner: newer, loser: older, local: false }))
        )
      }
    })

    it('register with visible: true resolves only once every member resolves the name, even one that hears no announcement', async () => {
      const all = await nodes.startMany(4, { clusterName: uniqueCluster() })
      await formed(all)
      const [a, deaf, ...others] = all
      // deaf no longer hears registry announcements: only a direct question teaches it a name
      const topic = registryTopic(deaf.config.clusterName)
      deaf.host.services.pubsub.unsubscribe(topic)
      await eventually(() => !a.host.services.pubsub.getSubscribers(topic).some(peer => peer.toString() === deaf.id), 'a knows deaf left the topic')

      const quiet = await a.spawn(Tagged, { name: 'quiet', args: ['a', []] })
      await eventually(async () => sameRef(await knownWithoutAsking(others[0], 'quiet'), quiet), 'the others hear of the quiet name')
      expect(await knownWithoutAsking(deaf, 'quiet'), 'without visible, deaf does not know the name').to.equal(undefined)

      const ref = await a.spawn(Tagged, { name: 'everywhere', args: ['a', []], visible: true })
      for (const node of [deaf, ...others]) {
        expect(await knownWithoutAsking(node, 'everywhere'), `${node.name} already knows it`).to.deep.equal(ref)
      }

      await a.registry.register('also-everywhere', ref, { visible: true })
      expect(await knownWithoutAsking(deaf, 'also-everywhere')).to.deep.equal(ref)
    })

    it('register with visible: true on both sides of a cut waits for its own side only, and the heal keeps one owner', async () => {
      const all = await nodes.startMany(4, { clusterName: uniqueCluster() })
      await formed(all)
      const [a, b, c, d] = all
      await nodes.cuts.partition([a, b], [c, d])
      await formed(all, 2)

      const log: string[] = []
      const older = await a.spawn(Tagged, { name: 'single', args: ['a', log], visible: true })
      expect(await knownWithoutAsking(b, 'single')).to.deep.equal(older)
      await new Promise(resolve => setTimeout(resolve, 20))
      const newer = await d.spawn(Tagged, { name: 'single', args: ['d', log], visible: true })
      expect(await knownWithoutAsking(c, 'single')).to.deep.equal(newer)

      nodes.cuts.heal()
      await formed(all)
      await eventually(async () => {
        const seen = await Promise.all(all.map(async node => node.lookup('single')))
        return seen.every(ref => sameRef(ref, newer))
      }, 'every node resolves d\'s actor')
      await eventually(() => a.actors.get(older.id) == null, 'a\'s actor is stopped')

      // a registration after the heal sees the winner everywhere: a rival is refused
      const err = await b.spawn(Tagged, { name: 'single', args: ['b', log], visible: true }).then(() => undefined, (e: Error) => e)
      expect(err).to.have.property('name', 'NameTakenError')
      expect(err).to.have.deep.property('holder', newer)
    })

    it('undoes a register with visible: true that cannot finish: the caller gave up while a member could not answer', async () => {
      const all = await nodes.startMany(3, { clusterName: uniqueCluster() })
      await formed(all)
      const [a, mute] = all
      mute.endpoints.unregister('$registry')

      const err = await a.spawn(Tagged, { name: 'unconfirmed', args: ['a', []], visible: true, signal: AbortSignal.timeout(500) }).then(() => undefined, (e: Error) => e)
      expect(err).to.have.property('name', 'TimeoutError')
      expect(a.registry.localNames()).to.deep.equal([])
      expect(a.actors.named('unconfirmed')).to.equal(undefined)
      await eventually(async () => (await all[2].lookup('unconfirmed')) == null, 'the others forget the name')
    })

    it('answers a malformed registry request with a named error, and counts it', async () => {
      const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
      await formed([a, b])
      const before = b.registry.invalidMessages

      for (const body of [null, 'hello', { f: 1, op: 'see', r: 'not binary' }, { f: 1, op: 'see', r: new Uint8Array([0xc1, 2]) }, { f: 9, op: 'see' }, { f: 1, op: 'drop' }]) {
        const err = await a.messaging.call(b.id, '$registry', body, { timeout: 5_000 }).then(() => undefined, (e: Error) => e)
        expect(err, JSON.stringify(body)).to.have.property('name', 'InvalidRegistryRecordError')
      }
      expect(b.registry.invalidMessages - before).to.equal(6)
    })
  })
})

/** resolves with the detail of the next `type` event the registry emits */
async function heard<T extends 'name:conflict' | 'name:unregistered'> (registry: Registry, type: T): Promise<T extends 'name:conflict' ? NameConflictDetail : NameEventDetail> {
  const evt = await pEvent<T, CustomEvent<any>>(registry, type, { timeout: 10_000 })
  return evt.detail
}

function sameRef (a: ActorRef | undefined, b: ActorRef): boolean {
  return a?.node === b.node && a?.id === b.id
}

/**
 * What a node resolves the name to from what it already knows (its names and its cache): with an aborted signal
 * a lookup cannot wait for a pull or ask the DHT, so a name it does not know yet fails it.
 */
async function knownWithoutAsking (node: FoundationNode, name: string): Promise<ActorRef | undefined> {
  return knownByRegistry(node.registry, name)
}

function subscribers (host: Host, topic: string): string[] {
  return host.services.pubsub.getSubscribers(topic).map(peer => peer.toString())
}

async function knownByRegistry (registry: Registry, name: string): Promise<ActorRef | undefined> {
  return registry.lookup(name, { signal: AbortSignal.abort() }).catch(() => undefined)
}
