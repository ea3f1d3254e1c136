// cache-scale: how what `cluster.cache()` costs grows with the cluster's size. For 5, 10, 25 and 50 nodes
// (BENCH_CACHE_SCALE_SIZES), each a cluster of its own in this process on the memory transport (noise and yamux over
// in-memory pipes), partitioned with 1 replica and replicated:
//   - direct messages and bytes sent cluster-wide per set and per get (every node's messaging counters around a
//     batch from one node, less the idle traffic the batch's time would have carried)
//   - set and get latency, one in flight, p50 / p99
//   - idle: the direct messages per node per second each open cache adds with no traffic
//   - rebalance: ms from a node's start until every one of the N + 1 counts it and reports caches.unsynced() 0 with
//     20,000 entries of 256 B held (partitioned, 1 replica), and the entries moved against 2/(N + 1) of them; the
//     same join at the end with every cache open; the messages a cache takes to sync once opened
// Growth is each figure over the smallest size's. Every step has a budget (benchmarks/cache-scale/size.ts); a size
// the suite's time does not leave room for is reported as not measured.
import { MODES } from '../cache-scale/figures.ts'
import { MEMBERSHIP, measureSize } from '../cache-scale/size.ts'
import { makeResult, round2, sig3 } from '../lib/result.ts'
import { now } from '../lib/stats.ts'
import { errorMessage } from '../lib/util.ts'
import type { CacheScaleSettings, ModeFigures, ModeLabel, SizeFigures } from '../cache-scale/figures.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

const env = (name: string, fallback: number): number => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

const SIZES = (process.env.BENCH_CACHE_SCALE_SIZES ?? '5,10,25,50').split(',').map(Number).filter(n => Number.isInteger(n) && n > 1)
const SETTINGS: CacheScaleSettings = {
  ops: env('BENCH_CACHE_SCALE_OPS', 500),
  idleMs: env('BENCH_CACHE_SCALE_IDLE_MS', 10_000),
  baselineMs: 5_000,
  entries: env('BENCH_CACHE_SCALE_ENTRIES', 20_000),
  entryBytes: 256,
  formTimeoutMs: 120_000,
  settleMs: 2_000,
  settlePerNodeMs: 100,
  syncBudgetMs: 120_000,
  opsBudgetMs: 120_000,
  loadBudgetMs: 120_000,
  rebalanceBudgetMs: 120_000
}
/** a size is started only while the suite has run less than this (run.ts kills it at 15 minutes) */
const SUITE_BUDGET_MS = env('BENCH_CACHE_SCALE_BUDGET_MS', 11 * 60_000)
/** the headline's target: partitioned messages per set at the largest size / at the smallest */
const TARGET = 1.2

const count = (n: number): string => n.toLocaleString('en-US')

function mode (f: SizeFigures, label: ModeLabel): ModeFigures | undefined {
  return f.modes.find(m => m.label === label)
}

/** A figure at each measured size, with its growth against the smallest size's. */
function series (figures: SizeFigures[], subject: (n: number) => string, read: (f: SizeFigures) => SubjectResult | undefined): SubjectResult[] {
  const out: SubjectResult[] = []
  let base: number | undefined
  for (const f of figures) {
    const r = read(f)
    if (r == null || !Number.isFinite(r.value)) { continue }
    base ??= r.value
    out.push({ ...r, subject: subject(f.nodes), nodes: f.nodes, growth: base > 0 ? round2(r.value / base) : null })
  }
  return out
}

