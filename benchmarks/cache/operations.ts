// The operations part of the cache benchmark: get and set throughput and latency on 3 nodes for the local mode,
// partitioned with 0 and 1 replicas, and replicated, beside a plain Map and lru-cache (the local mode's store) in the
// same run. The subjects alternate within each round, so that machine noise falls on all of them alike.
import { LRUCache } from 'lru-cache'
import { Codec } from '../../src/wire/codec.ts'
import { TestNodes, uniqueCluster } from '../../test/fixtures/nodes.ts'
import { sig3 } from '../lib/result.ts'
import { percentile } from '../lib/stats.ts'
import { withTimeout } from '../lib/util.ts'
import { settle, startNodes } from './cluster.ts'
import { add, drive, indexes, newTally, rate } from './drive.ts'
import { count, env, POPULATE_BATCH } from './settings.ts'
import type { Drive, Tally } from './drive.ts'
import type { Cache, CacheOptions } from '../../src/cache/index.ts'
import type { SubjectResult } from '../lib/result.ts'

const OPS_NODES = 3
/** keys the operations spread over, each written before the gets */
const KEYS = 10_000
const GETS = env('BENCH_CACHE_GETS', 20_000)
const SETS = env('BENCH_CACHE_SETS', 5_000)
/** the counts are split over rounds, subjects alternating within each */
const ROUNDS = 4
const WARMUP_GETS = 1_000
const WARMUP_SETS = 500
/** operations in flight at once on the distributed modes; the in-memory subjects run one at a time */
const DISTRIBUTED_CONCURRENCY = 64
/** Map, lru-cache and the local mode run this many times the counts: 20,000 gets take them a few ms */
const IN_MEMORY_SCALE = 20
/** after the rounds, each subject once more with one operation in flight: latency without queueing */
const SEQUENTIAL_GETS = 1_000
const SEQUENTIAL_SETS = 500
const TEXT = 'a value of about a hundred bytes once encoded, like a small session or a user row.'
const OPS_BUDGET_MS = 240_000

interface Item {
  id: number
  name: string
  text: string
}

const item = (i: number): Item => ({ id: i, name: `user-${i}`, text: TEXT })

interface OpsSubject {
  name: string
  /**
   * in memory (Map, lru-cache, the local mode): one operation at a time, IN_MEMORY_SCALE times the counts, and the
   * rounds not timed per operation (a clock read costs more than a Map get); their latencies come from the pass
   * with one in flight
   */
  inMemory: boolean
  /** `i` is the operation's number: the distributed subjects issue it from node i mod 3 */
  get(key: string, i: number): Promise<Item | undefined>
  set(key: string, value: Item, i: number): Promise<void>
  /** writes every key before the gets (on every node for the local mode) */
  populate(keys: readonly string[]): Promise<void>
}

function mapSubject (): OpsSubject {
  const map = new Map<string, Item>()
  return {
    name: 'Map (baseline)',
    inMemory: true,
    get: async (key) => map.get(key),
    set: async (key, value) => { map.set(key, value) },
    populate: async (keys) => { keys.forEach((key, i) => map.set(key, item(i))) }
  }
}

function lruSubject (): OpsSubject {
  // the bound the caches have by default
  const lru = new LRUCache<string, Item>({ max: 100_000 })
  return {
    name: 'lru-cache (baseline)',
    inMemory: true,
    get: async (key) => lru.get(key),
    set: async (key, value) => { lru.set(key, value) },
    populate: async (keys) => { keys.forEach((key, i) => lru.set(key, item(i))) }
  }
}

function cacheSubject (name: string, handles: Array<Cache<Item>>, local: boolean): OpsSubject {
  const populateOne = async (handle: Cache<Item>, keys: readonly string[]): Promise<void> => {
    for (let from = 0; from < keys.length; from += POPULATE_BATCH) {
      await handle.mset(keys.slice(from, from + POPULATE_BATCH).map((key, j) => [key, item(from + j)] as const))
    }
  }
  return {
    name,
    inMemory: local,
    get: async (key, i) => handles[i % handles.length].get(key),
    set: async (key, value, i) => { await handles[i % handles.length].set(key, value) },
    populate: async (keys) => {
      // a local cache is one per node: each is written, as each would be read
      for (const handle of local ? handles : handles.slice(0, 1)) { await populateOne(handle, keys) }
    }
  }
}

