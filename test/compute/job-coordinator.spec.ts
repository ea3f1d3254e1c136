// One job's coordinator over members made of promises the test settles itself: a member that leaves has its chunks
// sent elsewhere at once, before its calls fail, and its late answers are dropped; members that join take part; an
// unreachable member is benched rather than burning every chunk's tries; the source is read no further than the
// chunks in flight; each chunk is reduced once.
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { NoWorkersLeftError } from '../../src/compute/errors.ts'
import { JobCoordinator } from '../../src/compute/job-coordinator.ts'
import { resolveJobOptions } from '../../src/compute/job-options.ts'
import { AbortError, NodeDownError } from '../../src/messaging/errors.ts'
import { Codec } from '../../src/wire/codec.ts'
import { eventually } from '../fixtures/nodes.ts'
import type { ComputeMessage, RunMessage } from '../../src/compute/compute-wire.ts'
import type { CoordinatorLink } from '../../src/compute/coordinator-link.ts'
import type { ChunkInfo, MapReduceOptions } from '../../src/compute/index.ts'

const codec = new Codec()

interface HeldRun {
  node: string
  chunk: number
  attempt: number
  items: number[]
  answer(value: unknown): void
}

/** Members that answer offers with their capacity and hold every run until the test answers it. */
class Members {
  readonly active = new Map<string, { capacity: number, unreachable: boolean }>()
  readonly held: HeldRun[] = []
  readonly cancels: Array<{ node: string, job: string, chunk?: number }> = []

  add (id: string, capacity = 1, unreachable = false): void {
    this.active.set(id, { capacity, unreachable })
  }

  /** Answers every held run of the node with the sum of its items; `drop` takes them from the list unanswered. */
  answerAll (node?: string): void {
    for (const run of this.take(node)) { run.answer({ result: run.items.reduce((a, b) => a + b, 0) }) }
  }

  take (node?: string): HeldRun[] {
    const taken = this.held.filter(run => node === undefined || run.node === node)
    for (const run of taken) { this.held.splice(this.held.indexOf(run), 1) }
    return taken
  }

  link (): CoordinatorLink {
    return {
      self: 'coordinator',
      log: defaultLogger().forComponent('test:compute'),
      candidates: () => [...this.active.keys()],
      isActive: (node) => this.active.has(node),
      offerTimeout: 1000,
      maxChunkBytes: 64 * 1024,
      encode: (items) => codec.encode(items),
      send: (node, message: ComputeMessage) => {
        if ('cancel' in message) { this.cancels.push({ node, job: message.cancel, chunk: message.chunk }) }
      },
      call: async (node, message: ComputeMessage, { signal }) => {
        const member = this.active.get(node)
        if (member === undefined || member.unreachable) { throw new NodeDownError(node) }
        if ('offer' in message) { return { capacity: member.capacity } }
        const { run } = message as RunMessage
        return new Promise((resolve, reject) => {
          signal.addEventListener('abort', () => { reject(new AbortError()) }, { once: true })
          this.held.push({ node, chunk: run.chunk, attempt: run.attempt, items: codec.decode(run.items) as number[], answer: resolve })
        })
      }
    }
  }
}

function job<Acc> (members: Members, source: Iterable<number> | AsyncIterable<number>, reduce: (acc: Acc, part: number, chunk: ChunkInfo) => Acc, options: MapReduceOptions<Acc>): JobCoordinator<number, number, Acc> {
  const coordinator = new JobCoordinator<number, number, Acc>(members.link(), 'job-1', 'sum', source, reduce, resolveJobOptions('sum', source, options))
  coordinator.start()
  return coordinator
}

