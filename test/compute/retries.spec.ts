// Tries of a chunk on three real nodes: a retryable error or a timeout is tried again, on any member, up to
// maxAttempts; any other error fails the job at once with TaskFailedError naming the chunk, and its other work stops.
import { expect } from 'aegir/chai'
import { RetryableTaskError, TaskFailedError } from '../../src/compute/errors.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { JobProgress, TaskContext } from '../../src/compute/index.ts'

const CHUNK_SIZE = 10
const ITEMS = Array.from({ length: 500 }, (_, i) => i)
const SUM = ITEMS.reduce((a, b) => a + b, 0)
const add = (a: number, b: number): number => a + b

async function sum (items: number[]): Promise<number> {
  await new Promise(resolve => setTimeout(resolve, 2))
  return items.reduce(add, 0)
}

async function failure (promise: Promise<unknown>): Promise<Error> {
  return promise.then(() => { throw new Error('expected a rejection') }, (err: Error) => err)
}

describe('compute: retries and failures', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  let all: FoundationNode[]

  before(async () => {
    all = await nodes.startMany(3, { clusterName: uniqueCluster('retries') })
    await formed(all)
  })
  after(async () => { await nodes.stopAll() })

  /** registers the task on every node; `tries` counts every try of every chunk, cluster-wide */
  function register (name: string, task: (items: number[], context: TaskContext, node: FoundationNode) => Promise<number>): Map<number, number> {
    const tries = new Map<number, number>()
    for (const node of all) {
      node.task(name, async (items: number[], context: TaskContext) => {
        tries.set(context.chunk, (tries.get(context.chunk) ?? 0) + 1)
        return task(items, context, node)
      })
    }
    return tries
  }

  it('tries again a chunk whose task threw a retryable error, and the job succeeds', async () => {
    const tries = register('flaky', async (items, context) => {
      if (context.chunk % 5 === 0 && context.attempt === 1) { throw new RetryableTaskError('the database is busy') }
      // any error with retryable: true counts alike
      if (context.chunk % 7 === 0 && context.attempt < 3) { throw Object.assign(new Error('rate limited'), { retryable: true }) }
      return sum(items)
    })
    let last: JobProgress | undefined
    const total = await all[0].mapReduce(ITEMS, 'flaky', add, { initial: 0, chunkSize: CHUNK_SIZE, onProgress: p => { last = p } })
    expect(total).to.equal(SUM)
    const chunks = ITEMS.length / CHUNK_SIZE
    const expectedTries = (i: number): number => {
      if (i % 7 === 0) { return 3 }
      return i % 5 === 0 ? 2 : 1
    }
    for (let i = 0; i < chunks; i++) { expect(tries.get(i), `tries of chunk ${i}`).to.equal(expectedTries(i)) }
    const retried = Array.from({ length: chunks }, (_, i) => expectedTries(i) - 1).reduce(add, 0)
    expect(last).to.include({ state: 'done', done: chunks, retried })
  })

  it('fails the job at once with TaskFailedError naming the chunk and its first item, and stops its other work', async () => {
    const tries = register('broken', async (items, context) => {
      if (items.includes(437)) { throw new TypeError('row 437 has no price') }
      await new Promise(resolve => setTimeout(resolve, 20))
      context.signal.throwIfAborted()
      return sum(items)
    })
    const err = await failure(all[1].mapReduce(ITEMS, 'broken', add, { initial: 0, chunkSize: CHUNK_SIZE }))
    expect(err).to.be.instanceOf(TaskFailedError)
    expect(err).to.include({ task: 'broken', chunk: 43, first: 430, attempts: 1 })
    expect(err.message).to.include('chunk 43').and.include('index 430').and.include('row 437 has no price')
    expect(err.cause).to.have.property('name', 'TypeError')
    expect(all.map(n => n.id)).to.include((err as TaskFailedError).node)
    expect(tries.get(43)).to.equal(1)
    await eventually(() => all.every(node => node.compute.chunksRunning() === 0), 'no node runs a chunk of the failed job', 1000)
    const started = [...tries.values()].reduce(add, 0)
    await new Promise(resolve => setTimeout(resolve, 200))
    expect([...tries.values()].reduce(add, 0), 'chunks started after the failure').to.equal(started)
    expect(all[1].compute.jobs().at(-1)).to.include({ state: 'failed' })
  })

  it('gives up a chunk after maxAttempts tries in all', async () => {
    const tries = register('hopeless', async (items, context) => {
      if (context.chunk === 7) { throw new RetryableTaskError('still busy') }
      return sum(items)
    })
    const err = await failure(all[2].mapReduce(ITEMS, 'hopeless', add, { initial: 0, chunkSize: CHUNK_SIZE, maxAttempts: 4 }))
    expect(err).to.be.instanceOf(TaskFailedError)
    expect(err).to.include({ chunk: 7, first: 70, attempts: 4 })
    expect(err.cause).to.have.property('name', 'RetryableTaskError')
    expect(tries.get(7)).to.equal(4)
  })

  it('tries a chunk again when it times out, and aborts the try given up on its member', async () => {
    const abandoned: string[] = []
    register('stuck', async (items, context, node) => {
      if (context.chunk === 3 && context.attempt === 1) {
        // hangs until its signal says the coordinator gave up on it
        await new Promise<void>(resolve => { context.signal.addEventListener('abort', () => { resolve() }, { once: true }) })
        abandoned.push(node.id)
        throw new Error('aborted')
      }
      return sum(items)
    })
    let last: JobProgress | undefined
    const total = await all[0].mapReduce(ITEMS, 'stuck', add, { initial: 0, chunkSize: CHUNK_SIZE, chunkTimeout: 500, onProgress: p => { last = p } })
    expect(total).to.equal(SUM)
    expect(last).to.include({ retried: 1 })
    await eventually(() => abandoned.length === 1, 'the timed-out try was aborted on its member', 2000)
  })
})