const SUBJECT_MODES: Array<{ name: string, cache: string, options: CacheOptions }> = [
  { name: 'Foundation local', cache: 'ops-local', options: { mode: 'local' } },
  { name: 'Foundation partitioned, replicas 0', cache: 'ops-p0', options: { mode: 'partitioned', replicas: 0 } },
  { name: 'Foundation partitioned, replicas 1', cache: 'ops-p1', options: { mode: 'partitioned', replicas: 1 } },
  { name: 'Foundation replicated', cache: 'ops-replicated', options: { mode: 'replicated' } }
]

interface OpsFigures {
  subject: OpsSubject
  get: Tally
  set: Tally
  sequentialGet: number[]
  sequentialSet: number[]
}

async function measureOps (subjects: OpsSubject[], keys: readonly string[]): Promise<OpsFigures[]> {
  const getKeys = indexes(GETS * IN_MEMORY_SCALE, KEYS, 1)
  const setKeys = indexes(SETS * IN_MEMORY_SCALE, KEYS, 2)
  const warmGet = indexes(WARMUP_GETS * IN_MEMORY_SCALE, KEYS, 3)
  const warmSet = indexes(WARMUP_SETS * IN_MEMORY_SCALE, KEYS, 4)
  const figures = new Map<OpsSubject, OpsFigures>()
  const inFlight = (s: OpsSubject): number => s.inMemory ? 1 : DISTRIBUTED_CONCURRENCY
  const scale = (s: OpsSubject): number => s.inMemory ? IN_MEMORY_SCALE : 1
  const gets = async (s: OpsSubject, picks: Uint32Array, from: number, count: number, concurrency: number, timed: boolean): Promise<Drive> =>
    drive(count, concurrency, timed, async i => (await s.get(keys[picks[from + i]], from + i)) !== undefined)
  const sets = async (s: OpsSubject, picks: Uint32Array, from: number, count: number, concurrency: number, timed: boolean): Promise<Drive> =>
    drive(count, concurrency, timed, async i => { const k = picks[from + i]; await s.set(keys[k], item(k), from + i); return true })

  for (const s of subjects) {
    await s.populate(keys)
    await gets(s, warmGet, 0, WARMUP_GETS * scale(s), inFlight(s), !s.inMemory)
    await sets(s, warmSet, 0, WARMUP_SETS * scale(s), inFlight(s), !s.inMemory)
    figures.set(s, { subject: s, get: newTally(), set: newTally(), sequentialGet: [], sequentialSet: [] })
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of subjects) {
      const f = figures.get(s)!
      const getsPerRound = Math.ceil(GETS * scale(s) / ROUNDS)
      const setsPerRound = Math.ceil(SETS * scale(s) / ROUNDS)
      const g0 = round * getsPerRound
      add(f.get, await gets(s, getKeys, g0, Math.min(getsPerRound, GETS * scale(s) - g0), inFlight(s), !s.inMemory))
      const s0 = round * setsPerRound
      add(f.set, await sets(s, setKeys, s0, Math.min(setsPerRound, SETS * scale(s) - s0), inFlight(s), !s.inMemory))
    }
  }
  for (const s of subjects) {
    const f = figures.get(s)!
    f.sequentialGet = (await gets(s, getKeys, 0, SEQUENTIAL_GETS, 1, true)).latencies
    f.sequentialSet = (await sets(s, setKeys, 0, SEQUENTIAL_SETS, 1, true)).latencies
  }
  return [...figures.values()]
}

