// The shape switched live on real libp2p nodes (memory transport): a cluster that grows past the threshold goes from
// the full mesh to partial views while a publisher keeps publishing, and no subscriber misses a publication; shrunk
// back below the lower threshold it links every member to every other again.
import { expect } from 'aegir/chai'
import { eventually } from '../fixtures/nodes.ts'
import { MemoryCluster, aliveCounts, connectionCounts, overlayComponents } from './fixtures.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const FIRST = 8
const ADDED = 4
const ACTIVE_VIEW = 3
const OVERLAY = { topology: 'auto', partialFrom: 10, fullMeshAtMost: 6, settle: 2000, activeViewSize: ACTIVE_VIEW, idleTimeout: 1000 } as const

describe('overlay: the shape switched live', function () {
  this.timeout(180_000)
  const cluster = new MemoryCluster('switch', OVERLAY)
  const { nodes, changes } = cluster
  const start = async (index: number): Promise<FoundationNode> => cluster.start(index)

  // a publisher stops however its test ends: a loop left running would keep the test process alive
  const publishing = new AbortController()

  after(async () => {
    publishing.abort()
    await cluster.stopAll()
  })

  it(`goes from the full mesh to partial views as the cluster grows from ${FIRST} to ${FIRST + ADDED}, losing no publication in flight`, async () => {
    for (let i = 0; i < FIRST; i++) { await start(i) }
    await eventually(() => aliveCounts(nodes).every(c => c === FIRST), () => `alive ${aliveCounts(nodes).join(' ')}`, 30_000)
    await eventually(() => connectionCounts(nodes).every(c => c === FIRST - 1), () => `connections ${connectionCounts(nodes).join(' ')}`, 30_000)
    expect(nodes.every(n => n.info().topology === 'full-mesh')).to.equal(true)

    const received = new Map<string, Set<number>>()
    const subscribe = (node: FoundationNode): void => {
      const got = new Set<number>()
      received.set(node.id, got)
      node.pubsub.subscribe<number>('ticks', (n) => { got.add(n) })
    }
    nodes.forEach(subscribe)
    // gossipsub hears of the subscriptions at its next heartbeat
    await new Promise(resolve => setTimeout(resolve, 2000))

    let published = 0
    const publisher = (async () => {
      while (!publishing.signal.aborted) {
        await nodes[0].pubsub.publish('ticks', published++)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    })()

    for (let i = FIRST; i < FIRST + ADDED; i++) { subscribe(await start(i)) }
    const all = FIRST + ADDED
    await eventually(() => nodes.every(n => n.info().topology === 'partial-view'),
      () => `shapes ${nodes.map(n => n.info().topology).join(' ')}`, 60_000)
    await eventually(() => connectionCounts(nodes).every(c => c <= ACTIVE_VIEW + 1),
      () => `connections ${connectionCounts(nodes).join(' ')}`, 60_000)
    const switchedAt = published
    // publications keep flowing over the overlay's links alone
    await new Promise(resolve => setTimeout(resolve, 3000))
    publishing.abort()
    await publisher
    const total = published

    const missing = (node: FoundationNode, from: number): number[] => {
      const got = received.get(node.id) ?? new Set()
      return Array.from({ length: total - from }, (_, i) => from + i).filter(n => !got.has(n))
    }
    await eventually(() => nodes.slice(0, FIRST).every(n => missing(n, 0).length === 0) && nodes.every(n => missing(n, switchedAt).length === 0),
      () => nodes.map(n => `${n.name} misses ${missing(n, 0).length} of ${total}`).join(', '), 20_000)

    for (const node of nodes) {
      const [change, ...more] = changes.get(node.id) ?? []
      expect(more, `${node.name} switched once`).to.have.length(0)
      expect(change).to.include({ from: 'full-mesh', to: 'partial-view', epoch: 1 })
      expect(change.members).to.be.at.least(OVERLAY.partialFrom)
      expect(node.info().overlay.reason).to.equal(change.reason)
    }
    expect(overlayComponents(nodes)).to.deep.equal([all])
    expect(aliveCounts(nodes).every(c => c === all)).to.equal(true)
  })

  it('links every member to every other again once the cluster shrinks to the lower threshold', async () => {
    const leaving = nodes.splice(OVERLAY.fullMeshAtMost)
    await Promise.all(leaving.map(async n => n.stop()))
    await eventually(() => nodes.every(n => n.info().topology === 'full-mesh'),
      () => `shapes ${nodes.map(n => n.info().topology).join(' ')}`, 60_000)
    await eventually(() => connectionCounts(nodes).every(c => c === nodes.length - 1), () => `connections ${connectionCounts(nodes).join(' ')}`, 30_000)
    for (const node of nodes) {
      expect(changes.get(node.id)?.map(c => c.to)).to.deep.equal(['partial-view', 'full-mesh'])
    }
  })
})
