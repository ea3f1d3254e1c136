// A job run by three node processes and coordinated by the test's own node, which has no task and runs no chunk:
// one process is SIGKILLed halfway, its chunks are tried again on the others, and the result is still the local
// checksum, each chunk reduced exactly once.
import { expect } from 'aegir/chai'
import { NodeProcess, endAll } from '../../benchmarks/lib/node-process.ts'
import { CHECKSUM_TASK, checksumOf } from '../fixtures/compute-checksum-task.ts'
import { TestNodes, eventually, uniqueCluster } from '../fixtures/nodes.ts'
import type { ChunkInfo, JobProgress } from '../../src/compute/index.ts'

const SCRIPT = new URL('../fixtures/compute-node-process.ts', import.meta.url).pathname
const CHUNK_SIZE = 25
const ITEMS = Array.from({ length: 15_000 }, (_, i) => (i * 2_654_435_761) % 1_000_003)
const CHUNKS = ITEMS.length / CHUNK_SIZE
const MODULUS = 1_000_000_007

interface Status { members: number, chunks: number, running: number }

describe('compute: a worker process SIGKILLed halfway through a job', function () {
  this.timeout(120_000)
  const nodes = new TestNodes()
  const processes: NodeProcess[] = []

  afterEach(async () => {
    await endAll(processes.splice(0))
    await nodes.stopAll()
  })

  it('ends with the local checksum, every chunk reduced exactly once, the lost chunks tried again', async () => {
    const cluster = uniqueCluster('compute-kill')
    const workers = Array.from({ length: 3 }, (_, i) => new NodeProcess(SCRIPT, i, { CLUSTER: cluster, NAME: `worker-${i + 1}` }))
    processes.push(...workers)
    const started = await Promise.all(workers.map(async worker => worker.started(60_000)))
    const coordinator = await nodes.start({ clusterName: cluster, name: 'coordinator' })
    await eventually(async () => {
      const statuses = await Promise.all(workers.map(async w => w.request<Status>('status')))
      return statuses.every(s => s.members === 4) && coordinator.info().nodes === 4
    }, 'the three processes and the coordinator count four members', 60_000)

    let expected = 0
    for (let first = 0; first < ITEMS.length; first += CHUNK_SIZE) { expected = (expected + checksumOf(ITEMS.slice(first, first + CHUNK_SIZE))) % MODULUS }

    const victim = workers[1]
    const reducedTimes = new Array<number>(CHUNKS).fill(0)
    const byNode = new Map<string, number>()
    let killedAt = -1
    let last: JobProgress | undefined
    const total = await coordinator.mapReduce(ITEMS, CHECKSUM_TASK, (sum: number, part: number, chunk: ChunkInfo) => {
      reducedTimes[chunk.index]++
      byNode.set(chunk.node, (byNode.get(chunk.node) ?? 0) + 1)
      if (killedAt === -1 && reducedTimes.filter(n => n > 0).length >= CHUNKS / 2) {
        killedAt = chunk.index
        victim.kill('SIGKILL')
      }
      return (sum + part) % MODULUS
    }, { initial: 0, chunkSize: CHUNK_SIZE, onProgress: (p) => { last = p } })

    expect(killedAt, 'the victim was killed during the job').to.be.at.least(0)
    expect(total).to.equal(expected)
    expect(reducedTimes.filter(n => n !== 1).length, 'chunks not reduced exactly once').to.equal(0)
    // the victim had taken chunks before it was killed, and had some in flight: those were tried again
    expect(byNode.get(started[1].id) ?? 0, 'chunks the victim answered').to.be.greaterThan(0)
    expect(byNode.has(coordinator.id), 'the coordinator has no task and runs no chunk').to.equal(false)
    expect(last).to.include({ state: 'done', done: CHUNKS })
    expect(last?.retried, 'chunks tried again').to.be.greaterThan(0)
    await victim.closed
  })
})