function subjects (figures: SizeFigures[]): SubjectResult[] {
  const results: SubjectResult[] = []
  for (const { label } of MODES) {
    results.push(...series(figures, n => `${label}, ${n} nodes: direct messages per set`, f => {
      const sets = mode(f, label)?.sets
      return sets == null ? undefined : { subject: '', value: sets.messagesPerOp, unit: 'messages', bytesPerSet: sets.bytesPerOp, rawMessagesPerSet: sets.rawMessagesPerOp, rawBytesPerSet: sets.rawBytesPerOp, cacheRequestsPerSet: sets.requestsPerOp, backgroundRequests: sets.backgroundRequests, ...(sets.failed > 0 ? { failed: sets.failed, errors: sets.errors } : {}) }
    }))
  }
  for (const { label } of MODES) {
    results.push(...series(figures, n => `${label}, ${n} nodes: direct messages per get`, f => {
      const gets = mode(f, label)?.gets
      return gets == null ? undefined : { subject: '', value: gets.messagesPerOp, unit: 'messages', bytesPerGet: gets.bytesPerOp, rawMessagesPerGet: gets.rawMessagesPerOp, cacheRequestsPerGet: gets.requestsPerOp, backgroundRequests: gets.backgroundRequests, ...(gets.failed > 0 ? { failed: gets.failed, errors: gets.errors } : {}) }
    }))
  }
  for (const { label } of MODES) {
    for (const op of ['sets', 'gets'] as const) {
      results.push(...series(figures, n => `${label}, ${n} nodes: ${op.slice(0, 3)} p50, one in flight (ms)`, f => {
        const ops = mode(f, label)?.[op]
        return ops == null ? undefined : { subject: '', value: ops.p50Ms, unit: 'ms', p99Ms: ops.p99Ms, maxMs: ops.maxMs, count: ops.count, batchMs: ops.ms }
      }))
    }
  }
  for (const { label } of MODES) {
    results.push(...series(figures, n => `idle, ${label} open, ${n} nodes: direct messages per node per second it adds`, f => {
      const m = mode(f, label)
      return m?.idle == null || m.idleAdded == null
        ? undefined
        : { subject: '', value: m.idleAdded.messagesPerNodePerSecond, unit: 'messages/s per node', bytesPerNodePerSecond: m.idleAdded.bytesPerNodePerSecond, cpuPercentPerNodeAdded: m.idleAdded.cpuPercentPerNode, cacheRequestsPerSecondClusterWide: m.idle.requestsPerSecond, windowSeconds: m.idle.seconds }
    }))
  }
  results.push(...series(figures, n => `rebalance, partitioned r1: a node joins ${n} holding ${count(SETTINGS.entries)} × ${SETTINGS.entryBytes} B, ms until synced`, f => {
    const r = f.rebalance
    return r == null ? undefined : { subject: '', value: r.syncedMs, unit: 'ms', ...r }
  }))
  for (const { label } of MODES) {
    results.push(...series(figures, n => `${label}, ${n} nodes: direct messages per node to sync the cache once opened, no entries`, f => {
      const sync = mode(f, label)?.sync
      return sync == null ? undefined : { subject: '', value: sig3(sync.messages / f.nodes), unit: 'messages per node', ms: sync.ms, messages: sync.messages, bytes: sync.bytes, cacheRequests: sync.requests }
    }))
  }
  results.push(...series(figures, n => `a node joins ${n} with every cache open (the replicated one with ${count(SETTINGS.ops * 1.1)} entries), ms until synced`, f => {
    const j = f.joinAll
    return j == null ? undefined : { subject: '', value: j.syncedMs, unit: 'ms', ...j }
  }))
  return results
}

