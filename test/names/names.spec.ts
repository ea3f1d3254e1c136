// One name system across real nodes: local and distributed actors share one namespace, a name resolves to the same
// actor from every node, and after a partition heals one holder of a name remains, whatever the kinds of the two.
import { expect } from 'aegir/chai'
import { NAMES_ENDPOINT } from '../../src/names/name-wire.ts'
import { TestNodes, agreed, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { ActorContext, ActorRef } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { DuplicateDetail } from '../../src/distribution/index.ts'
import type { NameConflictDetail } from '../../src/names/index.ts'

/** An actor that answers with its tag, and records what it was told. */
class Tagged {
  readonly tag: string
  readonly log: string[]
  constructor (tag: string, log: string[] = []) { this.tag = tag; this.log = log }
  receive (): string { return this.tag }
  nameConflict (winner: ActorRef, context: ActorContext): void { this.log.push(`conflict ${context.self.id} lost to ${winner.node}/${winner.id}`) }
  stopped (context: ActorContext): void { this.log.push(`stopped ${context.self.id}`) }
}

/** A distributed actor that answers with the node it runs on. */
class Where {
  private node = ''
  started (context: ActorContext): void { this.node = context.self.node }
  receive (): string { return `distributed@${this.node}` }
}

function sameRef (a: ActorRef | undefined, b: ActorRef | undefined): boolean {
  return a != null && b != null && a.node === b.node && a.id === b.id
}

/** What a node's table says of a name now, without waiting for anything. */
function knownWithoutAsking (node: FoundationNode, name: string): ActorRef | undefined {
  const entry = node.names.resolve(name)
  if (entry == null) { return undefined }
  return entry.kind === 'local' ? { node: entry.holder, id: entry.id } : { node: entry.holder, id: `~${entry.name}` }
}

async function lookups (nodes: FoundationNode[], name: string): Promise<Array<ActorRef | undefined>> {
  return Promise.all(nodes.map(async node => node.lookup(name)))
}

function allFree (refs: Array<ActorRef | undefined>): boolean {
  return refs.every(ref => ref == null)
}

/** Waits until each side of a cut holds its own members alive: a write on one side must not race a failover there. */
async function sidesAgree (...sides: FoundationNode[][]): Promise<void> {
  for (const side of sides) { await agreed(side, 30_000) }
}

async function failure (promise: Promise<unknown>): Promise<Error | undefined> {
  return promise.then(() => undefined, (err: Error) => err)
}

describe('names', function () {
  this.timeout(90_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  async function cluster (count: number): Promise<FoundationNode[]> {
    const all = await nodes.startMany(count, { clusterName: uniqueCluster() })
    for (const node of all) { node.define(Where) }
    await formed(all)
    return all
  }

  describe('one namespace', () => {
    it('refuses a distributed actor the name a local actor holds, from every node, and the reverse', async () => {
      const all = await cluster(3)
      const [a, b] = all
      const local = await a.spawn(Tagged, { name: 'shared-1', args: ['a'], visible: true })
      for (const node of all) {
        const err = await failure(node.spawn(Where, { name: 'shared-1', distribute: true }))
        expect(err, `${node.name} spawning a distributed shared-1`).to.have.property('name', 'NameTakenError')
        expect(err).to.have.deep.property('holder', local)
      }

      const distributed = await b.spawn(Where, { name: 'shared-2', distribute: true })
      for (const node of all) {
        const err = await failure(node.spawn(Tagged, { name: 'shared-2', args: ['x'] }))
        expect(err, `${node.name} spawning a local shared-2`).to.have.property('name', 'NameTakenError')
        expect(err).to.have.deep.property('holder', distributed)
      }
      // the refused spawns left nothing behind
      for (const node of all) { expect(node.actors.named('shared-2'), node.name).to.equal(undefined) }
    })

    it('reaches the same actor by name from every node, for each kind', async () => {
      const all = await cluster(3)
      const [a, b, c] = all
      await a.spawn(Tagged, { name: 'local-one', args: ['local@a'] })
      const distributed = await b.spawn(Where, { name: 'dist-one', distribute: true })
      for (const node of all) {
        expect(await node.call('local-one', 'who'), `${node.name} calls local-one`).to.equal('local@a')
        expect(await node.call('dist-one', 'who'), `${node.name} calls dist-one`).to.equal(`distributed@${distributed.node}`)
        expect(await node.lookup('local-one')).to.have.property('node', a.id)
        expect(await node.lookup('dist-one')).to.deep.equal(distributed)
      }
      // a name given up is free everywhere, and may then be taken by the other kind
      await a.stopActor('local-one')
      await eventually(async () => allFree(await lookups(all, 'local-one')), 'every node forgets local-one')
      const now = await c.spawn(Where, { name: 'local-one', distribute: true })
      for (const node of all) { expect(await node.call('local-one', 'who')).to.equal(`distributed@${now.node}`) }
    })

    it('frees the local names of a node that left, and keeps its distributed actors running elsewhere', async () => {
      const all = await cluster(3)
      const [a, b, c] = all
      await c.spawn(Tagged, { name: 'goes-with-c', args: ['c'], visible: true })
      const placed = await c.spawn(Where, { name: 'outlives-c', distribute: true, placement: () => c.id })
      expect(placed.node).to.equal(c.id)
      await c.stop()
      await formed([a, b])
      for (const node of [a, b]) {
        expect(await node.lookup('goes-with-c'), node.name).to.equal(undefined)
        expect(await node.call('outlives-c', 'who'), node.name).to.match(/^distributed@/)
      }
      await b.spawn(Tagged, { name: 'goes-with-c', args: ['b'] })
      expect(await a.call('goes-with-c', 'who')).to.equal('b')
    })

    it('stops a node holding thousands of names without giving them up one by one', async () => {
      const all = await cluster(2)
      const [a, b] = all
      const count = 3000
      await Promise.all(Array.from({ length: count }, async (_, i) => a.spawn(Tagged, { name: `many-${i}`, args: [String(i)] })))
      await eventually(() => b.names.table.liveOf('local') === count, 'b holds every name')
      const messagesBefore = a.messaging.stats.messagesOut
      await a.stop()
      expect(a.messaging.stats.messagesOut - messagesBefore, 'messages sent while stopping').to.be.below(50)
      await eventually(() => b.names.table.liveOf('local') === 0, 'b drops every name of a')
    })
  })

  describe('after a partition heals', () => {
    it('keeps the newest of two local registrations made on both sides of a 2|2 cut: every node resolves it, the loser is told and stopped', async () => {
      const all = await cluster(4)
      const [a, b, c, d] = all
      const conflicts = new Map(all.map(node => [node, [] as NameConflictDetail[]]))
      for (const [node, into] of conflicts) { node.addEventListener('name:conflict', (evt) => { into.push(evt.detail) }) }
      await nodes.cuts.partition([a, b], [c, d])
      await formed(all, 2)
      await sidesAgree([a, b], [c, d])

      const log: string[] = []
      const older = await a.spawn(Tagged, { name: 'leader', args: ['a', log], visible: true })
      expect(knownWithoutAsking(b, 'leader')).to.deep.equal(older)
      // a later write: the newest write wins (a wall-clock version, so make sure the clock moved on)
      await new Promise(resolve => setTimeout(resolve, 20))
      const newer = await c.spawn(Tagged, { name: 'leader', args: ['c', log], visible: true })
      expect(knownWithoutAsking(d, 'leader')).to.deep.equal(newer)

      nodes.cuts.heal()
      await agreed(all, 30_000)
      await eventually(async () => (await lookups(all, 'leader')).every(ref => sameRef(ref, newer)),
        'every node resolves c\'s leader')
      for (const node of all) { expect(await node.call('leader', 'who'), `${node.name} reaches the winner`).to.equal('c') }
      await eventually(() => log.includes(`stopped ${older.id}`), 'a\'s leader is stopped')
      expect(log).to.deep.equal([`conflict ${older.id} lost to ${newer.node}/${newer.id}`, `stopped ${older.id}`])
      expect(a.names.localNames()).to.deep.equal([])
      expect(c.names.localNames()).to.deep.equal(['leader'])
      expect(conflicts.get(a)).to.deep.include({ name: 'leader', winner: newer, loser: older, local: true })
      for (const node of [b, c, d]) {
        expect(conflicts.get(node), `${node.name} reports the conflict only as a bystander`).to.deep.equal(
          conflicts.get(node)?.map(() => ({ name: 'leader', winner: newer, loser: older, local: false }))
        )
      }
    })

    it('keeps the newer of a local and a distributed actor of one name taken on both sides: the other ends', async () => {
      const all = await cluster(4)
      const [a, b, c, d] = all
      const duplicates: DuplicateDetail[] = []
      for (const node of all) { node.addEventListener('actor:duplicate', (evt) => { duplicates.push(evt.detail) }) }
      await nodes.cuts.partition([a, b], [c, d])
      await formed(all, 2)
      await sidesAgree([a, b], [c, d])

      // older: a distributed actor on c's side; newer: a local actor on a's side
      const log: string[] = []
      const distributed = await d.spawn(Where, { name: 'both-kinds', distribute: true })
      await new Promise(resolve => setTimeout(resolve, 20))
      const local = await a.spawn(Tagged, { name: 'both-kinds', args: ['local@a', log], visible: true })
      expect(knownWithoutAsking(c, 'both-kinds')).to.deep.equal(distributed)

      nodes.cuts.heal()
      await agreed(all, 30_000)
      await eventually(async () => (await lookups(all, 'both-kinds')).every(ref => sameRef(ref, local)),
        'every node resolves the local actor')
      for (const node of all) { expect(await node.call('both-kinds', 'who'), node.name).to.equal('local@a') }
      // the heal may have had the distributed actor fail over first (a member briefly counted dead): every instance ends
      await eventually(() => !all.some(node => node.distribution.hostedNames().includes('both-kinds')), 'no distributed instance runs')
      expect(duplicates.some(detail => detail.name === 'both-kinds' && sameRef(detail.kept, local)), 'an instance ended for the local actor').to.equal(true)
      expect(log, 'the winner was not told anything').to.deep.equal([])
    })

    it('register with visible: true on both sides of a cut waits for its own side only, and the heal keeps one holder', async () => {
      const all = await cluster(4)
      const [a, b, c, d] = all
      await nodes.cuts.partition([a, b], [c, d])
      await formed(all, 2)
      await sidesAgree([a, b], [c, d])

      const older = await a.spawn(Tagged, { name: 'single', args: ['a'], visible: true })
      expect(knownWithoutAsking(b, 'single')).to.deep.equal(older)
      await new Promise(resolve => setTimeout(resolve, 20))
      const newer = await d.spawn(Tagged, { name: 'single', args: ['d'], visible: true })
      expect(knownWithoutAsking(c, 'single')).to.deep.equal(newer)

      nodes.cuts.heal()
      await agreed(all, 30_000)
      await eventually(async () => (await lookups(all, 'single')).every(ref => sameRef(ref, newer)),
        'every node resolves d\'s actor')
      await eventually(() => a.actors.get(older.id) == null, 'a\'s actor is stopped')
      const err = await failure(b.spawn(Tagged, { name: 'single', args: ['b'], visible: true }))
      expect(err).to.have.property('name', 'NameTakenError')
      expect(err).to.have.deep.property('holder', newer)
    })
  })

  describe('visible: true', () => {
    it('resolves only once every member keeps the name', async () => {
      const all = await cluster(4)
      const [a, ...others] = all
      const ref = await a.spawn(Tagged, { name: 'everywhere', args: ['a'], visible: true })
      for (const node of others) { expect(knownWithoutAsking(node, 'everywhere'), node.name).to.deep.equal(ref) }
    })

    it('undoes a register that cannot finish: the caller gave up while a member could not answer', async () => {
      const all = await cluster(3)
      const [a, mute, other] = all
      mute.endpoints.unregister(NAMES_ENDPOINT)
      const err = await failure(a.spawn(Tagged, { name: 'unconfirmed', args: ['a'], visible: true, signal: AbortSignal.timeout(500) }))
      expect(err).to.have.property('name', 'TimeoutError')
      expect(a.names.localNames()).to.deep.equal([])
      expect(a.actors.named('unconfirmed')).to.equal(undefined)
      await eventually(async () => (await other.lookup('unconfirmed')) == null, 'the others forget the name')
    })
  })

  it('answers a malformed name message with a named error, counts it, and keeps serving', async () => {
    const [a, b] = await cluster(2)
    const before = b.names.invalidMessages
    const bad = [null, 'hello', ['update'], ['update', [{ kind: 'local', name: '' }]], ['pull', 7], ['update', Array(501).fill(null)]]
    for (const body of bad) {
      const err = await failure(a.messaging.call(b.id, NAMES_ENDPOINT, body, { timeout: 5_000 }))
      expect(err, JSON.stringify(body).slice(0, 60)).to.have.property('name', 'MalformedFrameError')
    }
    expect(b.names.invalidMessages - before).to.equal(bad.length)
    const ref = await a.spawn(Tagged, { name: 'after-garbage', args: ['a'], visible: true })
    expect(knownWithoutAsking(b, 'after-garbage')).to.deep.equal(ref)
  })
})
