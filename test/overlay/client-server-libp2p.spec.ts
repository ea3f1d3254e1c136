// The client-server shape on real libp2p nodes (memory transport), with its thresholds lowered so that 26 nodes
// reach it: the cluster grows from the full mesh through partial views to client-server while a publisher keeps
// publishing, and no subscriber misses a publication; clients keep links to two servers and few connections, the
// servers are the ones the member list names; shrunk to the lower threshold, it goes back to partial views.
import { expect } from 'aegir/chai'
import { resolveClientServerConfig, serverCount, serverView } from '../../src/overlay/client-server/index.ts'
import { eventually } from '../fixtures/nodes.ts'
import { MemoryCluster, aliveCounts, connectionCounts, overlayComponents } from './fixtures.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const NODES = 26
const OVERLAY = {
  topology: 'auto',
  partialFrom: 8,
  fullMeshAtMost: 6,
  clientServerFrom: 20,
  partialAtMost: 16,
  settle: 2000,
  switchGrace: 5000,
  activeViewSize: 3,
  idleTimeout: 1000
} as const
const SERVER_LINKS = resolveClientServerConfig().serverLinks

describe('overlay: the client-server shape on libp2p', function () {
  this.timeout(240_000)
  const cluster = new MemoryCluster('servers', OVERLAY)
  const { nodes, changes } = cluster
  const start = async (index: number): Promise<FoundationNode> => cluster.start(index)

  // the first test's publisher stops however that test ends: a loop left running would keep the test process alive
  const publishing = new AbortController()

  after(async () => {
    publishing.abort()
    await cluster.stopAll()
  })

  it(`grows from the full mesh through partial views to client-server at ${NODES} nodes, losing no publication in flight`, async () => {
    const received = new Map<string, Set<number>>()
    const subscribe = (node: FoundationNode): void => {
      const got = new Set<number>()
      received.set(node.id, got)
      node.pubsub.subscribe<number>('ticks', (n) => { got.add(n) })
    }
    subscribe(await start(0))
    await new Promise(resolve => setTimeout(resolve, 1000))
    let published = 0
    const publisher = (async () => {
      while (!publishing.signal.aborted) {
        await nodes[0].pubsub.publish('ticks', published++)
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    })()
    const joinedAt = new Map<string, number>()
    for (let i = 1; i < NODES; i++) {
      const node = await start(i)
      subscribe(node)
      joinedAt.set(node.id, published)
    }

    await eventually(() => nodes.every(n => n.info().topology === 'client-server'),
      () => `shapes ${nodes.map(n => n.info().topology).join(' ')}`, 90_000)
    await eventually(() => aliveCounts(nodes).every(c => c === NODES), () => `alive ${aliveCounts(nodes).join(' ')}`, 30_000)
    // the servers every member works out from the same member list
    const expected = new Set(serverView(nodes.map(n => n.id), resolveClientServerConfig()).servers)
    expect(expected.size).to.equal(serverCount(NODES, resolveClientServerConfig()))
    await eventually(() => nodes.every(n => (n.info().overlay.role === 'server') === expected.has(n.id)),
      () => `roles ${nodes.map(n => n.info().overlay.role).join(' ')}`, 30_000)
    // HyParView keeps its links for the switch's grace (5 s here) after each member switched: until it retires, a
    // client's links are the union of both cores'
    await eventually(() => nodes.every(n => !n.info().overlay.switching),
      () => `switching ${nodes.filter(n => n.info().overlay.switching).map(n => n.name).join(' ')}`, 60_000)
    const clients = nodes.filter(n => !expected.has(n.id))
    await eventually(() => clients.every(n => {
      const links = n.overlay.overlay.active()
      return links.length === SERVER_LINKS && links.every(peer => expected.has(peer))
    }), () => `client links ${clients.map(n => n.overlay.overlay.active().filter(peer => expected.has(peer)).length + '/' + n.overlay.overlay.active().length).join(' ')}`, 30_000)
    // a client keeps connections to its servers only, once those it dialled for anything else idle out
    await eventually(() => clients.every(n => connectionCounts([n])[0] <= SERVER_LINKS + 2),
      () => `client connections ${connectionCounts(clients).join(' ')}`, 30_000)
    expect(overlayComponents(nodes)).to.deep.equal([NODES])

    const switchedAt = published
    await new Promise(resolve => setTimeout(resolve, 3000))
    publishing.abort()
    await publisher
    const total = published
    const missing = (node: FoundationNode, from: number): number[] => {
      const got = received.get(node.id) ?? new Set()
      return Array.from({ length: total - from }, (_, i) => from + i).filter(n => !got.has(n))
    }
    // every publication after a node joined reached it, and every one after the switch reached everyone
    await eventually(() => nodes.every(n => missing(n, (joinedAt.get(n.id) ?? 0) + 10).length === 0 && missing(n, switchedAt).length === 0),
      () => nodes.map(n => `${n.name} (joined at ${joinedAt.get(n.id) ?? 0}) misses ${missing(n, (joinedAt.get(n.id) ?? 0) + 10).join(' ')}`).join(', '), 20_000)

    for (const node of nodes) {
      const shapes = (changes.get(node.id) ?? []).map(c => c.to)
      expect(shapes.at(-1), node.name).to.equal('client-server')
      expect(shapes.filter(s => s === 'client-server'), `${node.name} switched to client-server once`).to.have.length(1)
    }
  })

  it('has a newcomer take client-server in a cluster shrunk between the thresholds, where its count alone calls for partial views', async () => {
    // 18 members: below clientServerFrom, above partialAtMost; the cluster stays in client-server
    const leaving = nodes.splice(18)
    await Promise.all(leaving.map(async n => n.stop()))
    await eventually(() => aliveCounts(nodes).every(c => c === 18), () => `alive ${aliveCounts(nodes).join(' ')}`, 30_000)
    expect(nodes.every(n => n.info().topology === 'client-server')).to.equal(true)
    const newcomer = await start(NODES)
    const got: number[] = []
    newcomer.pubsub.subscribe<number>('late', (n) => { got.push(n) })
    await eventually(() => newcomer.info().topology === 'client-server' && newcomer.overlay.overlay.active().length >= 1,
      () => `newcomer ${newcomer.info().topology}, links ${newcomer.overlay.overlay.active().length}, changes ${(changes.get(newcomer.id) ?? []).map(c => c.reason).join('; ')}`, 30_000)
    // the topology control announces it at its next reading of the count
    await eventually(() => changes.get(newcomer.id)?.at(-1)?.to === 'client-server', () => 'the change announced', 5000)
    expect(changes.get(newcomer.id)?.at(-1)).to.include({ to: 'client-server', joining: true })
    // HyParView retires once the grace passed; a client then links to servers only
    await eventually(() => !newcomer.info().overlay.switching, () => 'HyParView retired', 60_000)
    if (newcomer.info().overlay.role === 'client') {
      const servers = new Set(nodes.filter(n => n.info().overlay.role === 'server').map(n => n.id))
      expect(newcomer.overlay.overlay.active().every(peer => servers.has(peer)), 'a client links to servers only').to.equal(true)
    }
    await eventually(async () => {
      await nodes[1].pubsub.publish('late', got.length)
      return got.length > 0
    }, () => 'a publication reached the newcomer', 20_000)
    expect(overlayComponents(nodes)).to.deep.equal([nodes.length])
  })

  it('goes back to partial views once the cluster shrinks to the lower threshold, in one component', async () => {
    const leaving = nodes.splice(OVERLAY.partialAtMost - 2)
    await Promise.all(leaving.map(async n => n.stop()))
    await eventually(() => nodes.every(n => n.info().topology === 'partial-view'),
      () => `shapes ${nodes.map(n => n.info().topology).join(' ')}`, 60_000)
    await eventually(() => nodes.every(n => n.info().overlay.role == null), () => 'the client-server core retired', 60_000)
    await eventually(() => overlayComponents(nodes).length === 1, () => `components ${overlayComponents(nodes).join(' ')}`, 30_000)
    for (const node of nodes) {
      expect(changes.get(node.id)?.at(-1)?.to).to.equal('partial-view')
    }
  })
})
