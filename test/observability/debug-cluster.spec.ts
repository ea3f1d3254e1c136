import { expect } from 'aegir/chai'
import { DEBUG_SERVICE } from '../../src/observability/debug/debug-wire.ts'
import { EventLog } from '../../src/observability/events/event-log.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { Member } from '../../src/membership/index.ts'

/** Holds every message until `open()`: what it gets queues in its mailbox. */
class Gate {
  opened: Promise<void>
  open!: () => void
  constructor () { this.opened = new Promise(resolve => { this.open = resolve }) }
}

class Blocked implements Actor {
  private readonly gate: Gate
  constructor (gate: Gate) { this.gate = gate }
  async receive (): Promise<void> { await this.gate.opened }
}

class Idle implements Actor {
  receive (): void {}
}

class Placed implements Actor {
  receive (): string { return 'here' }
}

describe('debugCluster()', function () {
  const nodes = new TestNodes()
  let a: FoundationNode, b: FoundationNode, c: FoundationNode
  const gates: Gate[] = []

  beforeEach(async () => {
    [a, b, c] = await nodes.startMany(3, { clusterName: uniqueCluster() })
    await formed([a, b, c])
  })
  afterEach(async () => {
    for (const gate of gates.splice(0)) { gate.open() }
    await nodes.stopAll()
  })

  it('lists every node\'s actors with their type, name and mailbox depth, marking supervised and distributed ones', async () => {
    const gate = new Gate()
    gates.push(gate)
    await b.spawn(Blocked, { name: 'slow', args: [gate] })
    for (let i = 0; i < 5; i++) { a.send('slow', { i }) }
    await eventually(() => b.actors.named('slow')?.mailboxSize === 4, 'four messages wait behind the one in hand')
    await c.supervise({ name: 'sup', children: [{ id: 'w', actor: Idle, name: 'kept' }] })
    for (const node of [a, b, c]) { node.define(Placed) }
    await a.spawn(Placed, { name: 'placed', distribute: true })

    const debug = await a.debugCluster()
    expect(debug.unanswered).to.deep.equal([])
    expect(debug.nodes.map(n => n.id)).to.have.members([a.id, b.id, c.id])
    expect(debug.nodes[0].id).to.equal(a.id)
    for (const node of debug.nodes) { expect(node.status).to.equal('alive') }

    const onB = debug.nodes.find(n => n.id === b.id)!
    expect(onB.name).to.equal(b.name)
    expect(onB.actors.find(x => x.name === 'slow')).to.deep.include({ type: 'Blocked', mailbox: 4 })
    const onC = debug.nodes.find(n => n.id === c.id)!
    expect(onC.actors.find(x => x.name === 'kept')).to.deep.include({ type: 'Idle', mailbox: 0, supervised: true })
    const placed = debug.nodes.flatMap(n => n.actors).find(x => x.type === 'Placed')
    expect(placed).to.include({ distributed: true })
    for (const node of debug.nodes) {
      expect(node.actorsOmitted).to.equal(0)
      expect(node.actorCount).to.equal(node.actors.length)
    }
  })

  it('caps the actors listed per node, deepest mailboxes first, and says how many were left out', async () => {
    const gate = new Gate()
    gates.push(gate)
    const refs = []
    for (let i = 0; i < 5; i++) { refs.push(await b.spawn(Blocked, { args: [gate] })) }
    // the third actor gets the most mail
    for (let i = 0; i < 4; i++) { b.send(refs[2], i) }
    b.send(refs[4], 0)
    b.send(refs[4], 1)

    const debug = await a.debugCluster({ maxActors: 2 })
    const onB = debug.nodes.find(n => n.id === b.id)!
    expect(onB.actors).to.have.length(2)
    expect(onB.actorCount).to.equal(5)
    expect(onB.actorsOmitted).to.equal(3)
    expect(onB.actors.map(x => x.id)).to.deep.equal([refs[2].id, refs[4].id])
    expect(onB.actors.map(x => x.mailbox)).to.deep.equal([3, 1])
  })

  it('lists each node\'s links to the others, with their names, direction and open streams', async () => {
    const debug = await a.debugCluster()
    for (const node of debug.nodes) {
      const others = [a, b, c].filter(n => n.id !== node.id)
      expect(node.links.map(l => l.peer)).to.include.members(others.map(n => n.id))
      for (const other of others) {
        const link = node.links.find(l => l.peer === other.id)!
        expect(link.name).to.equal(other.name)
        expect(link.direction).to.be.oneOf(['inbound', 'outbound'])
        const streams = Object.values(link.streams).reduce((sum, n) => sum + n, 0)
        expect(streams, `streams from ${node.name} to ${other.name}`).to.be.greaterThan(0)
      }
    }
  })

  it('carries each node\'s recent events', async () => {
    const debug = await a.debugCluster()
    const onB = debug.nodes.find(n => n.id === b.id)!
    const joins = onB.events.filter(e => e.type === 'member:join').map(e => e.node)
    expect(joins).to.include.members([a.id, c.id])
    expect(onB.events.every(e => typeof e.time === 'number' && e.detail.length > 0)).to.equal(true)
  })

  it('lists the caches each node opened, with that node\'s counters for each', async () => {
    for (const node of [a, b, c]) { node.cache('stock') }
    const sessions = b.cache<number>('sessions', { mode: 'local' })
    await eventually(() => [a, b, c].every(node => node.caches.unsynced() === 0), 'every node holds its partitions of stock')
    const stock = a.cache<string>('stock')
    for (let i = 0; i < 5; i++) { await stock.set(`k-${i}`, `v-${i}`) }
    for (const key of ['k-0', 'k-1', 'k-2', 'none']) { await stock.get(key) }
    await sessions.set('s', 1)

    const debug = await a.debugCluster()
    const caches = new Map(debug.nodes.map(n => [n.id, n.caches]))
    expect(caches.get(a.id)).to.deep.equal([{ name: 'stock', ...a.cache('stock').stats() }])
    expect(caches.get(a.id)?.[0]).to.include({ hits: 3, misses: 1, writes: 5, deletes: 0 })
    expect(caches.get(b.id)?.map(cache => cache.name)).to.deep.equal(['stock', 'sessions'])
    expect(caches.get(b.id)?.[1]).to.deep.equal({ name: 'sessions', hits: 0, misses: 0, writes: 1, deletes: 0, evictions: 0, expirations: 0, moves: 0, entries: 1, bytes: 0, rebalancing: 0 })
    // each of the 5 entries is kept by its owner and one backup, somewhere among the three
    const entries = [a, b, c].map(node => caches.get(node.id)?.[0].entries ?? 0)
    expect(entries.reduce((sum, n) => sum + n, 0), `entries per node: ${entries.join(', ')}`).to.equal(10)
    expect(entries).to.deep.equal([a, b, c].map(node => node.cache('stock').stats().entries))
  })

  it('takes an answer without caches, as a member of an earlier release sends, as a node that opened none', async () => {
    a.cache('stock')
    b.cache('stock')
    const real = (await a.debugCluster()).nodes.find(n => n.id === b.id)!
    expect(real.caches.map(cache => cache.name)).to.deep.equal(['stock'])
    const { caches: _, ...earlier } = real
    b.endpoints.register(DEBUG_SERVICE, { call: async () => earlier })
    const debug = await a.debugCluster()
    expect(debug.unanswered).to.deep.equal([])
    expect(debug.nodes.find(n => n.id === b.id)?.caches).to.deep.equal([])
    // but counters that are not counts are not taken
    b.endpoints.register(DEBUG_SERVICE, { call: async () => ({ ...real, caches: [{ ...real.caches[0], hits: -1 }] }) })
    const refused = await a.debugCluster()
    expect(refused.unanswered.find(u => u.id === b.id)?.error).to.match(/^InvalidDebugAnswerError: .*: caches\.0\.hits: /)
  })

  it('lists the map-reduce jobs each node coordinates: those running with their progress, then the last finished', async () => {
    const gate = new Gate()
    gates.push(gate)
    // every chunk waits at the gate: the job stands still while it is looked at
    for (const node of [a, b, c]) { node.task('held', async (items: number[]) => { await gate.opened; return items.length }) }
    b.task('count', (items: number[]) => items.length)
    await b.mapReduce([1, 2, 3], 'count', (sum: number, n: number) => sum + n, { initial: 0 })
    const job = b.mapReduce(Array.from({ length: 50 }, (_, i) => i), 'held', (sum: number, n: number) => sum + n, { initial: 0, chunkSize: 5 })
    await eventually(() => b.compute.jobs()[0]?.inFlight === 10 && b.compute.jobs()[0]?.workers === 3, () => `every chunk is sent: ${JSON.stringify(b.compute.jobs())}`)

    const running = await a.debugCluster()
    const jobs = new Map(running.nodes.map(n => [n.id, n.jobs]))
    expect(jobs.get(a.id)).to.deep.equal([])
    expect(jobs.get(c.id)).to.deep.equal([])
    expect(jobs.get(b.id)).to.deep.equal(b.compute.jobs())
    // the running job first, then the one finished
    expect(jobs.get(b.id)?.map(j => [j.task, j.state])).to.deep.equal([['held', 'running'], ['count', 'done']])
    expect(jobs.get(b.id)?.[0]).to.deep.include({ state: 'running', done: 0, inFlight: 10, retried: 0, items: 50, workers: 3, sourceEnded: true })

    gate.open()
    expect(await job).to.equal(50)
    const finished = (await c.debugCluster()).nodes.find(n => n.id === b.id)!
    expect(finished.jobs.map(j => j.task)).to.deep.equal(['count', 'held'])
    expect(finished.jobs[1]).to.deep.include({ job: jobs.get(b.id)?.[0].job, state: 'done', done: 10, inFlight: 0 })
  })

  it('takes an answer without jobs, as a member of an earlier release sends, as a node that coordinates none', async () => {
    b.task('count', (items: number[]) => items.length)
    await b.mapReduce([1, 2, 3], 'count', (sum: number, n: number) => sum + n, { initial: 0 })
    const real = (await a.debugCluster()).nodes.find(n => n.id === b.id)!
    expect(real.jobs.map(job => job.state)).to.deep.equal(['done'])
    const { jobs: _, ...earlier } = real
    b.endpoints.register(DEBUG_SERVICE, { call: async () => earlier })
    const debug = await a.debugCluster()
    expect(debug.unanswered).to.deep.equal([])
    expect(debug.nodes.find(n => n.id === b.id)?.jobs).to.deep.equal([])
    // but a job that is not one is not taken: a state no job has, a count below 0, a job without its id
    const bad: Array<[unknown, RegExp]> = [
      [{ ...real.jobs[0], state: 'paused' }, /: jobs\.0\.state: "running", "done", "failed" or "cancelled"$/],
      [{ ...real.jobs[0], inFlight: -1 }, /: jobs\.0\.inFlight: a whole number from 0 to /],
      [{ ...real.jobs[0], job: '' }, /: jobs\.0\.job: a string of 1 to 256 characters$/],
      [{ ...real.jobs[0], sourceEnded: 'yes' }, /: jobs\.0\.sourceEnded: true or false$/]
    ]
    let answer: unknown
    b.endpoints.register(DEBUG_SERVICE, { call: async () => answer })
    const refusal = async (): Promise<string | undefined> => (await a.debugCluster()).unanswered.find(u => u.id === b.id)?.error
    for (const [job, error] of bad) {
      answer = { ...real, jobs: [job] }
      expect(await refusal()).to.match(/^InvalidDebugAnswerError: /).and.to.match(error)
    }
    answer = { ...real, jobs: Array.from({ length: 65 }, () => real.jobs[0]) }
    expect(await refusal()).to.match(/: jobs: at most 64 entries$/)
  })

  it('lists a member that does not answer, or answers with nonsense, as unanswered and still returns the others', async () => {
    // c takes the request and never answers; b answers with something that is not a snapshot
    c.endpoints.register(DEBUG_SERVICE, { call: async () => new Promise(() => {}) })
    const real = (await a.debugCluster()).nodes.find(n => n.id === b.id)!
    b.endpoints.register(DEBUG_SERVICE, { call: async () => ({ ...real, actors: 'lots' }) })

    const debug = await a.debugCluster({ timeout: 500 })
    expect(debug.nodes.map(n => n.id)).to.deep.equal([a.id])
    const byId = new Map(debug.unanswered.map(u => [u.id, u]))
    expect(byId.get(c.id)).to.include({ name: c.name })
    expect(byId.get(c.id)?.error).to.match(/^CallTimeoutError/)
    expect(byId.get(b.id)?.error).to.match(/^InvalidDebugAnswerError: malformed \$debug answer from .*: actors: /)
    expect(a.debug.invalidMessages).to.equal(1)
  })

  it('answers a malformed request with InvalidDebugRequestError and counts it', async () => {
    const err = await a.messaging.call(b.id, DEBUG_SERVICE, { a: 'all' }, { timeout: 2000 }).catch((e: Error) => e)
    expect(err).to.have.property('name', 'InvalidDebugRequestError')
    expect((err as Error).message).to.include('a:')
    expect(b.debug.invalidMessages).to.equal(1)
    // b still answers a good one
    const debug = await a.debugCluster()
    expect(debug.nodes.map(n => n.id)).to.include(b.id)
  })
})

