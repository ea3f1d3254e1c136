// Replicated caches on real nodes over TCP: every member keeps every entry and reads its own copy; a member that
// joins catches up while writes go on; both sides of a partition take writes, and every member holds all of them
// once it heals.
import { expect } from 'aegir/chai'
import { TestNodes, agreed, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const CACHE = 'config'
const REPLICATED = { mode: 'replicated' } as const

function everywhere (nodes: FoundationNode[], keys: string[]): boolean {
  return keys.every(key => nodes.every(node => node.caches.copyOf(CACHE, key) != null))
}

describe('replicated cache', function () {
  this.timeout(120_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  async function cluster (count: number, name = uniqueCluster()): Promise<FoundationNode[]> {
    const all = await nodes.startMany(count, { clusterName: name })
    await formed(all)
    for (const node of all) { node.cache(CACHE, REPLICATED) }
    await eventually(() => all.every(node => node.caches.unsynced() === 0), 'every node holds every partition')
    return all
  }

  it('keeps every entry on every member, and a write is read from any member\'s own copy once it returns', async () => {
    const all = await cluster(3)
    const keys = Array.from({ length: 300 }, (_, i) => `c-${i}`)
    for (const [i, key] of keys.entries()) {
      await all[i % 3].cache<number>(CACHE, REPLICATED).set(key, i)
      // the write returned: the next read, on any member, finds it in that member's own copy
      expect(all[(i + 1) % 3].caches.copyOf(CACHE, key), key).to.not.equal(undefined)
    }
    expect(everywhere(all, keys)).to.equal(true)
    const sent = all[2].messaging.stats.messagesOut
    const values = await all[2].cache<number>(CACHE, REPLICATED).mget(keys)
    expect(values).to.deep.equal(keys.map((_, i) => i))
    expect(all[2].messaging.stats.messagesOut - sent, 'reads sent no message').to.equal(0)
  })

  it('catches a joining member up while writes go on', async () => {
    const name = uniqueCluster()
    const all = await cluster(2, name)
    const writer = all[0].cache<number>(CACHE, REPLICATED)
    await writer.mset(Array.from({ length: 1000 }, (_, i) => [`c-${i}`, i] as const))
    const writing = new AbortController()
    let written = 1000
    const writes = (async () => {
      while (!writing.signal.aborted) {
        await writer.set(`c-${written}`, written)
        written++
      }
    })()
    const joiner = await nodes.start({ clusterName: name, name: 'joiner' })
    joiner.cache(CACHE, REPLICATED)
    all.push(joiner)
    await formed(all)
    await eventually(() => joiner.caches.unsynced() === 0, 'the joiner holds every partition')
    writing.abort()
    await writes
    expect(written, 'writes went on during the catch-up').to.be.greaterThan(1000)
    const keys = Array.from({ length: written }, (_, i) => `c-${i}`)
    await eventually(() => everywhere(all, keys), 'every member holds every entry')
  })

  it('converges after a partition heals: each side\'s writes reach every member', async () => {
    const all = await cluster(4)
    await all[0].cache<string>(CACHE, REPLICATED).set('before', 'both')
    const [left, right] = [all.slice(0, 2), all.slice(2)]
    await nodes.cuts.partition(left, right)
    const alive = (node: FoundationNode): number => node.members().filter(m => m.status === 'alive').length
    await eventually(() => left.every(node => alive(node) === 2), 'each side sees only itself', 30_000)
    await eventually(() => all.every(node => node.caches.unsynced() === 0), 'each side holds every partition again', 30_000)
    await left[0].cache<string>(CACHE, REPLICATED).set('left', 'L')
    await right[0].cache<string>(CACHE, REPLICATED).set('right', 'R')
    expect(await right[1].cache<string>(CACHE, REPLICATED).get('left')).to.equal(undefined)

    nodes.cuts.heal()
    await agreed(all, 30_000)
    await eventually(() => all.every(node => node.caches.unsynced() === 0), 'every node holds every partition', 30_000)
    await eventually(() => everywhere(all, ['before', 'left', 'right']), 'every member holds every entry', 30_000)
    for (const node of all) {
      expect(await node.cache<string>(CACHE, REPLICATED).mget(['before', 'left', 'right'])).to.deep.equal(['both', 'L', 'R'])
    }
  })
})