describe('compute: one job\'s coordinator', () => {
  it('sends a leaving member\'s chunks elsewhere at once, drops its late answers, and reduces each chunk once', async () => {
    const members = new Members()
    members.add('a', 1)
    members.add('b', 1)
    const items = Array.from({ length: 40 }, (_, i) => i)
    const reduced: number[] = []
    const coordinator = job(members, items, (sum: number, part, chunk) => { reduced.push(chunk.index); return sum + part }, { initial: 0, chunkSize: 10 })
    // each holds capacity + 1 = 2 chunks
    await eventually(() => members.held.length === 4, 'both members hold two chunks')
    const fromA = members.take('a')
    expect(fromA.map(run => run.chunk)).to.have.lengthOf(2)
    coordinator.memberLeft('a')
    // before any of a's calls failed, its chunks are on their way to b (as b frees room): the job goes on with b alone
    expect(coordinator.snapshot()).to.include({ retried: 2, workers: 1 })
    while (coordinator.running) {
      members.answerAll('b')
      await new Promise(resolve => setTimeout(resolve, 1))
    }
    // a's answers come late: dropped
    for (const run of fromA) { run.answer({ result: 1_000_000 }) }
    expect(await coordinator.result).to.equal(items.reduce((x, y) => x + y, 0))
    expect([...reduced].sort((x, y) => x - y)).to.deep.equal([0, 1, 2, 3])
  })

  it('offers the job to a member that joins, which takes chunks', async () => {
    const members = new Members()
    members.add('a', 1)
    const byNode = new Set<string>()
    const coordinator = job(members, Array.from({ length: 100 }, (_, i) => i), (sum: number, part, chunk) => { byNode.add(chunk.node); return sum + part }, { initial: 0, chunkSize: 10 })
    await eventually(() => members.held.length === 2, 'a holds two chunks')
    members.add('late', 3)
    coordinator.memberJoined({ id: 'late', roles: [] })
    await eventually(() => members.held.some(run => run.node === 'late'), 'the joiner gets chunks')
    while (coordinator.running) {
      members.answerAll()
      await new Promise(resolve => setTimeout(resolve, 1))
    }
    expect(await coordinator.result).to.equal(4950)
    expect([...byNode].sort()).to.deep.equal(['a', 'late'])
  })

  it('fails with NoWorkersLeftError once every worker left', async () => {
    const members = new Members()
    members.add('a')
    members.add('b')
    const coordinator = job(members, [1, 2, 3, 4], (sum: number, part) => sum + part, { initial: 0, chunkSize: 1 })
    await eventually(() => members.held.length === 4, 'chunks out')
    members.active.delete('a')
    coordinator.memberLeft('a')
    members.active.delete('b')
    coordinator.memberLeft('b')
    const err = await coordinator.result.then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(NoWorkersLeftError)
    expect(err?.message).to.include('"sum"').and.include('a, b')
  })

  it('benches a member it cannot reach: the chunks go to the others without burning their tries', async () => {
    const members = new Members()
    members.add('up', 2)
    // a member the cluster has not declared dead yet, whose calls fail at once
    members.add('down', 8, false)
    const coordinator = job(members, Array.from({ length: 200 }, (_, i) => i), (sum: number, part) => sum + part, { initial: 0, chunkSize: 5, maxAttempts: 2 })
    await eventually(() => members.held.length > 0, 'chunks out')
    members.active.get('down')!.unreachable = true
    while (coordinator.running) {
      members.answerAll()
      await new Promise(resolve => setTimeout(resolve, 1))
    }
    expect(await coordinator.result).to.equal(19_900)
  })

  it('reads a generator no further than the chunks in flight plus one ahead, and closes it when the job fails', async () => {
    const members = new Members()
    members.add('a', 3)
    let read = 0
    let closed = false
    function * rows (): Generator<number> {
      try {
        for (let i = 0; i < 1_000_000; i++) {
          read++
          yield i
        }
      } finally {
        closed = true
      }
    }
    const controller = new AbortController()
    const coordinator = job(members, rows(), (sum: number, part) => sum + part, { initial: 0, chunkSize: 10, signal: controller.signal })
    await eventually(() => members.held.length === 4, 'a holds capacity + 1 chunks')
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(read, 'items read').to.be.at.most(5 * 10)
    controller.abort()
    expect(await coordinator.result.then(() => undefined, (e: Error) => e)).to.have.property('name', 'AbortError')
    expect(closed, 'the generator was returned').to.equal(true)
    expect(members.cancels).to.deep.equal([{ node: 'a', job: 'job-1', chunk: undefined }])
  })

  it('fails with ChunkTooLargeError when a chunk encodes past the limit, suggesting a smaller chunkSize', async () => {
    const members = new Members()
    members.add('a')
    const big = Array.from({ length: 100 }, () => 'x'.repeat(1000))
    const coordinator = new JobCoordinator<string, number, number>(members.link(), 'job-2', 'sum', big, (a, b) => a + b, resolveJobOptions('sum', big, { initial: 0, chunkSize: 100 }))
    coordinator.start()
    const err = await coordinator.result.then(() => undefined, (e: Error) => e)
    expect(err).to.have.property('name', 'ChunkTooLargeError')
    expect(err?.message).to.include('chunk 0').and.include('smaller chunkSize').and.include(`${64 * 1024} bytes`)
  })
})