/** One result per subject and operation; failures and misses are named in the notes. */
function opsResults (figures: OpsFigures[], notes: string[]): SubjectResult[] {
  const lru = figures.find(f => f.subject.name.startsWith('lru-cache'))
  const map = figures.find(f => f.subject.name.startsWith('Map'))
  const results: SubjectResult[] = []
  for (const f of figures) {
    const { name, inMemory } = f.subject
    for (const op of ['get', 'set'] as const) {
      const t = f[op]
      const sequential = op === 'get' ? f.sequentialGet : f.sequentialSet
      const value = rate(t)
      results.push({
        subject: `${name}: ${op}s per second`,
        value,
        unit: 'ops/s',
        inFlight: inMemory ? 1 : DISTRIBUTED_CONCURRENCY,
        // in memory: the rounds are not timed per operation, their latency is the one measured one at a time
        p50Us: sig3(percentile(inMemory ? sequential : t.latencies, 50)),
        p99Us: sig3(percentile(inMemory ? sequential : t.latencies, 99)),
        ...(inMemory ? {} : { maxUs: sig3(Math.max(...t.latencies)) }),
        oneInFlightP50Us: sig3(percentile(sequential, 50)),
        oneInFlightP99Us: sig3(percentile(sequential, 99)),
        ops: t.ops,
        roundRates: t.roundRates,
        ...(op === 'get' ? { misses: t.misses } : {}),
        ...(t.failed > 0 ? { failed: t.failed, errors: t.errors } : {}),
        ...(lru != null && f !== lru ? { vsLruCache: sig3(value / rate(lru[op])) } : {}),
        ...(map != null && name === 'Foundation local' ? { vsMap: sig3(value / rate(map[op])) } : {})
      })
      if (t.failed > 0) { notes.push(`${name}: ${t.failed} of ${t.ops} ${op}s failed: ${JSON.stringify(t.errors)}`) }
      if (op === 'get' && t.misses > 0) { notes.push(`${name}: ${t.misses} of ${t.ops} gets found no entry, though every key was written first`) }
    }
  }
  return results
}

export async function opsPart (notes: string[]): Promise<SubjectResult[]> {
  const nodes = new TestNodes()
  try {
    const cluster = await startNodes(nodes, uniqueCluster('bench-cache-ops'), OPS_NODES, 'ops')
    const subjects: OpsSubject[] = [mapSubject(), lruSubject()]
    for (const mode of SUBJECT_MODES) {
      const handles = cluster.map(n => n.cache<Item>(mode.cache, mode.options))
      subjects.push(cacheSubject(mode.name, handles, mode.options.mode === 'local'))
    }
    await settle(cluster, 'operations cluster')
    const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}`)
    const figures = await withTimeout(measureOps(subjects, keys), OPS_BUDGET_MS, 'get and set rounds')
    return opsResults(figures, notes)
  } finally {
    await nodes.stopAll()
  }
}

/** How the operations are measured, for the result's notes. */
export function opsNotes (): string[] {
  const encoded = new Codec().encode(item(1234)).byteLength
  return [
    `operations: 3 nodes, one cache per mode on all three; ${count(KEYS)} keys (key-0 ...), each written before the gets, with an object { id, name, text } of ${encoded} bytes encoded; per distributed subject ${count(GETS)} gets and ${count(SETS)} sets of keys drawn at random (seeded, the same sequence for every subject) over the ${count(KEYS)}, in ${ROUNDS} rounds with the subjects alternating, after a warm-up of ${count(WARMUP_GETS)} gets and ${WARMUP_SETS} sets; Map, lru-cache and the local mode ${IN_MEMORY_SCALE} times as many (${count(GETS)} take them a few ms); rate = operations / time of the rounds (roundRates: each round's); p50Us / p99Us = each operation's time in those rounds, in µs, queueing behind the others in flight included, except for the in-memory subjects, whose rounds are not timed per operation (a clock read costs more than a Map get): theirs are the one-in-flight pass's; oneInFlightP50Us / oneInFlightP99Us = ${count(SEQUENTIAL_GETS)} gets and ${SEQUENTIAL_SETS} sets afterwards with one in flight`,
    `the distributed modes run ${DISTRIBUTED_CONCURRENCY} operations in flight, each issued from the next of the 3 nodes in turn (a partitioned get is answered on the node when it owns the key's partition, a third of them; a replicated one always is, from the node's own copy; every set goes to the owner, which answers once the synced backups have it: none with replicas 0, one with replicas 1, both others when replicated); Map, lru-cache and the local mode run one at a time (in memory, more in flight would add no throughput on one thread)`,
    'baselines in the same run: a plain Map, and lru-cache v11 with max 100,000 (the store the local mode keeps its entries in, with its default bound); both called through the same async driver as the caches (one await per operation), holding the same objects; vsLruCache = subject / lru-cache, same operation; the local mode\'s vsMap (subject / Map) is the handle\'s overhead: the key and value checks, the counters, and the lru-cache inside it (read with a clock check per operation, for ttl)'
  ]
}

/** Each subject against the baselines, one line each: the figures a reader compares first. */
export function ratioNotes (results: readonly SubjectResult[]): string[] {
  return results.filter(r => r.vsLruCache != null)
    .map(r => `${r.subject.replace(' per second', '')} / lru-cache: ${String(r.vsLruCache)}${r.vsMap != null ? `, / Map: ${String(r.vsMap)}` : ''}`)
}
