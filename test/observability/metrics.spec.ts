import { expect } from 'aegir/chai'
import { Counter, Registry, register } from 'prom-client'
import { registerCacheMetrics } from '../../src/observability/metrics/cache-metrics.ts'
import { Codec } from '../../src/wire/codec.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import { Scrape, scrape } from './scrape.ts'
import type { CacheStats } from '../../src/cache/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

class Echo {
  receive (message: any): unknown {
    if (message === 'throw') { throw new RangeError('asked to throw') }
    if (message === 'hang') { return new Promise(() => {}) }
    return message
  }
}

/** Holds every message until `release`: its mailbox fills up meanwhile. */
class Blocked {
  private readonly gate: Promise<void>
  constructor (gate: Promise<void>) { this.gate = gate }
  async receive (): Promise<void> { await this.gate }
}

describe('node metrics', function () {
  const nodes = new TestNodes()
  afterEach(async () => { await nodes.stopAll() })

  async function pair (): Promise<[FoundationNode, FoundationNode]> {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
    await formed([a, b])
    return [a, b]
  }

  it('counts messages and bytes by kind and direction, on both ends of sends, calls, replies, failures and publishes', async () => {
    const [a, b] = await pair()
    await a.spawn(Echo, { name: 'echo' })
    await eventually(async () => await b.lookup('echo') != null, 'b finds echo')
    let received = 0
    a.pubsub.subscribe('news', () => { received++ })
    await eventually(() => b.host.services.pubsub.getSubscribers(`foundation/${b.config.clusterName}/topic/news`).length > 0, 'b sees a subscribed to news')
    const [beforeA, beforeB] = await Promise.all([scrape(a), scrape(b)])

    for (let i = 0; i < 3; i++) { b.send('echo', { i }) }
    for (let i = 0; i < 2; i++) { expect(await b.call('echo', i)).to.equal(i) }
    await b.call('echo', 'throw').catch(() => {})
    b.pubsub.directPublish(a.id, 'news', 'direct')
    await b.pubsub.publish('news', 'gossiped')
    await eventually(() => received === 2, 'a gets both publications')

    const [afterA, afterB] = await Promise.all([scrape(a), scrape(b)])
    const delta = (after: typeof afterA, before: typeof afterA, direction: string, kind: string, name = 'foundation_messages_total'): number =>
      after.value(name, { direction, kind }) - before.value(name, { direction, kind })
    expect(delta(afterB, beforeB, 'out', 'send')).to.be.at.least(3)
    expect(delta(afterA, beforeA, 'in', 'send')).to.be.at.least(3)
    expect(delta(afterB, beforeB, 'out', 'call')).to.be.at.least(3)
    expect(delta(afterA, beforeA, 'in', 'call')).to.be.at.least(3)
    expect(delta(afterA, beforeA, 'out', 'reply')).to.be.at.least(2)
    expect(delta(afterB, beforeB, 'in', 'reply')).to.be.at.least(2)
    expect(delta(afterA, beforeA, 'out', 'fail')).to.equal(1)
    expect(delta(afterB, beforeB, 'in', 'fail')).to.equal(1)
    expect(delta(afterB, beforeB, 'out', 'publish')).to.equal(1)
    expect(delta(afterA, beforeA, 'in', 'publish')).to.equal(1)
    expect(delta(afterB, beforeB, 'out', 'gossip')).to.equal(1)
    expect(delta(afterA, beforeA, 'in', 'gossip')).to.equal(1)
    expect(delta(afterB, beforeB, 'out', 'send', 'foundation_message_bytes_total')).to.be.greaterThan(0)
    expect(delta(afterA, beforeA, 'in', 'gossip', 'foundation_message_bytes_total')).to.be.greaterThan(0)
    // b's gossiped publication went to a, its one remote subscriber
    const published = (s: typeof afterB, outcome: string): number => s.value('foundation_pubsub_publications_total', { outcome })
    expect(published(afterB, 'sent') - published(beforeB, 'sent')).to.equal(1)
    expect(published(afterB, 'no-peer') - published(beforeB, 'no-peer')).to.equal(0)
    expect(afterB.value('foundation_pubsub_peer_copies_total') - beforeB.value('foundation_pubsub_peer_copies_total')).to.equal(1)
    expect(afterA.value('foundation_members', { status: 'alive' })).to.equal(2)
    expect(afterA.value('foundation_membership_local_health')).to.be.within(0, 7)
  })

  it('counts the calls it makes in the latency histogram, by outcome', async () => {
    const [a, b] = await pair()
    await a.spawn(Echo, { name: 'echo' })
    await eventually(async () => await b.lookup('echo') != null, 'b finds echo')
    const before = await scrape(b)
    const count = (s: typeof before, outcome: string): number => s.value('foundation_call_duration_seconds_count', { outcome })

    for (let i = 0; i < 4; i++) { await b.call('echo', i) }
    await b.call('echo', 'throw').catch(() => {})
    await b.call('echo', 'hang', { timeout: 100 }).catch(() => {})

    const after = await scrape(b)
    expect(count(after, 'ok') - count(before, 'ok')).to.be.at.least(4)
    expect(count(after, 'error') - count(before, 'error')).to.equal(1)
    expect(count(after, 'timeout') - count(before, 'timeout')).to.equal(1)
    const inf = after.value('foundation_call_duration_seconds_bucket', { outcome: 'ok', le: '+Inf' })
    expect(inf).to.equal(count(after, 'ok'))
    expect(after.value('foundation_call_duration_seconds_sum', { outcome: 'timeout' })).to.be.greaterThan(0.05)
  })

  it('serves libp2p\'s metrics with ours, and keeps each node\'s values apart', async () => {
    const [a, b] = await pair()
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    const blocked = await a.spawn(Blocked, { args: [gate] })
    await a.spawn(Echo)
    for (let i = 0; i < 5; i++) { a.send(blocked, i) }
    const [sa, sb] = await Promise.all([scrape(a), scrape(b)])
    expect(sa.samples.some(s => s.name.startsWith('libp2p_'))).to.equal(true)
    expect(sb.samples.some(s => s.name.startsWith('libp2p_'))).to.equal(true)
    expect(sa.value('foundation_local_actors')).to.equal(2)
    expect(sb.value('foundation_local_actors')).to.equal(0)
    expect(sa.value('foundation_actor_starts_total')).to.equal(2)
    // the first message is being handled, the other four wait
    expect(sa.value('foundation_mailbox_messages')).to.equal(4)
    expect(sa.value('foundation_mailbox_messages_max')).to.equal(4)
    expect(sb.value('foundation_mailbox_messages')).to.equal(0)
    expect(a.metrics?.registry).to.not.equal(b.metrics?.registry)
    expect(a.metrics?.registry).to.not.equal(register)
    release()
  })

  it('counts the names of stopped actors kept as tombstones, on the node that stopped them and on the others', async () => {
    const [a, b] = await pair()
    a.define(Echo)
    b.define(Echo)
    await a.spawn(Echo, { name: 'kept-local' })
    await a.spawn(Echo, { name: 'kept-distributed', distribute: true })
    await eventually(async () => b.names.knownNames() === 2, 'b knows both names')
    expect([(await scrape(a)).value('foundation_name_tombstones'), (await scrape(b)).value('foundation_name_tombstones')]).to.deep.equal([0, 0])
    await a.stopActor('kept-local')
    await a.stopActor('kept-distributed')
    await eventually(async () => b.names.tombstones() === 2, 'b keeps both tombstones')
    const [sa, sb] = await Promise.all([scrape(a), scrape(b)])
    expect([sa.value('foundation_name_tombstones'), sb.value('foundation_name_tombstones'), sa.value('foundation_names'), sb.value('foundation_names')]).to.deep.equal([2, 2, 0, 0])
  })

  it('leaves the metrics an application put in prom-client\'s global registry in place', async () => {
    const mine = new Counter({ name: 'app_orders_total', help: 'orders' })
    mine.inc(3)
    try {
      const node = await nodes.start({ clusterName: uniqueCluster() })
      expect(register.getSingleMetric('app_orders_total')).to.equal(mine)
      expect(await register.metrics()).to.include('app_orders_total 3')
      expect((await scrape(node)).text).to.not.include('app_orders_total')
    } finally {
      register.removeSingleMetric('app_orders_total')
    }
  })

  it('has no registry and answers /metrics with 404 when metrics are off; health still answers', async () => {
    const node = await nodes.start({ clusterName: uniqueCluster(), metrics: { enabled: false } })
    expect(node.metrics).to.equal(undefined)
    const url = node.info().http ?? ''
    expect((await fetch(`${url}/metrics`)).status).to.equal(404)
    expect((await fetch(`${url}/healthz`)).status).to.equal(200)
  })

  it('is off by default when the HTTP endpoint is', async () => {
    const node = await nodes.start({ clusterName: uniqueCluster(), http: { enabled: false } })
    expect(node.metrics).to.equal(undefined)
    expect(node.http).to.equal(undefined)
  })
})

