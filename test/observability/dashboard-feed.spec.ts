import { expect } from 'aegir/chai'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import { SseClient } from './sse-client.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

describe('the dashboard page and its live stream', function () {
  const nodes = new TestNodes()
  const clients: SseClient[] = []
  let a: FoundationNode, b: FoundationNode, cluster: string

  beforeEach(async () => {
    cluster = uniqueCluster()
    ;[a, b] = await nodes.startMany(2, { clusterName: cluster })
    await formed([a, b])
  })
  afterEach(async () => {
    for (const client of clients.splice(0)) { client.abort() }
    await nodes.stopAll()
  })

  function connect (node: FoundationNode): SseClient {
    const client = new SseClient(`${node.info().http}/events`)
    clients.push(client)
    return client
  }

  it('serves one self-contained page at / and /dashboard', async () => {
    for (const path of ['/', '/dashboard']) {
      const response = await fetch(`${a.info().http}${path}`)
      expect(response.status).to.equal(200)
      expect(response.headers.get('content-type')).to.match(/^text\/html/)
      expect(response.headers.get('content-security-policy')).to.include("default-src 'none'")
      const html = await response.text()
      expect(html).to.include('<svg id="graph"')
      expect(html).to.include("new EventSource('events')")
      expect(html).to.include('<tbody id="caches">')
      expect(html).to.include('<tbody id="jobs">')
      // the styles are part of the page itself
      expect(html).to.match(/<style>\s*:root \{/)
      // nothing is loaded from elsewhere: the page works offline
      expect(html).to.not.match(/(src|href)=["']?(https?:)?\/\//)
    }
  })

  it('streams the recent events, then a snapshot of the nodes and links, then new events as they happen', async () => {
    const client = connect(a)
    await eventually(() => client.of('snapshot').length > 0, 'a snapshot arrives')
    expect(client.contentType).to.match(/^text\/event-stream/)
    expect(client.events[0].event).to.equal('history')
    expect(client.of('history')[0].map((e: any) => e.type)).to.include('member:join')

    const snapshot = client.of('snapshot')[0]
    expect(snapshot).to.include({ cluster, self: a.id })
    expect(snapshot.nodes.map((n: any) => [n.id, n.status, n.answered])).to.have.deep.members([[a.id, 'alive', true], [b.id, 'alive', true]])
    expect(snapshot.links).to.have.length(1)
    expect([snapshot.links[0].from, snapshot.links[0].to]).to.have.members([a.id, b.id])

    const c = await nodes.start({ clusterName: cluster, name: 'late' })
    await eventually(() => client.of('event').some((e: any) => e.type === 'member:join' && e.node === c.id), 'the join of a third node arrives')
    await eventually(() => client.of('snapshot').some((s: any) => s.nodes.length === 3 && s.links.length === 3), 'a snapshot shows three nodes and their links')
  })

  it('carries each answering node\'s caches in its snapshots', async () => {
    a.cache('stock')
    b.cache('stock')
    await eventually(() => a.caches.unsynced() === 0 && b.caches.unsynced() === 0, 'both nodes hold their partitions')
    const stock = b.cache<number>('stock')
    await stock.mset([['x', 1], ['y', 2]])
    expect(await stock.mget(['x', 'y', 'z'])).to.deep.equal([1, 2, undefined])

    const client = connect(a)
    await eventually(() => client.of('snapshot').length > 0, 'a snapshot arrives')
    const nodes = new Map<string, any>(client.of('snapshot')[0].nodes.map((n: any) => [n.id, n]))
    expect(nodes.get(a.id).caches).to.deep.equal([{ name: 'stock', ...a.cache('stock').stats() }])
    expect(nodes.get(b.id).caches).to.deep.equal([{ name: 'stock', ...stock.stats() }])
    expect(nodes.get(b.id).caches[0]).to.include({ hits: 2, misses: 1, writes: 2, entries: 2 })
    expect(nodes.get(a.id).caches[0]).to.include({ hits: 0, misses: 0, writes: 0, entries: 2 })
  })

  it('carries the jobs each answering node coordinates in its snapshots, and serves them at /jobs', async () => {
    let release!: () => void
    const held = new Promise<void>(resolve => { release = resolve })
    for (const node of [a, b]) { node.task('held', async (items: number[]) => { await held; return items.length }) }
    const job = b.mapReduce(Array.from({ length: 30 }, (_, i) => i), 'held', (sum: number, n: number) => sum + n, { initial: 0, chunkSize: 10 })
    try {
      await eventually(() => b.compute.jobs()[0]?.inFlight === 3 && b.compute.jobs()[0]?.workers === 2, 'every chunk is sent')
      const client = connect(a)
      await eventually(() => client.of('snapshot').length > 0, 'a snapshot arrives')
      const nodes = new Map<string, any>(client.of('snapshot')[0].nodes.map((n: any) => [n.id, n]))
      expect(nodes.get(a.id).jobs).to.deep.equal([])
      expect(nodes.get(b.id).jobs).to.deep.equal(b.compute.jobs())
      expect(nodes.get(b.id).jobs[0]).to.deep.include({ task: 'held', state: 'running', done: 0, inFlight: 3, workers: 2, sourceEnded: true })

      const response = await fetch(`${a.info().http}/jobs`)
      expect(response.status).to.equal(200)
      const served = await response.json()
      expect(served.unanswered).to.deep.equal([])
      expect(served.nodes).to.have.deep.members([{ id: a.id, name: a.name, jobs: [] }, { id: b.id, name: b.name, jobs: b.compute.jobs() }])
    } finally {
      release()
    }
    expect(await job).to.equal(30)
  })

  it('does no work without a client, and none once every client has disconnected', async () => {
    const feed = a.dashboard!
    expect(feed.active).to.equal(false)
    expect(feed.rounds).to.equal(0)
    expect(a.eventLog.listenerCount).to.equal(0)

    const several = [connect(a), connect(a), connect(a)]
    await eventually(() => feed.clientCount === 3 && several.every(c => c.of('snapshot').length > 0), 'three clients get snapshots')
    expect(feed.active).to.equal(true)
    expect(a.eventLog.listenerCount).to.equal(1)

    for (const client of several) { client.abort() }
    await eventually(() => feed.clientCount === 0, 'the node sees every client go')
    expect(feed.active).to.equal(false)
    expect(a.eventLog.listenerCount).to.equal(0)
    const rounds = feed.rounds
    await new Promise(resolve => setTimeout(resolve, 2500))
    expect(feed.rounds).to.equal(rounds)
    expect(feed.active).to.equal(false)

    // and a new client starts it again
    const again = connect(a)
    await eventually(() => again.of('snapshot').length > 0, 'a new client gets snapshots')
    expect(feed.rounds).to.be.greaterThan(rounds)
  })

  it('ends open streams when the node stops', async () => {
    const client = connect(b)
    await eventually(() => client.of('snapshot').length > 0, 'a snapshot arrives')
    await b.stop()
    await client.done
    await eventually(() => b.dashboard!.clientCount === 0, 'the stopped node has no client left')
    expect(b.dashboard!.active).to.equal(false)
  })
})
