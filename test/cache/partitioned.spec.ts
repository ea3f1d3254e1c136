// Partitioned caches on real nodes over TCP: each key on an owner and its backups, nothing lost as members join,
// leave and crash, and the loader of getOrLoad run once for concurrent misses anywhere in the cluster.
import { expect } from 'aegir/chai'
import { partitionOf } from '../../src/cache/distributed/partition-ranks.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { PartitionView } from '../../src/cache/distributed/partition-state.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const CACHE = 'items'

/** how many of these nodes keep a live copy of the key */
function copies (nodes: FoundationNode[], key: string, cache = CACHE): number {
  return nodes.filter(node => node.caches.copyOf(cache, key) != null).length
}

/** every node keeps every partition it should, as owner or synced backup */
function settled (nodes: FoundationNode[]): boolean {
  return nodes.every(node => node.caches.unsynced() === 0)
}

async function missing (node: FoundationNode, keys: number, cache = CACHE): Promise<string[]> {
  const values = await node.cache<number>(cache).mget(Array.from({ length: keys }, (_, i) => `k-${i}`))
  return values.flatMap((value, i) => value === i ? [] : [`k-${i}`])
}

describe('partitioned cache', function () {
  this.timeout(120_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  async function cluster (count: number, name = uniqueCluster()): Promise<FoundationNode[]> {
    const all = await nodes.startMany(count, { clusterName: name })
    await formed(all)
    for (const node of all) { node.cache(CACHE) }
    await eventually(() => settled(all), 'every node holds its partitions')
    return all
  }

  it('keeps each entry on its owner and one backup, read alike from every member', async () => {
    const all = await cluster(3)
    const items = all[0].cache<{ n: number }>(CACHE)
    for (let i = 0; i < 200; i++) { await items.set(`e-${i}`, { n: i }) }
    for (const node of all) {
      const values = await node.cache<{ n: number }>(CACHE).mget(Array.from({ length: 200 }, (_, i) => `e-${i}`))
      expect(values.map(v => v?.n)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i))
    }
    for (let i = 0; i < 200; i++) { expect(copies(all, `e-${i}`), `copies of e-${i}`).to.equal(2) }
    // spread over the members: each owns some
    const owners = all.map(node => Array.from({ length: 200 }, (_, i) => node.caches.copyOf(CACHE, `e-${i}`)).filter(c => c === 'owner').length)
    expect(owners.every(count => count > 20), `owned per node: ${owners.join(', ')}`).to.equal(true)
  })

  it('loses no key as nodes 2, 3 and 4 join one after another, with the new ones taking their share', async () => {
    const name = uniqueCluster()
    const [first] = await cluster(1, name)
    const items = first.cache<number>(CACHE)
    await items.mset(Array.from({ length: 2000 }, (_, i) => [`k-${i}`, i] as const))
    const all = [first]
    for (let joined = 2; joined <= 4; joined++) {
      const node = await nodes.start({ clusterName: name, name: `joiner-${joined}` })
      node.cache(CACHE)
      all.push(node)
      await formed(all)
      await eventually(() => settled(all), `the cluster of ${joined} settles`)
      expect(await missing(node, 2000), `keys missing after node ${joined} joined`).to.deep.equal([])
      expect(await missing(first, 2000)).to.deep.equal([])
    }
    const held = all.map(node => node.cache(CACHE).stats().entries)
    expect(held.every(entries => entries > 2000 / 4), `entries per node: ${held.join(', ')}`).to.equal(true)
    await eventually(() => Array.from({ length: 2000 }, (_, i) => copies(all, `k-${i}`)).every(c => c === 2), 'two copies of every key')
  })

  it('hands a leaving node\'s partitions off before it goes, losing nothing', async () => {
    const all = await cluster(3)
    await all[0].cache<number>(CACHE).mset(Array.from({ length: 1000 }, (_, i) => [`k-${i}`, i] as const))
    await all[1].stop()
    const left = [all[0], all[2]]
    expect(await missing(left[1], 1000)).to.deep.equal([])
    await eventually(() => Array.from({ length: 1000 }, (_, i) => copies(left, `k-${i}`)).every(c => c === 2), 'two copies of every key')
  })

  it('leaves no copy taking itself for a backup its owner does not count on, when opened before the members agree', async () => {
    // each node starts the partitions alone and hands them on as the others appear: copies of every earlier owner
    // are left behind, and none may stay a backup in its own eyes (it would take over with writes it missed, and a
    // graceful stop would wait for it)
    const name = uniqueCluster()
    const all: FoundationNode[] = []
    for (let i = 0; i < 5; i++) {
      // each told only of those before it, with its cache open at once: partitions pass from owner to owner
      const known = all.flatMap(node => node.addresses())
      const node = await nodes.start({ clusterName: name, name: `chain-${i + 1}`, discovery: { mdns: false, ...(known.length > 0 ? { static: known } : {}) } })
      node.cache(CACHE)
      all.push(node)
    }
    await formed(all)
    await eventually(() => settled(all), 'every node holds its partitions')
    await all[0].cache<number>(CACHE).mset(Array.from({ length: 2000 }, (_, i) => [`k-${i}`, i] as const))
    const byId = new Map(all.map(node => [node.id, node]))
    const counted = (node: FoundationNode, view: PartitionView): boolean => {
      const owner = byId.get(view.owner ?? '')?.caches.partitions(CACHE).find(other => other.partition === view.partition)
      return owner?.holding === 'acting' && owner.synced.includes(node.id)
    }
    const uncounted = (): string[] => all.flatMap(node => node.caches.partitions(CACHE)
      .filter(view => view.holding === 'replica' && !counted(node, view))
      .map(view => `${node.name}/${view.partition}`))
    await eventually(() => uncounted().length === 0, () => `copies their owner does not count on: ${uncounted().slice(0, 10).join(', ')}`)
    await all[0].stop()
    expect(await missing(all[1], 2000)).to.deep.equal([])
  })

  it('promotes backups when a node crashes, and restores two copies of every key', async () => {
    const all = await cluster(3)
    await all[0].cache<number>(CACHE).mset(Array.from({ length: 1000 }, (_, i) => [`k-${i}`, i] as const))
    await nodes.crash(all[2])
    const left = [all[0], all[1]]
    await eventually(async () => (await missing(left[1], 1000)).length === 0, 'every key readable after the crash', 30_000)
    await eventually(() => Array.from({ length: 1000 }, (_, i) => copies(left, `k-${i}`)).every(c => c === 2), 'two copies of every key', 30_000)
  })

  it('runs the loader once for 1,000 concurrent misses of one key on three nodes', async () => {
    const all = await cluster(3)
    let runs = 0
    const loader = async (key: string): Promise<string> => {
      runs++
      await new Promise(resolve => setTimeout(resolve, 100))
      return `loaded ${key}`
    }
    const values = await Promise.all(Array.from({ length: 1000 }, async (_, i) => all[i % 3].cache<string>(CACHE).getOrLoad('hot', loader)))
    expect(runs).to.equal(1)
    expect(new Set(values)).to.deep.equal(new Set(['loaded hot']))
    expect(await all[1].cache<string>(CACHE).get('hot')).to.equal('loaded hot')
  })

  it('gives the next waiter the load when a loader throws, and throws to its own caller', async () => {
    const all = await cluster(2)
    const failing = all[0].cache<string>(CACHE).getOrLoad('flaky', async () => {
      await new Promise(resolve => setTimeout(resolve, 100))
      throw new Error('backend down')
    })
    await new Promise(resolve => setTimeout(resolve, 30))
    const waiting = all[1].cache<string>(CACHE).getOrLoad('flaky', () => 'second try')
    await expect(failing).to.eventually.be.rejectedWith('backend down')
    expect(await waiting).to.equal('second try')
  })

  it('answers the rest of the API from any node: delete, has, incr, ttl, clear and size', async () => {
    const all = await cluster(3)
    const [a, b, c] = all.map(node => node.cache<any>(CACHE))
    await a.set('gone', 1)
    expect(await b.has('gone')).to.equal(true)
    expect(await c.delete('gone')).to.equal(true)
    expect(await a.has('gone')).to.equal(false)
    expect(await a.delete('gone')).to.equal(false)
    expect(await a.incr('hits')).to.equal(1)
    expect(await b.incr('hits', 5)).to.equal(6)
    await a.set('text', 'x')
    await expect(c.incr('text')).to.eventually.be.rejected.with.property('name', 'CacheValueError')
    await a.set('brief', 'soon gone', { ttl: 200 })
    expect(await c.get('brief')).to.equal('soon gone')
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(await c.get('brief')).to.equal(undefined)
    await a.mset(Array.from({ length: 50 }, (_, i) => [`s-${i}`, i] as const))
    expect(await b.size()).to.equal(52)
    await c.clear()
    expect(await a.size()).to.equal(0)
    expect(await b.get('s-3')).to.equal(undefined)
    expect(a.stats().writes).to.equal(54)
    expect(b.stats()).to.include({ hits: 1, misses: 1 })
    expect(c.stats()).to.include({ hits: 1, misses: 1, deletes: 1 })
  })

  it('keeps entries on a member with the cache\'s roles that never opened it, ranked as the others rank it', async () => {
    const name = uniqueCluster()
    const [a, b] = await nodes.startMany(2, { clusterName: name, name: 'keeper', roles: ['keeper'] })
    const client = await nodes.start({ clusterName: name, name: 'client' })
    const all = [a, b, client]
    await formed(all)
    const options = { roles: ['keeper'] }
    // b never opens the cache: it learns mode, replicas and roles from the first message about it
    a.cache(CACHE, options)
    const items = client.cache<number>(CACHE, options)
    await eventually(() => settled(all), 'every node holds its partitions')
    await items.mset(Array.from({ length: 500 }, (_, i) => [`k-${i}`, i] as const))
    await eventually(() => settled(all) && Array.from({ length: 500 }, (_, i) => `k-${i}`).every(key => copies([a, b], key) === 2), 'two copies of every key, on the keepers')
    expect(Array.from({ length: 500 }, (_, i) => client.caches.copyOf(CACHE, `k-${i}`)).filter(c => c != null)).to.deep.equal([])
    await a.stop()
    expect(await missing(client, 500)).to.deep.equal([])
  })

  it('reads from the owner, and from this node\'s backup copy only with readFromBackups', async () => {
    const all = await cluster(3)
    all.forEach(node => node.cache('near', { readFromBackups: true }))
    await eventually(() => settled(all), 'every node holds the second cache\'s partitions')
    await all[0].cache<number>(CACHE).mset(Array.from({ length: 100 }, (_, i) => [`r-${i}`, i] as const))
    await all[0].cache<number>('near').mset(Array.from({ length: 100 }, (_, i) => [`r-${i}`, i] as const))
    // a key this node keeps as a backup: the owner answers for it, unless backups may be read
    const backup = all[1]
    const key = Array.from({ length: 100 }, (_, i) => `r-${i}`).find(k => backup.caches.copyOf(CACHE, k) === 'backup' && backup.caches.copyOf('near', k) === 'backup')
    expect(key, 'a key node 2 keeps as a backup in both caches').to.not.equal(undefined)
    let sent = backup.messaging.stats.messagesOut
    expect(await backup.cache<number>(CACHE).get(key!)).to.equal(Number(key!.slice(2)))
    expect(backup.messaging.stats.messagesOut - sent, 'asked the owner').to.be.greaterThan(0)
    sent = backup.messaging.stats.messagesOut
    expect(await backup.cache<number>('near').get(key!)).to.equal(Number(key!.slice(2)))
    expect(backup.messaging.stats.messagesOut - sent, 'read its own copy').to.equal(0)
  })

  it('writes and reads more of one partition in one mset and mget than a message carries', async () => {
    const all = await cluster(2)
    // 30 values of 100 KiB, all in one partition: 3 MB, three times the largest message
    const keys: string[] = []
    for (let i = 0; keys.length < 30; i++) {
      if (partitionOf(`big-${i}`) === partitionOf('big-0')) { keys.push(`big-${i}`) }
    }
    const value = (i: number): Uint8Array => new Uint8Array(100 * 1024).fill(i)
    await all[0].cache<Uint8Array>(CACHE).mset(keys.map((key, i) => [key, value(i)] as const))
    for (const node of all) {
      const read = await node.cache<Uint8Array>(CACHE).mget(keys)
      expect(read.map(v => v?.[0]), node.name).to.deep.equal(keys.map((_, i) => i))
      expect(read.every(v => v?.byteLength === 100 * 1024)).to.equal(true)
    }
  })

  it('refuses a value larger than maxEntrySize with a named error and stores nothing', async () => {
    const all = await cluster(2)
    const small = all[0].cache<Uint8Array>('small', { maxEntrySize: 1024 })
    all[1].cache('small', { maxEntrySize: 1024 })
    await expect(small.set('big', new Uint8Array(2048))).to.eventually.be.rejected.with.property('name', 'EntryTooLargeError')
    expect(await small.has('big')).to.equal(false)
  })
})