function summary (f: SizeFigures): string {
  const parts: string[] = [`${f.nodes} nodes: formed in ${f.formedMs ?? 'n/a'} ms (full mesh ${f.meshedMs ?? 'n/a'} ms); before any cache ${sig3((f.baseline?.messagesPerSecond ?? Number.NaN) / f.nodes)} direct messages per node per second`]
  for (const m of f.modes) {
    const s = m.sets
    const g = m.gets
    parts.push(`${m.label}: ${s?.messagesPerOp ?? 'n/a'} messages (${s?.bytesPerOp ?? 'n/a'} B) per set, ${g?.messagesPerOp ?? 'n/a'} per get; set p50/p99 ${s?.p50Ms ?? 'n/a'}/${s?.p99Ms ?? 'n/a'} ms, get ${g?.p50Ms ?? 'n/a'}/${g?.p99Ms ?? 'n/a'} ms; idle +${m.idleAdded?.messagesPerNodePerSecond ?? 'n/a'} messages and +${m.idleAdded?.bytesPerNodePerSecond ?? 'n/a'} B per node per second (${JSON.stringify(m.idle?.requestsPerSecond ?? {})} cache requests/s cluster-wide with it open); synced ${m.sync?.ms ?? 'n/a'} ms after opening, with ${m.sync == null ? 'n/a' : count(m.sync.messages)} direct messages (${JSON.stringify(m.sync?.requests ?? {})} cache requests)`)
  }
  const r = f.rebalance
  if (r != null) {
    parts.push(`rebalance: joined ${r.joinedMs} ms, synced ${r.syncedMs} ms, two copies of each ${r.twoCopiesMs ?? 'not within the budget'} ms after the start; ${count(r.entriesMoved)} entries moved to the joiner (2/(N + 1) of the copies: ${count(r.expectedMoved)}, ×${r.movedOverExpected}; in the partitions it ranks among the keepers of: ${count(r.joinerShouldKeep)}), ${count(r.entriesSentByTheOthers)} sent by the others; ${count(r.messages)} messages, ${count(Math.round(r.bytes / 1024))} KiB (${JSON.stringify(r.requests)} cache requests); loop delay p99 ${r.loopDelayP99Ms} ms (load took ${count(r.loadMs)} ms); the joiner's graceful stop ${r.leaveStopMs} ms, the N synced ${r.leaveSyncedMs} ms after it began; with that cache open ${sig3((f.rebalanceIdle?.messagesPerSecond ?? Number.NaN) / f.nodes)} direct messages per node per second`)
  }
  const j = f.joinAll
  if (j != null) {
    parts.push(`a join with every cache open: joined ${j.joinedMs} ms, synced ${j.syncedMs} ms; ${count(j.messages)} messages, ${count(Math.round(j.bytes / 1024))} KiB (${JSON.stringify(j.requests)} cache requests); loop delay p99 ${j.loopDelayP99Ms} ms`)
  }
  parts.push(`${f.formationSuspicions} suspect/leave events while forming, ${f.suspicions} after${f.suspicions > 0 ? ` (${f.trouble})` : ''}`)
  return parts.join('; ')
}

