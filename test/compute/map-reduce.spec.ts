// Map-reduce on three real nodes over TCP: the result is what a local reduce of the same task over the same chunks
// gives, in order or as results arrive, from an array or an async iterable read as the job goes; every node takes
// chunks; a task goes only to the nodes that registered it and have the roles asked for.
import { expect } from 'aegir/chai'
import { TaskNotFoundError } from '../../src/compute/errors.ts'
import { TestNodes, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { ChunkInfo, JobProgress, TaskContext } from '../../src/compute/index.ts'

const CHUNK_SIZE = 10
const ITEMS = Array.from({ length: 1000 }, (_, i) => i)

/** the task every node runs: a few ms of waiting, as I/O would, then a sum of squares */
async function sumOfSquares (items: number[], context: TaskContext): Promise<number> {
  await new Promise(resolve => setTimeout(resolve, 3))
  context.signal.throwIfAborted()
  return items.reduce((sum, x) => sum + x * x, 0)
}

/** the same chunks, the same task, one after another in this process */
async function localResults (items: number[], chunkSize = CHUNK_SIZE): Promise<number[]> {
  const results: number[] = []
  for (let first = 0; first < items.length; first += chunkSize) {
    results.push(await sumOfSquares(items.slice(first, first + chunkSize), { signal: new AbortController().signal, job: 'local', chunk: results.length, attempt: 1 }))
  }
  return results
}

describe('compute: map-reduce on three nodes', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  let all: FoundationNode[]
  /** chunks each node ran of the tasks that count them, by node id */
  const runs = new Map<string, number>()

  before(async () => {
    all = await nodes.startMany(3, { clusterName: uniqueCluster('compute'), roles: [] })
    await formed(all)
    for (const node of all) {
      node.task('squares', sumOfSquares)
    }
  })
  after(async () => { await nodes.stopAll() })
  beforeEach(() => { runs.clear() })

  it('sums as a local reduce does, with chunks run on all three nodes and progress up to the chunk count', async () => {
    const expected = (await localResults(ITEMS)).reduce((a, b) => a + b, 0)
    const byNode = new Map<string, number>()
    const progress: JobProgress[] = []
    const total = await all[0].mapReduce(ITEMS, 'squares', (sum: number, part: number, chunk: ChunkInfo) => {
      byNode.set(chunk.node, (byNode.get(chunk.node) ?? 0) + 1)
      return sum + part
    }, { initial: 0, chunkSize: CHUNK_SIZE, onProgress: p => { progress.push(p) } })
    expect(total).to.equal(expected)
    expect([...byNode.keys()].sort(), `chunks by node: ${JSON.stringify([...byNode])}`).to.deep.equal(all.map(n => n.id).sort())
    expect([...byNode.values()].reduce((a, b) => a + b, 0)).to.equal(ITEMS.length / CHUNK_SIZE)
    const last = progress.at(-1)
    expect(last).to.include({ state: 'done', done: ITEMS.length / CHUNK_SIZE, inFlight: 0, items: ITEMS.length, sourceEnded: true, retried: 0 })
    // 100 chunks change the job some 300 times: onProgress hears of them at most every 100 ms
    expect(progress.length).to.be.below(100)
    expect(all[0].compute.jobs().at(-1)).to.include({ state: 'done', done: ITEMS.length / CHUNK_SIZE })
  })

  it('folds in chunk order with ordered: true, into an object accumulator, the first result without initial', async () => {
    const expected = await localResults(ITEMS)
    const ordered = await all[1].mapReduce(ITEMS, 'squares', (acc: { parts: number[], firsts: number[] }, part: number, chunk: ChunkInfo) => {
      acc.parts.push(part)
      acc.firsts.push(chunk.first)
      return acc
    }, { initial: { parts: [], firsts: [] }, chunkSize: CHUNK_SIZE, ordered: true })
    expect(ordered.parts).to.deep.equal(expected)
    expect(ordered.firsts).to.deep.equal(expected.map((_, i) => i * CHUNK_SIZE))

    // no initial: the first result is the accumulator, as Array.prototype.reduce takes it
    const max = await all[1].mapReduce(ITEMS, 'squares', (a: number, b: number) => Math.max(a, b), { chunkSize: CHUNK_SIZE })
    expect(max).to.equal(Math.max(...expected))
  })

  it('gives each chunk\'s result once into an object accumulator as results arrive', async () => {
    const expected = await localResults(ITEMS, 7)
    const byChunk = await all[2].mapReduce(ITEMS, 'squares', (acc: Record<number, number>, part: number, chunk: ChunkInfo) => {
      expect(acc[chunk.index], `chunk ${chunk.index} reduced twice`).to.equal(undefined)
      return { ...acc, [chunk.index]: part }
    }, { initial: {}, chunkSize: 7 })
    expect(Object.keys(byChunk)).to.have.lengthOf(expected.length)
    expect(expected.every((part, i) => byChunk[i] === part)).to.equal(true)
  })

  it('reads an async iterable as the job goes: never more than the chunks in flight plus one ahead', async () => {
    const count = 3000
    const expected = (await localResults(Array.from({ length: count }, (_, i) => i))).reduce((a, b) => a + b, 0)
    let read = 0
    let reducedItems = 0
    let mostAhead = 0
    async function * rows (): AsyncGenerator<number> {
      for (let i = 0; i < count; i++) {
        if (i % 50 === 0) { await new Promise(resolve => setImmediate(resolve)) }
        read++
        mostAhead = Math.max(mostAhead, read - reducedItems)
        yield i
      }
    }
    const total = await all[0].mapReduce(rows(), 'squares', (sum: number, part: number, chunk: ChunkInfo) => {
      reducedItems += chunk.size
      return sum + part
    }, { initial: 0, chunkSize: CHUNK_SIZE, concurrency: 4 })
    expect(total).to.equal(expected)
    // 3 members holding 4 chunks each, one chunk read ahead, and the one being read
    expect(mostAhead, 'items read and not yet reduced').to.be.at.most((3 * 4 + 2) * CHUNK_SIZE)
  })

  it('resolves an empty source to the initial value, and rejects one with no initial value with a TypeError', async () => {
    expect(await all[0].mapReduce([], 'squares', (a: number, b: number) => a + b, { initial: 42 })).to.equal(42)
    const err = await all[0].mapReduce([], 'squares', (a: number, b: number) => a + b).then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(TypeError)
    expect(err?.message).to.match(/empty source with no initial value/)
  })

  it('never sends a task to a node that did not register it', async () => {
    all[0].task('two-only', async (items: number[], context: TaskContext) => {
      runs.set(all[0].id, (runs.get(all[0].id) ?? 0) + 1)
      return sumOfSquares(items, context)
    })
    all[1].task('two-only', async (items: number[], context: TaskContext) => {
      runs.set(all[1].id, (runs.get(all[1].id) ?? 0) + 1)
      return sumOfSquares(items, context)
    })
    const expected = (await localResults(ITEMS)).reduce((a, b) => a + b, 0)
    // coordinated by the node without the task: it runs no chunk itself
    const byNode = new Map<string, number>()
    const total = await all[2].mapReduce(ITEMS, 'two-only', (sum: number, part: number, chunk: ChunkInfo) => {
      byNode.set(chunk.node, (byNode.get(chunk.node) ?? 0) + 1)
      return sum + part
    }, { initial: 0, chunkSize: CHUNK_SIZE })
    expect(total).to.equal(expected)
    expect(runs.get(all[2].id) ?? 0).to.equal(0)
    expect(byNode.has(all[2].id)).to.equal(false)
    expect((runs.get(all[0].id) ?? 0) + (runs.get(all[1].id) ?? 0)).to.equal(ITEMS.length / CHUNK_SIZE)
    expect(all[2].compute.jobs().at(-1)?.workers).to.equal(2)
  })

  it('sends chunks only to members with every role asked for', async () => {
    const name = uniqueCluster('roles')
    const [gpu, cpu, both] = [
      await nodes.start({ clusterName: name, name: 'gpu', roles: ['ai', 'gpu'] }),
      await nodes.start({ clusterName: name, name: 'cpu', roles: ['ai'] }),
      await nodes.start({ clusterName: name, name: 'both', roles: ['ai', 'gpu'] })
    ]
    await formed([gpu, cpu, both])
    const ran = new Map<string, number>()
    for (const node of [gpu, cpu, both]) {
      node.task('embed', async (items: number[], context: TaskContext) => {
        ran.set(node.name, (ran.get(node.name) ?? 0) + 1)
        return sumOfSquares(items, context)
      })
    }
    const expected = (await localResults(ITEMS)).reduce((a, b) => a + b, 0)
    expect(await cpu.mapReduce(ITEMS, 'embed', (a: number, b: number) => a + b, { initial: 0, chunkSize: CHUNK_SIZE, roles: ['gpu'] })).to.equal(expected)
    expect(ran.get('cpu') ?? 0).to.equal(0)
    expect((ran.get('gpu') ?? 0) + (ran.get('both') ?? 0)).to.equal(ITEMS.length / CHUNK_SIZE)
  })

  it('rejects with TaskNotFoundError naming the task and roles when no member has the task', async () => {
    const err = await all[0].mapReduce(ITEMS, 'nobody-has-it', (a: number, b: number) => a + b, { initial: 0 }).then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(TaskNotFoundError)
    expect(err?.message).to.include('"nobody-has-it"').and.include('3 asked')
    const byRole = await all[0].mapReduce(ITEMS, 'squares', (a: number, b: number) => a + b, { initial: 0, roles: ['no-such-role'] }).then(() => undefined, (e: Error) => e)
    expect(byRole).to.be.instanceOf(TaskNotFoundError)
    expect(byRole?.message).to.include('no-such-role')
    expect(runs.size).to.equal(0)
  })

  it('refuses bad options at the call, naming them', async () => {
    const bad: Array<[string, Record<string, unknown>]> = [
      ['chunkSize', { chunkSize: 0 }], ['chunkSize', { chunkSize: 1.5 }], ['concurrency', { concurrency: -1 }],
      ['maxAttempts', { maxAttempts: 0 }], ['chunkTimeout', { chunkTimeout: 0 }], ['roles', { roles: 'ai' }]
    ]
    for (const [option, options] of bad) {
      const err = await all[0].mapReduce(ITEMS, 'squares', (a: number, b: number) => a + b, options).then(() => undefined, (e: Error) => e)
      expect(err, option).to.have.property('name', 'MapReduceOptionError')
      expect(err).to.have.property('option', option)
    }
    const named = await all[0].mapReduce(ITEMS, 'x'.repeat(257), (a: number, b: number) => a + b).then(() => undefined, (e: Error) => e)
    expect(named).to.have.property('name', 'TaskNameError')
    expect(() => { all[0].task('', sumOfSquares) }).to.throw().with.property('name', 'TaskNameError')
    expect(() => { all[0].task('t', { module: '' }) }).to.throw().with.property('name', 'TaskOptionError')
  })
})
