// The rebalance part of the cache benchmark: 3 nodes hold 100,000 entries of 1 KiB (partitioned, 1 replica) and a
// 4th joins. Timed until every node holds every partition it should and every key has its two copies (counted on
// every node: a read alone could not tell one copy from two), then every key is read back from the new node.
import { TestNodes, uniqueCluster } from '../../test/fixtures/nodes.ts'
import { round2, sig3 } from '../lib/result.ts'
import { now } from '../lib/stats.ts'
import { errorMessage, forEachLimit, waitFor, withTimeout } from '../lib/util.ts'
import { agree, countCopies, lostKeys, settle, startNode, startNodes, synced } from './cluster.ts'
import { count, DEFAULT_DISTRIBUTED, env, POLL_MS, VERIFY_BATCH } from './settings.ts'
import type { SubjectResult } from '../lib/result.ts'

const REBALANCE_ENTRIES = env('BENCH_CACHE_REBALANCE_ENTRIES', 100_000)
const ENTRY_BYTES = 1024
/** entries per mset while loading, and msets in flight */
const LOAD_BATCH = 2_000
const LOAD_CONCURRENCY = 4
const LOAD_BUDGET_MS = 180_000
const REBALANCE_BUDGET_MS = 180_000
const CACHE = 'rebalance'

/** The entry's number in its first 4 bytes, so that a read-back can tell a value from another key's. */
function entryBytes (i: number): Uint8Array {
  const bytes = new Uint8Array(ENTRY_BYTES)
  for (let j = 4; j < bytes.length; j++) { bytes[j] = (i + j) & 0xff }
  new DataView(bytes.buffer).setUint32(0, i)
  return bytes
}

function entryIndex (value: unknown): number | undefined {
  if (!(value instanceof Uint8Array) || value.byteLength !== ENTRY_BYTES) { return undefined }
  return new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0)
}