describe('the recent-events log', () => {
  it('keeps the newest entries up to its capacity, oldest first, with time and detail', () => {
    let now = 1000
    const log = new EventLog({ nameOf: (id) => id === 'p2' ? 'node-2' : undefined, now: () => now++ }, { capacity: 3 })
    const member = (id: string, status: Member['status']): Member => ({ id, name: `name-${id}`, roles: [], addresses: [], status, incarnation: 0 })
    log.record('member:join', member('p1', 'alive'))
    log.record('member:suspect', member('p1', 'suspect'))
    log.record('member:leave', member('p1', 'dead'))
    log.record('actor:failover', { name: 'cart', from: 'p1', to: 'p2' })
    const recent = log.recent()
    expect(recent.map(e => e.type)).to.deep.equal(['member:suspect', 'member:leave', 'actor:failover'])
    expect(recent.map(e => e.time)).to.deep.equal([1001, 1002, 1003])
    expect(recent[1]).to.include({ node: 'p1', detail: 'name-p1 (p1) left (dead)' })
    expect(recent[2].detail).to.equal('cart restarted on node-2 (p2) after p1 was lost')
    expect(log.recent(1).map(e => e.seq)).to.deep.equal([4])
  })

  it('tells listeners of new entries until they unsubscribe', () => {
    const log = new EventLog({ nameOf: () => undefined })
    const seen: string[] = []
    const unsubscribe = log.subscribe((e) => { seen.push(e.type) })
    expect(log.listenerCount).to.equal(1)
    log.record('partition:healed', { unreachable: [], reachable: 2, knownSize: 2, majority: true, returned: ['x'] })
    unsubscribe()
    log.record('actor:quorum-lost', { name: 'n' })
    expect(seen).to.deep.equal(['partition:healed'])
    expect(log.listenerCount).to.equal(0)
  })
})