describe('cache metrics', function () {
  const nodes = new TestNodes()
  afterEach(async () => { await nodes.stopAll() })

  const COUNTED = ['hits', 'misses', 'writes', 'deletes', 'evictions', 'expirations', 'moves'] as const
  const MEASURED = [['entries', 'entries'], ['bytes', 'bytes'], ['rebalancing_partitions', 'rebalancing']] as const
  /** a cache's metrics in one scrape, named as its stats() fields */
  function read (s: Scrape, cache: string): CacheStats {
    const stats: Partial<CacheStats> = {}
    for (const field of COUNTED) { stats[field] = s.value(`foundation_cache_${field}_total`, { cache }) }
    for (const [metric, field] of MEASURED) { stats[field] = s.value(`foundation_cache_${metric}`, { cache }) }
    return stats as CacheStats
  }
  function encoded (values: unknown[]): number {
    const codec = new Codec()
    return values.reduce<number>((sum, value) => sum + codec.encode(value).byteLength, 0)
  }

  it('counts a partitioned cache\'s reads, writes and deletes on the node that made them, its entries and bytes on each node that keeps them', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
    await formed([a, b])
    const onA = a.cache<string>('stock')
    const onB = b.cache<string>('stock')
    await eventually(() => a.caches.unsynced() === 0 && b.caches.unsynced() === 0, 'both nodes hold their partitions')

    for (let i = 0; i < 10; i++) { await onA.set(`k-${i}`, `value-${i}`) }
    for (let i = 0; i < 10; i++) { expect(await onA.get(`k-${i}`)).to.equal(`value-${i}`) }
    expect(await onA.mget(['none-1', 'k-0', 'none-2'])).to.deep.equal([undefined, 'value-0', undefined])
    expect([await onA.delete('k-8'), await onA.delete('k-9'), await onA.delete('none-3')]).to.deep.equal([true, true, false])
    expect([await onB.get('k-1'), await onB.get('k-9')]).to.deep.equal(['value-1', undefined])

    const [sa, sb] = await Promise.all([scrape(a), scrape(b)])
    // with one backup in a cluster of two, each node keeps a copy of each of the 8 entries left
    const bytes = encoded(Array.from({ length: 8 }, (_, i) => `value-${i}`))
    expect(read(sa, 'stock')).to.deep.equal({ hits: 11, misses: 2, writes: 10, deletes: 2, evictions: 0, expirations: 0, moves: 0, entries: 8, bytes, rebalancing: 0 })
    expect(read(sb, 'stock')).to.deep.equal({ hits: 1, misses: 1, writes: 0, deletes: 0, evictions: 0, expirations: 0, moves: 0, entries: 8, bytes, rebalancing: 0 })
    expect(sa.text).to.include('# HELP foundation_cache_hits_total Reads made on this node that found an entry')
    expect(sa.text).to.include('# TYPE foundation_cache_hits_total counter')
    expect(sa.text).to.include('# TYPE foundation_cache_entries gauge')
  })

  it('counts the entries a joining node receives as moves, on both ends', async () => {
    const cluster = uniqueCluster()
    const a = await nodes.start({ clusterName: cluster, name: 'first' })
    const onA = a.cache<number>('moved')
    await onA.mset(Array.from({ length: 20 }, (_, i) => [`k-${i}`, i] as const))
    const b = await nodes.start({ clusterName: cluster, name: 'second' })
    await formed([a, b])
    b.cache<number>('moved')
    // b takes a copy of every partition: the owner's or a backup's
    await eventually(() => b.caches.unsynced() === 0 && b.cache('moved').stats().entries === 20, 'b holds a copy of every entry')
    await eventually(() => a.cache('moved').stats().rebalancing === 0, 'a has sent every partition')
    const [sa, sb] = await Promise.all([scrape(a), scrape(b)])
    expect([read(sa, 'moved').moves, read(sb, 'moved').moves]).to.deep.equal([20, 20])
    expect([read(sa, 'moved').entries, read(sb, 'moved').entries]).to.deep.equal([20, 20])
  })

  it('keeps each cache apart by its label, with a local cache\'s evictions and expirations', async () => {
    const node = await nodes.start({ clusterName: uniqueCluster() })
    const small = node.cache<number>('small', { mode: 'local', maxEntries: 2, maxBytes: 1000 })
    const brief = node.cache<number>('brief', { mode: 'local', ttl: 20 })
    for (let i = 0; i < 3; i++) { await small.set(`k-${i}`, i) }
    await brief.set('gone', 1)
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(await brief.get('gone')).to.equal(undefined)

    const s = await scrape(node)
    // the least recently used entry made room for the third
    expect(read(s, 'small')).to.deep.equal({ hits: 0, misses: 0, writes: 3, deletes: 0, evictions: 1, expirations: 0, moves: 0, entries: 2, bytes: encoded([1, 2]), rebalancing: 0 })
    // without maxBytes a local cache does not measure its values
    expect(read(s, 'brief')).to.deep.equal({ hits: 0, misses: 1, writes: 1, deletes: 0, evictions: 0, expirations: 1, moves: 0, entries: 0, bytes: 0, rebalancing: 0 })
  })

  it('reads every counter at each scrape, rebalancing partitions included', async () => {
    const registry = new Registry()
    const stats: CacheStats = { hits: 1, misses: 2, writes: 3, deletes: 4, evictions: 5, expirations: 6, moves: 7, entries: 8, bytes: 9, rebalancing: 10 }
    let caches = [{ name: 'one', stats }]
    registerCacheMetrics(registry, () => caches)
    expect(read(new Scrape(await registry.metrics()), 'one')).to.deep.equal(stats)
    caches = [{ name: 'one', stats: { ...stats, hits: 11, rebalancing: 0 } }, { name: 'two', stats }]
    const again = new Scrape(await registry.metrics())
    expect(read(again, 'one')).to.deep.equal({ ...stats, hits: 11, rebalancing: 0 })
    expect(read(again, 'two')).to.deep.equal(stats)
    // no cache opened: no series, the metric still described
    caches = []
    const none = new Scrape(await registry.metrics())
    expect(none.samples.filter(s => s.name.startsWith('foundation_cache_'))).to.deep.equal([])
    expect(none.text).to.include('# TYPE foundation_cache_rebalancing_partitions gauge')
  })
})
