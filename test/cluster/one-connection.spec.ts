// One connection per pair of nodes: a cluster formed all at once ends with exactly one, and a duplicate that appears
// under a steady stream of sends and calls is pruned with every message delivered once, in order, and no call failed.
import { peerIdFromString } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const CLUSTER_SIZE = 20

/** Records the sequence number of every message it gets, sent or called, and answers a call with it. */
class Recorder implements Actor {
  private readonly seen: number[]

  constructor (seen: number[]) {
    this.seen = seen
  }

  receive (message: { seq: number }): number {
    this.seen.push(message.seq)
    return message.seq
  }
}

function connectionsBetween (a: FoundationNode, b: FoundationNode): number {
  return a.host.getConnections(peerIdFromString(b.id)).length
}

/** Pairs that hold other than one connection, as `a-b:count`, from both ends. */
function unevenPairs (nodes: FoundationNode[]): string[] {
  const uneven: string[] = []
  for (const a of nodes) {
    for (const b of nodes) {
      if (a !== b && connectionsBetween(a, b) !== 1) { uneven.push(`${a.name}-${b.name}:${connectionsBetween(a, b)}`) }
    }
  }
  return uneven
}

/** What a recorder missed or got twice, for a failure message. */
function describeGaps (seen: number[], expected: number): string {
  const counts = new Map<number, number>()
  for (const seq of seen) { counts.set(seq, (counts.get(seq) ?? 0) + 1) }
  const missing = [...Array(expected).keys()].filter(seq => !counts.has(seq))
  const twice = [...counts].filter(([, count]) => count > 1).map(([seq]) => seq)
  return `got ${seen.length}, missing ${missing.length} (${missing.slice(0, 5).join(' ')}...${missing.slice(-3).join(' ')}), twice ${twice.length}`
}

