// The parts of the benchmark harness that decide a result: the failover/handoff probe (when an actor counts as
// answered, moved, or lost) and the README table between its markers.
import { expect } from 'aegir/chai'
import { probe } from '../../benchmarks/distributed/probe.ts'
import { wallClock } from '../../benchmarks/lib/stats.ts'
import { withSubjects } from '../../benchmarks/lib/subjects.ts'
import { withTable } from '../../benchmarks/report.ts'
import type { CounterReply } from '../../benchmarks/distributed/counter.ts'
import type { Cluster } from '../../src/index.ts'

class FakeDown extends Error {
  constructor () {
    super('down')
    this.name = 'NodeDownError'
  }
}

/** A cluster whose actors each fail `failures` calls, then answer from `node` with `count`. */
function fakeCluster (answers: Record<string, { failures: number, node: string, count: number }>): Pick<Cluster, 'call'> {
  const calls = new Map<string, number>()
  return {
    async call<Reply> (name: unknown): Promise<Reply> {
      const key = String(name)
      const n = (calls.get(key) ?? 0) + 1
      calls.set(key, n)
      const a = answers[key]
      if (n <= a.failures) { throw new FakeDown() }
      const reply: CounterReply = { node: a.node, count: a.count }
      return reply as Reply
    }
  }
}

const OPTIONS = { callTimeoutMs: 100, retryDelayMs: 1, concurrency: 2 }

describe('benchmark harness', () => {
  it('counts an actor as answered once it answers from another node with the expected count', async () => {
    const cluster = fakeCluster({
      a: { failures: 0, node: 'new', count: 3 },
      b: { failures: 3, node: 'new', count: 3 }
    })
    const result = await probe(cluster, { ...OPTIONS, names: ['a', 'b'], since: wallClock(), notNode: 'old', expectCount: 3, deadlineMs: 5000 })
    expect(result).to.include({ names: 2, answered: 2, unanswered: 0, wrongState: 0, rounds: 4, calls: 5 })
    expect(result.errors).to.deep.equal({ NodeDownError: 3 })
    expect(result.lastAnswerMs).to.be.a('number')
  })

  it('keeps asking an actor that still answers from the node it is leaving, and gives up at the deadline', async () => {
    const cluster = fakeCluster({ a: { failures: 0, node: 'old', count: 3 } })
    const result = await probe(cluster, { ...OPTIONS, names: ['a'], since: wallClock(), notNode: 'old', expectCount: 3, deadlineMs: 50 })
    expect(result).to.include({ answered: 0, unanswered: 1, lastAnswerMs: null })
    expect(result.answersFromOldNode).to.be.greaterThan(0)
  })

  it('reports an actor that answers elsewhere with another count as a lost state', async () => {
    const cluster = fakeCluster({ a: { failures: 0, node: 'new', count: 0 }, b: { failures: 0, node: 'new', count: 3 } })
    const result = await probe(cluster, { ...OPTIONS, names: ['a', 'b'], since: wallClock(), notNode: 'old', expectCount: 3, deadlineMs: 5000 })
    expect(result).to.include({ answered: 1, wrongState: 1, unanswered: 0 })
    expect(result.wrongSamples).to.deep.equal([{ name: 'a', count: 0 }])
  })

  it('measures the Foundation variants after Foundation, notes one that cannot start, and closes every subject', async () => {
    const closed: string[] = []
    const subject = (name: string) => async () => ({ name, close: async () => { closed.push(name) } })
    const notes: string[] = []
    const measured = await withSubjects(notes, {
      baselines: [subject('tcp')],
      foundation: subject('Foundation'),
      variants: {
        'Foundation, off': subject('Foundation, off'),
        'Foundation, broken': async () => { throw new Error('no port') }
      }
    }, async (subjects) => subjects.map(s => s.name))
    expect(measured).to.deep.equal(['tcp', 'Foundation', 'Foundation, off'])
    expect(notes).to.deep.equal(['Foundation, broken subject not measured: Error: no port'])
    expect(closed).to.have.members(['tcp', 'Foundation', 'Foundation, off'])
  })

  it('replaces only the table between the README markers', () => {
    const readme = [
      '# x', '<!-- benchmarks:start -->', 'before', '', '| old | table |', '|---|---|', '| a | 1 |', '', 'after', '<!-- benchmarks:end -->', 'tail'
    ].join('\n')
    expect(withTable(readme, '| new |')).to.equal([
      '# x', '<!-- benchmarks:start -->', 'before', '', '| new |', '', 'after', '<!-- benchmarks:end -->', 'tail'
    ].join('\n'))
    expect(withTable('# no markers\n| a |', '| new |')).to.equal(undefined)
  })
})
