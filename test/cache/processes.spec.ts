// A partitioned cache kept by node processes (replicas 1), read and written from the test's own node, which keeps
// no entries: a rolling restart of the five keepers while writes go on loses no key, and a SIGKILLed keeper loses
// none either, its backups taking over and every key back to two copies.
import { expect } from 'aegir/chai'
import { NodeProcess, endAll } from '../../benchmarks/lib/node-process.ts'
import { CACHE_NAME, CACHE_OPTIONS } from '../fixtures/cache-keepers.ts'
import { TestNodes, eventually, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const SCRIPT = new URL('../fixtures/cache-node-process.ts', import.meta.url).pathname
const KEYS = Array.from({ length: 10_000 }, (_, i) => `k-${i}`)

interface Status { unsynced: number, members: number, entries: number }

describe('partitioned cache kept by node processes', function () {
  this.timeout(240_000)
  const nodes = new TestNodes()
  const processes: NodeProcess[] = []
  let started = 0

  afterEach(async () => {
    await endAll(processes.splice(0))
    await nodes.stopAll()
  })

  async function keeper (cluster: string, name: string): Promise<NodeProcess> {
    const child = new NodeProcess(SCRIPT, started++, { CLUSTER: cluster, NAME: name })
    processes.push(child)
    await child.started(60_000)
    return child
  }

  /** every keeper that runs counts all members and holds every partition it should */
  async function settled (keepers: NodeProcess[], members: number): Promise<void> {
    await eventually(async () => {
      const statuses = await Promise.all(keepers.map(async k => k.request<Status>('status')))
      return statuses.every(s => s.unsynced === 0 && s.members === members)
    }, `${keepers.length} keepers settle with ${members} members`, 60_000)
  }

  async function setUp (count: number): Promise<{ client: FoundationNode, keepers: NodeProcess[], cluster: string }> {
    const cluster = uniqueCluster('cache')
    const keepers = await Promise.all(Array.from({ length: count }, async (_, i) => keeper(cluster, `keeper-${i + 1}`)))
    const client = await nodes.start({ clusterName: cluster, name: 'client' })
    client.cache(CACHE_NAME, CACHE_OPTIONS)
    await settled(keepers, count + 1)
    const cache = client.cache<number>(CACHE_NAME, CACHE_OPTIONS)
    for (let i = 0; i < KEYS.length; i += 1000) {
      await cache.mset(KEYS.slice(i, i + 1000).map((key, j) => [key, i + j] as const))
    }
    return { client, keepers, cluster }
  }

  async function missing (client: FoundationNode, keys: string[], values: number[]): Promise<string[]> {
    const read = await client.cache<number>(CACHE_NAME, CACHE_OPTIONS).mget(keys)
    return keys.filter((key, i) => read[i] !== values[i])
  }

  it('loses no key in a rolling restart of five keepers while writes go on', async () => {
    const { client, keepers, cluster } = await setUp(5)
    const cache = client.cache<number>(CACHE_NAME, CACHE_OPTIONS)
    const acknowledged: number[] = []
    const failed: string[] = []
    const writing = new AbortController()
    const writer = (async () => {
      for (let n = 0; !writing.signal.aborted; n++) {
        try {
          await cache.set(`w-${n}`, n)
          acknowledged.push(n)
        } catch (err: any) {
          failed.push(`w-${n}: ${err.message}`)
        }
      }
    })()
    const live = [...keepers]
    for (let i = 0; i < 5; i++) {
      const old = live.shift()!
      await old.request('stop')
      await old.closed
      live.push(await keeper(cluster, `keeper-${i + 1}-restarted`))
      await settled(live, 6)
    }
    writing.abort()
    await writer
    expect(await missing(client, KEYS, KEYS.map((_, i) => i)), 'first keys lost').to.deep.equal([])
    expect(acknowledged.length, 'writes went on through the restarts').to.be.greaterThan(100)
    expect(await missing(client, acknowledged.map(n => `w-${n}`), acknowledged), 'acknowledged writes lost').to.deep.equal([])
    expect(failed, 'writes refused during the restarts').to.deep.equal([])
  })

  it('loses no key when a keeper is SIGKILLed: its backups take over and every key has two copies again', async () => {
    const { client, keepers } = await setUp(4)
    const victim = keepers[1]
    victim.kill('SIGKILL')
    await victim.closed
    const left = keepers.filter(k => k !== victim)
    await settled(left, 4)
    expect(await missing(client, KEYS, KEYS.map((_, i) => i))).to.deep.equal([])
    await eventually(async () => {
      const held = await Promise.all(left.map(async k => k.request<number[]>('held', { keys: KEYS })))
      const copies = new Array<number>(KEYS.length).fill(0)
      for (const indexes of held) { for (const i of indexes) { copies[i]++ } }
      return copies.every(c => c === 2)
    }, 'two copies of every key on the keepers left', 60_000)
  })
})