export async function run (): Promise<BenchResult> {
  const started = now()
  const figures: SizeFigures[] = []
  const notes: string[] = [
    `sizes ${SIZES.join(', ')}: each a fresh cluster of Foundation nodes in this one process on @libp2p/memory with noise and yamux (benchmarks/lib/memory-cluster.ts), each given the first node's address; observability off as production sets it; the production profile's failure detector (probeTimeout ${MEMBERSHIP.probeTimeout} ms, suspectTimeout ${MEMBERSHIP.suspectTimeout / 1000} s), the rest development's; full membership and the full mesh awaited, then ${SETTINGS.settleMs / 1000} s + ${SETTINGS.settlePerNodeMs} ms per node to settle`,
    `per size, in order: a ${SETTINGS.baselineMs / 1000} s window with no cache open (the background: membership and the rest); the rebalance (below), then a ${SETTINGS.baselineMs / 1000} s window with its cache open; then for each mode (partitioned with replicas 1, then replicated) the cache opened on every node, every node synced (caches.unsynced() 0: its sync, with the messages it took), ${SETTINGS.settleMs / 1000} s, an idle window of ${SETTINGS.idleMs / 1000} s, a warm-up of ${SETTINGS.ops / 10} sets and gets, ${SETTINGS.ops} sets then ${SETTINGS.ops} gets of distinct keys (k-0 ...; an object of about 113 B encoded), one in flight, all from node 0; the caches opened earlier stay open (a cache has no close), idle; last, when every cache synced, one more node joins with all three open`,
    'messages per set / per get = the sum over every node of messaging.stats.messagesOut (direct messages: calls, replies and sends; cache traffic goes there) after the batch less before it, less the background: the other \'$cache\' requests made meanwhile (vouching, the other caches\' duties), counted exactly by wrapping each node\'s messaging.call and send, two messages each (a call and its reply), and the no-cache window\'s rate × the batch\'s duration (about 0), / the operations; bytes likewise from bytesOut (encoded frames, before noise and yamux), the background requests\' bytes estimated at the idle window\'s bytes per request; raw* = without that correction; cacheRequestsPer* = the \'$cache\' requests per operation by cache and kind (op: an operation sent to its owner, none when node 0 owns the partition; rep: an owner\'s write to a backup; vouch: a backup checking with an owner)',
    'latency = each operation\'s time on node 0, one in flight, the event loop let through between two (on the memory transport, with no latency, a message is passed on in microtasks: back-to-back operations would hold off every timer, duties, vouching and membership probes, for the whole batch); a partitioned operation is answered on node 0 when it owns the key\'s partition (1/N of them), a replicated get always is (its own copy), a replicated set waits at the owner for every other member. Every node shares this one thread, so remote operations pay both ends\' CPU (codec, noise, yamux) and any other node\'s work that runs meanwhile: the latencies are CPU-bound, not network-bound',
    'idle = direct messages per node per second each cache adds when opened with no traffic: its idle window less the one before (the window with the rebalance\'s cache open, a partitioned one with replicas 1 and 20,000 entries; then the partitioned cache\'s); vouching is by partition, not by entry, so the entries held do not change it; the owners\' duties run every second and each backup checks with each owner it follows every 2 s (vouch); in the replicated mode every member backs up every other member\'s partitions',
    `rebalance (first, partitioned with replicas 1, no other cache open): the cache opened on the N, ${count(SETTINGS.entries)} entries of ${SETTINGS.entryBytes} B loaded with mset (1,000 a call, 4 in flight, from the nodes in turn), every node synced, then one more node started (given the first node's address) and opening the cache; value = ms from the call that starts it until every one of the N + 1 counts all N + 1 active and reports caches.unsynced() 0 and rebalancing 0; twoCopiesMs: until the entries held on the N + 1 add up to two per key; entriesMoved = the joiner's stats().moves (entries it received), against 2 × entries / (N + 1) (its share of the copies on average) and joinerShouldKeep (the entries of the partitions it ranks owner or backup of, computed with the engine's rendezvous ranks: what must move); messages and bytes = every node's messagesOut and bytesOut during it; then the joiner stops gracefully (handing its partitions back) and the rest runs on the N`,
    'a join with every cache open: at the end, one more node starts and opens the three caches (the replicated one holding the sets\' and warm-up\'s keys): ms until every node counts it and reports unsynced 0 (every cache): what a replicated cache adds to a join',
    'sync once opened: the messages the N nodes sent from opening the cache (empty) on every node until every node reported unsynced 0, per node: each owner fills each backup of its partitions (1 per partition with replicas 1, N - 1 in the replicated mode) and announces its synced backups to them',
    `growth = a figure at this size / the same at ${SIZES[0]} nodes (the smallest size)`,
    `headline ratio: partitioned (replicas 1) direct messages per set at the largest size measured / at the smallest: a set costs its call to the owner and the reply ((N - 1)/N of sets, when node 0 is not the owner) plus the owner's write to its one backup and the reply, about 2 + 2 (N - 1)/N messages, so it should stay within ${TARGET}× (3.6 at 5 nodes, 3.96 at 50); the replicated mode's grows as 2 N by design (a write to every member); the other figures' growth is in results (growth) and in the per-size notes below`
  ]
  for (const nodes of SIZES) {
    const elapsed = now() - started
    if (elapsed > SUITE_BUDGET_MS) {
      notes.push(`${nodes} nodes: not measured, the suite had run ${Math.round(elapsed / 1000)} s of its ${SUITE_BUDGET_MS / 1000} s budget`)
      continue
    }
    const t = now()
    try {
      const f = await measureSize(nodes, SETTINGS)
      figures.push(f)
      notes.push(`${summary(f)}; the size took ${Math.round((now() - t) / 1000)} s`)
      notes.push(...f.notMeasured)
    } catch (err) {
      notes.push(`${nodes} nodes: not measured: ${errorMessage(err)}`)
    }
  }

  const results = subjects(figures)
  const perSet = results.filter(r => r.subject.startsWith('partitioned r1,') && r.subject.endsWith('messages per set'))
  const first = perSet[0]
  const last = perSet[perSet.length - 1]
  const ratio = first != null && last != null && last !== first ? sig3(last.value / first.value) : null
  const largest = last?.nodes ?? SIZES[SIZES.length - 1]
  const smallest = first?.nodes ?? SIZES[0]
  return makeResult({
    name: 'cache-scale',
    unit: 'per subject (messages, ms, messages/s per node)',
    results,
    ratio,
    ratioOf: `partitioned (replicas 1) direct messages per set at ${String(largest)} nodes / at ${String(smallest)} nodes (lower is better; the other figures' growth in results and notes)`,
    target: `<= ${TARGET}`,
    notes
  })
}