export async function rebalancePart (notes: string[]): Promise<SubjectResult[]> {
  const nodes = new TestNodes()
  const results: SubjectResult[] = []
  try {
    const clusterName = uniqueCluster('bench-cache-rebalance')
    const first = await startNodes(nodes, clusterName, 3, 'holder')
    const handles = first.map(n => n.cache<Uint8Array>(CACHE, DEFAULT_DISTRIBUTED))
    await settle(first, 'rebalance cluster')
    const keys = Array.from({ length: REBALANCE_ENTRIES }, (_, i) => `entry-${i}`)
    const batches = Array.from({ length: Math.ceil(keys.length / LOAD_BATCH) }, (_, b) => b)
    const t0 = now()
    await withTimeout(forEachLimit(batches, LOAD_CONCURRENCY, async (b) => {
      const from = b * LOAD_BATCH
      await handles[b % handles.length].mset(keys.slice(from, from + LOAD_BATCH).map((key, j) => [key, entryBytes(from + j)] as const))
    }), LOAD_BUDGET_MS, `loading ${keys.length} entries`)
    const loadMs = now() - t0
    await settle(first, 'after loading')
    const entriesBefore = first.map(n => n.cache(CACHE).stats().entries)
    results.push({
      subject: `loading ${count(REBALANCE_ENTRIES)} entries of 1 KiB into 3 nodes with mset (reference)`,
      value: Math.round(loadMs),
      unit: 'ms',
      entriesPerSecond: sig3(REBALANCE_ENTRIES / (loadMs / 1000)),
      entriesPerNode: entriesBefore
    })
    const movesBefore = first.map(n => n.cache(CACHE).stats().moves)

    const all = [...first]
    const marks: Record<string, number> = {}
    const started = now()
    const joiner = await startNode(nodes, clusterName, 'joiner', first)
    joiner.cache<Uint8Array>(CACHE, DEFAULT_DISTRIBUTED)
    all.push(joiner)
    marks.startedMs = now() - started
    let checks = 0
    let lastCheckMs = 0
    let lastBad = -1
    const done = async (): Promise<boolean> => {
      if (marks.joinedMs == null) {
        if (!agree(all)) { return false }
        marks.joinedMs = now() - started
      }
      if (!synced(all) || all.some(n => n.cache(CACHE).stats().rebalancing > 0)) { return false }
      marks.syncedMs ??= now() - started
      // cheap before the full check: the entries held add up to two copies of each
      if (all.reduce((sum, n) => sum + n.cache(CACHE).stats().entries, 0) !== 2 * REBALANCE_ENTRIES) { return false }
      marks.twoCopiesCountedMs ??= now() - started
      const c0 = now()
      lastBad = countCopies(all, CACHE, keys, 2).bad
      lastCheckMs = now() - c0
      checks++
      return lastBad === 0
    }
    try {
      await waitFor(done, REBALANCE_BUDGET_MS, 'rebalance', POLL_MS)
    } catch (err) {
      notes.push(`rebalance not measured: ${errorMessage(err)}; reached ${JSON.stringify(marks)}, ${lastBad} keys without exactly two copies at the last check, unsynced per node ${all.map(n => n.caches.unsynced()).join('/')}, entries per node ${all.map(n => n.cache(CACHE).stats().entries).join('/')}`)
      return results
    }
    const rebalanceMs = now() - started
    const moved = joiner.cache(CACHE).stats().moves
    const sent = first.reduce((sum, n, i) => sum + n.cache(CACHE).stats().moves - movesBefore[i], 0)
    const samples: string[] = []
    const lost = await lostKeys(joiner.cache<Uint8Array>(CACHE), keys, (key, value) => entryIndex(value) === Number(key.slice(6)), samples)
    if (lost > 0) { notes.push(`FAILED: ${lost} of ${count(REBALANCE_ENTRIES)} keys missing or wrong after the rebalance, e.g. ${samples.join('; ')}`) }
    results.push({
      subject: `rebalance: a 4th node joins 3 holding ${count(REBALANCE_ENTRIES)} × 1 KiB (ms until synced, two copies of every key)`,
      value: Math.round(rebalanceMs),
      unit: 'ms',
      startedMs: Math.round(marks.startedMs),
      joinedMs: Math.round(marks.joinedMs),
      syncedMs: Math.round(marks.syncedMs),
      twoCopiesCountedMs: Math.round(marks.twoCopiesCountedMs),
      copyCheckMs: Math.round(lastCheckMs),
      copyChecks: checks,
      entriesMoved: moved,
      entriesSentByTheThree: sent,
      movedMiBPerSecond: round2((moved * ENTRY_BYTES / 2 ** 20) / (rebalanceMs / 1000)),
      entriesPerNode: all.map(n => n.cache(CACHE).stats().entries),
      keysLost: lost
    })
    return results
  } finally {
    await nodes.stopAll()
  }
}

/** How the rebalance is measured, for the result's notes. */
export function rebalanceNote (): string {
  return `rebalance: 3 nodes, one cache partitioned with replicas 1, ${count(REBALANCE_ENTRIES)} entries of ${ENTRY_BYTES} bytes (Uint8Array, the key's number in the first 4 bytes) loaded with mset (${LOAD_BATCH} entries per call, ${LOAD_CONCURRENCY} calls in flight, from the 3 nodes in turn); once every node is synced, a 4th node starts (given the 3 addresses) and opens the cache; value = ms from the call to start it until every one of the 4 counts all 4, reports caches.unsynced() 0 and stats().rebalancing 0, and node.caches.copyOf() on the 4 nodes finds exactly two copies of every key, one the owner (checked every ${POLL_MS} ms once the entries held on the 4 add up to two per key; the check itself, copyCheckMs, included); entriesMoved = the new node's stats().moves (entries it received), entriesSentByTheThree the others' increase; afterwards every key read back from the new node with mget (${count(VERIFY_BATCH)} a call) and its bytes checked: keysLost must be 0`
}