describe('one connection per pair', function () {
  const nodes = new TestNodes()
  afterEach(async () => { await nodes.stopAll() })

  it(`leaves each of ${CLUSTER_SIZE} nodes told only the first one's address with one connection to every other`, async function () {
    // twenty nodes in one process on a shared machine: handshakes alone take seconds
    this.timeout(240_000)
    const clusterName = uniqueCluster()
    const init = { clusterName, discovery: { mdns: false } }
    const first = await nodes.start({ ...init, name: 'n0' })
    const rest: FoundationNode[] = []
    for (let i = 1; i < CLUSTER_SIZE; i++) { rest.push(await nodes.start({ ...init, name: `n${i}` })) }
    await Promise.all(rest.map(async node => { await node.connect(first.addresses(), { timeout: 60_000 }) }))
    const all = [first, ...rest]
    await eventually(() => all.every(n => n.info().nodes === CLUSTER_SIZE), `every node counts ${CLUSTER_SIZE} members`, 120_000)
    await eventually(() => unevenPairs(all).length === 0, 'every pair holds exactly one connection', 60_000)
      .catch(err => { throw new Error(`${err.message}; uneven: ${unevenPairs(all).join(' ')}`) })
  })

  describe('a duplicate connection under load', function () {
    this.timeout(60_000)

    /**
     * Starts two nodes whose first connection is dialled by `firstDialler` ('low' or 'high' peer id), sends and calls
     * from each to the other without pause, has `duplicateDialler` force a second connection, and checks every
     * message arrived once, in order, every call answered, and one connection is left.
     */
    async function messagesSurvive (firstDialler: 'low' | 'high', duplicateDialler: 'low' | 'high'): Promise<void> {
      const clusterName = uniqueCluster()
      const [x, y] = [
        await nodes.start({ clusterName, name: 'x', discovery: { mdns: false } }),
        await nodes.start({ clusterName, name: 'y', discovery: { mdns: false } })
      ]
      const [low, high] = x.id < y.id ? [x, y] : [y, x]
      const pick = (side: 'low' | 'high'): FoundationNode => side === 'low' ? low : high
      const other = (node: FoundationNode): FoundationNode => node === low ? high : low
      await pick(firstDialler).connect(other(pick(firstDialler)).addresses())
      // connect waits for the dialler's view only: a send to a node that is not a member yet is dropped
      await formed([low, high])
      expect(connectionsBetween(low, high)).to.equal(1)

      const seen = new Map<FoundationNode, number[]>([[low, []], [high, []]])
      const refs = new Map([
        [low, await low.spawn(Recorder, { args: [seen.get(low)!] })],
        [high, await high.spawn(Recorder, { args: [seen.get(high)!] })]
      ])
      const published = new Map<FoundationNode, unknown[]>([[low, []], [high, []]])
      for (const node of [low, high]) { node.pubsub.subscribe('news', (message) => { published.get(node)!.push(message) }) }
      const sent = new Map([[low, 0], [high, 0]])
      const calls: Array<Promise<unknown>> = []
      const run = { sending: true, failedCalls: 0 }
      // every few ms each node sends four messages and makes one call to the other node's recorder, one sequence
      const pump = async (from: FoundationNode): Promise<void> => {
        const to = refs.get(other(from))!
        while (run.sending) {
          for (let i = 0; i < 5; i++) {
            const seq = sent.get(from)!
            sent.set(from, seq + 1)
            if (i < 4) {
              from.send(to, { seq })
            } else {
              calls.push(from.call(to, { seq }, { timeout: 30_000 }).catch(() => { run.failedCalls++ }))
            }
          }
          await new Promise(resolve => setTimeout(resolve, 2))
        }
      }
      const pumps = [pump(low), pump(high)]
      // a burst just before the duplicate: the streams then move with frames still queued behind them
      const burst = (from: FoundationNode): void => {
        for (let i = 0; i < 2000; i++) {
          const seq = sent.get(from)!
          sent.set(from, seq + 1)
          from.send(refs.get(other(from))!, { seq })
        }
      }

      await new Promise(resolve => setTimeout(resolve, 300))
      const dialler = pick(duplicateDialler)
      burst(low)
      burst(high)
      await dialler.host.dial(peerIdFromString(other(dialler).id), { force: true })
      expect(connectionsBetween(dialler, other(dialler)), 'the duplicate is open').to.equal(2)
      await eventually(() => connectionsBetween(low, high) === 1 && connectionsBetween(high, low) === 1, 'one connection is left at both ends', 30_000)
      // a while longer on the connection that is left
      await new Promise(resolve => setTimeout(resolve, 300))
      run.sending = false
      await Promise.all(pumps)
      await Promise.all(calls)

      for (const node of [low, high]) {
        const expected = sent.get(other(node))!
        await eventually(() => seen.get(node)!.length >= expected, `${node.name} got all ${expected} messages`)
          .catch(err => { throw new Error(`${err.message}: ${describeGaps(seen.get(node)!, expected)}; failed calls ${run.failedCalls}; sender stats ${JSON.stringify({ ...other(node).messaging.stats, kinds: undefined })}; receiver stats ${JSON.stringify({ ...node.messaging.stats, kinds: undefined })}`) })
        expect(seen.get(node), `what ${node.name} got`).to.deep.equal([...Array(expected).keys()])
        expect(node.messaging.stats.lost, `messages ${node.name} lost`).to.equal(0)
      }
      expect(run.failedCalls, 'failed calls').to.equal(0)
      const kept = low.host.getConnections(peerIdFromString(high.id))[0]
      expect(kept.direction, 'the connection left is the one the lower peer id dialled').to.equal('outbound')
      const pruned = low.host.services.duplicates.stats.pruned + high.host.services.duplicates.stats.pruned
      const forced = low.host.services.duplicates.stats.forced + high.host.services.duplicates.stats.forced
      expect(pruned, 'pruned once no stream was left on it').to.be.greaterThan(0)
      expect(forced, 'closed with streams still on it').to.equal(0)
      // gossipsub's stream to the peer may have lived on the pruned connection: it must be back on the kept one
      for (const node of [low, high]) {
        await eventually(async () => {
          await node.pubsub.publish('news', `from ${node.name}`)
          return published.get(other(node))!.includes(`from ${node.name}`)
        }, `${other(node).name} hears ${node.name}'s publications after the pruning`)
      }
    }

    it('moves every stream to the kept connection when the first one was dialled by the higher peer id', async () => {
      await messagesSurvive('high', 'low')
    })

    it('prunes a duplicate dialled by the higher peer id without disturbing the streams', async () => {
      await messagesSurvive('low', 'high')
    })
  })
})
