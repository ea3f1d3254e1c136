// Routed calls, map-reduce and channels on 25 real nodes in one process, formed once for all: every node takes part in
// a job of 2,000 chunks and the result is right; routed calls spread over the 25 actors of a service, and one key goes
// to one actor from every node; a publication on a named channel reaches every node's subscriber.
import { expect } from 'aegir/chai'
import { TestNodes, eventually, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { ChunkInfo, TaskContext } from '../../src/compute/index.ts'

const NODES = 25
const CHUNKS = 2000
const CHUNK_SIZE = 5
/**
 * 25 nodes share this process's one event loop on a 2-core machine: probes slower than the tests' fast settings,
 * so a node busy with its share of the job is not suspected meanwhile
 */
const LIGHT_MEMBERSHIP = { probeInterval: 1000, probeTimeout: 500, suspectTimeout: 4000 }
/** a named channel on every node */
const CHANNELS = { events: { parallelism: 2 } }

/** answers with its node's name */
class Server implements Actor {
  private readonly node: string
  constructor (node: string) { this.node = node }
  receive (): string { return this.node }
}

describe(`routed calls, map-reduce and channels on ${NODES} nodes in one process`, function () {
  this.timeout(180_000)
  const nodes = new TestNodes()
  let all: FoundationNode[] = []

  before(async () => {
    const cluster = uniqueCluster('workloads-25')
    const first = await nodes.start({ clusterName: cluster, name: 'node-1', membership: LIGHT_MEMBERSHIP, discovery: { mdns: false }, http: { enabled: false }, messaging: { channels: CHANNELS } })
    const seed = first.addresses()
    all = [first]
    for (let i = 2; i <= NODES; i++) {
      all.push(await nodes.start({ clusterName: cluster, name: `node-${i}`, membership: LIGHT_MEMBERSHIP, discovery: { mdns: false, static: seed }, http: { enabled: false }, messaging: { channels: CHANNELS } }))
    }
    await eventually(() => all.every(node => node.info().nodes === NODES), () => `members counted: ${all.map(n => n.info().nodes).join(' ')}`, 60_000)
    // membership spreads faster than 300 handshakes on one event loop: the job starts once the mesh is whole, or
    // the first offers wait for connections still being set up
    const linked = (node: FoundationNode): number => new Set(node.host.getConnections().map(c => c.remotePeer.toString())).size
    await eventually(() => all.every(node => linked(node) === NODES - 1), () => `peers connected: ${all.map(linked).join(' ')}`, 60_000)
  })

  after(async () => { await nodes.stopAll() })

  it(`runs ${CHUNKS} chunks with every node taking part, and sums them right`, async () => {
    const ran = new Map<string, number>()
    for (const node of all) {
      node.task('weigh', async (items: number[], context: TaskContext) => {
        ran.set(node.id, (ran.get(node.id) ?? 0) + 1)
        // a little waiting, as I/O would: the coordinator's own share cannot finish before the others start
        await new Promise(resolve => setTimeout(resolve, 5))
        context.signal.throwIfAborted()
        return items.reduce((sum, x) => sum + x, 0)
      })
    }
    const items = Array.from({ length: CHUNKS * CHUNK_SIZE }, (_, i) => i)
    const byNode = new Map<string, number>()
    const started = Date.now()
    const total = await all[7].mapReduce(items, 'weigh', (sum: number, part: number, chunk: ChunkInfo) => {
      byNode.set(chunk.node, (byNode.get(chunk.node) ?? 0) + 1)
      return sum + part
    }, { initial: 0, chunkSize: CHUNK_SIZE })
    const took = Date.now() - started
    expect(total).to.equal(items.reduce((a, b) => a + b, 0))
    const counts = all.map(node => byNode.get(node.id) ?? 0)
    expect(counts.every(count => count > 0), `chunks per node: ${counts.join(' ')} in ${took} ms`).to.equal(true)
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(CHUNKS)
    expect([...ran.values()].reduce((a, b) => a + b, 0), 'chunks run, tries included').to.equal(CHUNKS)
    expect(all[7].compute.jobs().at(-1)).to.include({ state: 'done', workers: NODES, done: CHUNKS, retried: 0 })
  })

  it('spreads routed calls over the actors of 25 nodes, and every node places one key on the same actor', async () => {
    for (const node of all) { await node.groups.join('api', await node.spawn(Server, { args: [node.name] })) }
    await eventually(() => all.every(node => node.groups.members('api').length === NODES), 'every node sees 25 actors', 60_000)
    const answers: string[] = []
    await Promise.all(Array.from({ length: 10 }, async () => {
      for (let i = 0; i < 50; i++) { answers.push(await all[0].route<string>('api', {}, { strategy: 'least-connections', timeout: 10_000 })) }
    }))
    const counts = new Map<string, number>()
    for (const name of answers) { counts.set(name, (counts.get(name) ?? 0) + 1) }
    expect(counts.size, JSON.stringify([...counts])).to.be.at.least(22)
    expect(Math.max(...counts.values())).to.be.below(60)
    const homes = await Promise.all(all.map(async node => node.route<string>('api', {}, { strategy: 'consistent-hash', key: 'order-17', timeout: 10_000 })))
    expect(new Set(homes).size).to.equal(1)
  })

  it(`delivers a publication on a named channel to every node's subscriber, ${NODES} of them`, async () => {
    const heard = new Map<string, unknown[]>()
    for (const node of all) { node.channel('events').subscribe('hello', (message) => { heard.set(node.id, [...(heard.get(node.id) ?? []), message]) }) }
    await all[3].channel('events').publish('hello', { from: 'node-4' })
    await all[11].channel('events').publish('hello', { from: 'node-12' }, { key: 'k' })
    await eventually(() => all.every(node => heard.get(node.id)?.length === 2), () => `nodes with both: ${all.filter(node => heard.get(node.id)?.length === 2).length}`, 30_000)
    expect(all[3].channel('events').stats()).to.include({ published: 1, messagesOut: NODES - 1, dropped: 0, lost: 0 })
  })
})
