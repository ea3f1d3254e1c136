// Cancelling a job on three real nodes: the caller's signal rejects mapReduce with AbortError at once and every
// member aborts the chunks it runs; a coordinator that crashes has its chunks aborted on the members once they find
// it gone, and one that stops cancels its jobs.
import { expect } from 'aegir/chai'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { TaskContext } from '../../src/compute/index.ts'

const ITEMS = Array.from({ length: 2000 }, (_, i) => i)
const add = (a: number, b: number): number => a + b

/** A task that waits a long time, as a slow service call would, heeding its signal; counts what runs per node. */
function slowTask (running: Map<string, number>, node: FoundationNode) {
  return async (items: number[], context: TaskContext): Promise<number> => {
    running.set(node.id, (running.get(node.id) ?? 0) + 1)
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 30_000)
        context.signal.addEventListener('abort', () => { clearTimeout(timer); reject(context.signal.reason) }, { once: true })
      })
      return items.reduce(add, 0)
    } finally {
      running.set(node.id, (running.get(node.id) ?? 0) - 1)
    }
  }
}

const total = (running: Map<string, number>): number => [...running.values()].reduce(add, 0)

describe('compute: cancelling a job', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  async function cluster (): Promise<{ all: FoundationNode[], running: Map<string, number> }> {
    const all = await nodes.startMany(3, { clusterName: uniqueCluster('cancel') })
    await formed(all)
    const running = new Map<string, number>()
    for (const node of all) { node.task('slow', slowTask(running, node)) }
    return { all, running }
  }

  it('rejects with AbortError within a second of the abort, and every node stops its chunks within a second', async () => {
    const { all, running } = await cluster()
    const controller = new AbortController()
    const job = all[0].mapReduce(ITEMS, 'slow', add, { initial: 0, chunkSize: 10, signal: controller.signal })
    const outcome = job.then(() => undefined, (err: Error) => err)
    // every node holds its capacity plus one: 8 run at once, the ninth waits its turn
    await eventually(() => all.every(node => (running.get(node.id) ?? 0) === 8), () => `running per node: ${JSON.stringify([...running.values()])}`, 5000)
    expect(all.map(node => node.compute.chunksRunning())).to.deep.equal([9, 9, 9])
    const aborted = Date.now()
    controller.abort()
    const err = await outcome
    expect(Date.now() - aborted, 'ms until mapReduce rejected').to.be.below(1000)
    expect(err).to.have.property('name', 'AbortError')
    await eventually(() => total(running) === 0 && all.every(node => node.compute.chunksRunning() === 0),
      () => `tasks running ${total(running)}, chunks held ${all.map(n => n.compute.chunksRunning()).join(', ')}`, 1000)
    expect(all[0].compute.jobs().at(-1)).to.include({ state: 'cancelled', done: 0 })
  })

  it('rejects at once for a signal aborted before the call, sending nothing', async () => {
    const { all, running } = await cluster()
    const err = await all[0].mapReduce(ITEMS, 'slow', add, { initial: 0, signal: AbortSignal.abort() }).then(() => undefined, (e: Error) => e)
    expect(err).to.have.property('name', 'AbortError')
    expect(total(running)).to.equal(0)
  })

  it('aborts the chunks of a coordinator that crashed once the members find it gone', async () => {
    const { all, running } = await cluster()
    const [coordinator, ...workers] = all
    coordinator.mapReduce(ITEMS, 'slow', add, { initial: 0, chunkSize: 10 }).catch(() => {})
    await eventually(() => workers.every(node => node.compute.chunksRunning() > 0), 'both workers run chunks', 5000)
    await nodes.crash(coordinator)
    await eventually(() => workers.every(node => node.compute.chunksRunning() === 0 && (running.get(node.id) ?? 0) === 0),
      () => `chunks held ${workers.map(n => n.compute.chunksRunning()).join(', ')}`, 10_000)
  })

  it('cancels the jobs of a node that stops, and its chunks on the other members', async () => {
    const { all, running } = await cluster()
    const job = all[1].mapReduce(ITEMS, 'slow', add, { initial: 0, chunkSize: 10 }).then(() => undefined, (e: Error) => e)
    await eventually(() => all.every(node => node.compute.chunksRunning() > 0), 'every node runs chunks', 5000)
    await all[1].stop()
    expect(await job).to.have.property('name', 'AbortError')
    await eventually(() => total(running) === 0, () => `tasks running ${total(running)}`, 5000)
  })
})
