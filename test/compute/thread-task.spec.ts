// Thread tasks on three real nodes: each node runs the chunks in its own pool of worker threads (piscina, loading a
// TypeScript module), the result is what a local run gives, and a cancelled job's threads are terminated.
import { expect } from 'aegir/chai'
import { TaskFailedError } from '../../src/compute/errors.ts'
import burn from '../fixtures/compute-burn-task.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { ChunkInfo } from '../../src/compute/index.ts'

const MODULE = new URL('../fixtures/compute-burn-task.ts', import.meta.url)
const CHUNK_SIZE = 20
const ITEMS = Array.from({ length: 600 }, (_, i) => i * 7919)
const addMod = (a: number, b: number): number => (a + b) % 2 ** 32

describe('compute: thread tasks', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  let all: FoundationNode[]

  before(async () => {
    all = await nodes.startMany(3, { clusterName: uniqueCluster('threads') })
    await formed(all)
    for (const node of all) {
      node.task('burn', { module: MODULE, threads: 2 })
      // one thread per node: a job after a cancelled one runs only if the spinning threads were terminated
      node.task('spin', { module: MODULE, export: 'burnOrSpin', threads: 1 })
      node.task('missing-export', { module: MODULE, export: 'noSuchExport', threads: 1 })
    }
  })
  after(async () => { await nodes.stopAll() })

  it('gives the result a local run of the same module gives, with chunks run on every node', async () => {
    let expected = 0
    for (let first = 0; first < ITEMS.length; first += CHUNK_SIZE) { expected = addMod(expected, burn(ITEMS.slice(first, first + CHUNK_SIZE))) }
    const byNode = new Map<string, number>()
    const total = await all[0].mapReduce(ITEMS, 'burn', (sum: number, part: number, chunk: ChunkInfo) => {
      byNode.set(chunk.node, (byNode.get(chunk.node) ?? 0) + 1)
      return addMod(sum, part)
    }, { initial: 0, chunkSize: CHUNK_SIZE })
    expect(total).to.equal(expected)
    expect(byNode.size, `chunks by node: ${JSON.stringify([...byNode.values()])}`).to.equal(3)
    // a thread task's capacity is its threads: each member holds threads + 1 chunks
    expect(all[0].compute.jobs().at(-1)).to.include({ state: 'done', workers: 3, done: ITEMS.length / CHUNK_SIZE })
  })

  it('terminates the threads of a cancelled job: the next job on the same one-thread pools runs', async () => {
    const controller = new AbortController()
    // every chunk spins forever
    const spinning = all[1].mapReduce(Array.from({ length: 30 }, () => -1), 'spin', addMod, { initial: 0, chunkSize: 1, signal: controller.signal })
      .then(() => undefined, (err: Error) => err)
    await eventually(() => all.every(node => node.compute.chunksRunning() > 0), 'every node runs a spinning chunk', 10_000)
    const aborted = Date.now()
    controller.abort()
    expect(await spinning).to.have.property('name', 'AbortError')
    expect(Date.now() - aborted).to.be.below(1000)
    await eventually(() => all.every(node => node.compute.chunksRunning() === 0), 'no chunk runs', 1000)

    const items = ITEMS.slice(0, 60)
    let expected = 0
    for (let first = 0; first < items.length; first += CHUNK_SIZE) { expected = addMod(expected, burn(items.slice(first, first + CHUNK_SIZE))) }
    const total = await all[1].mapReduce(items, 'spin', addMod, { initial: 0, chunkSize: CHUNK_SIZE, chunkTimeout: 10_000, maxAttempts: 1 })
    expect(total).to.equal(expected)
  })

  it('fails with TaskFailedError when the module has no such export', async () => {
    const err = await all[2].mapReduce(ITEMS, 'missing-export', addMod, { initial: 0, chunkSize: CHUNK_SIZE }).then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(TaskFailedError)
    expect(err?.message).to.include('noSuchExport')
  })
})
