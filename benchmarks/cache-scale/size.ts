// One cluster size of the cache-scale suite: N Foundation nodes in this process on the memory transport, and what
// the distributed cache costs on them: direct messages and bytes per set and per get, set and get latency with one
// in flight, the cache's idle traffic, and the rebalance when one node joins N holding many entries.
// Every step has a budget; one that runs out (or fails) is named in `notMeasured` and the next step runs.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { PartitionRanks, partitionOf } from '../../src/cache/distributed/partition-ranks.ts'
import { SECOND } from '../../src/config/units.ts'
import { OBSERVABILITY_OFF } from '../lib/foundation-configs.ts'
import { MemberTrouble } from '../lib/member-trouble.ts'
import { startMemoryCluster, waitFormed, waitMeshed } from '../lib/memory-cluster.ts'
import { round2, sig3 } from '../lib/result.ts'
import { now } from '../lib/stats.ts'
import { delay, errorMessage, forEachLimit, waitFor, withTimeout } from '../lib/util.ts'
import { MODES } from './figures.ts'
import { CacheRequests, idleWindow, short, span, timedOps, totals } from './traffic.ts'
import type { CacheScaleSettings, JoinFigures, ModeFigures, RebalanceFigures, SizeFigures } from './figures.ts'
import type { Totals } from './traffic.ts'
import type { Cache, CacheOptions } from '../../src/cache/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { MemoryCluster } from '../lib/memory-cluster.ts'

/** The production profile's failure detector: a busy one-process cluster of 50 must not suspect its own members */
export const MEMBERSHIP = { probeTimeout: 500, suspectTimeout: 10 * SECOND }
/** no node stops while anything is measured: a short drain keeps the stop of 50 nodes holding entries quick */
const DRAIN_TIMEOUT_MS = 5_000
const POLL_MS = 50
const LOAD_BATCH = 1_000
const LOAD_CONCURRENCY = 4
/** after the rebalance is synced: until the entries held add up to two copies of each (extra copies dropped) */
const TWO_COPIES_BUDGET_MS = 30_000
/** a join's timeline of unsynced nodes: sampled this often, at most this many changes */
const TIMELINE_EVERY_MS = 500
const TIMELINE_MAX = 40
const TEXT = 'a value of about a hundred bytes once encoded, like a small session or a user row.'
const REBALANCE_CACHE = 'scale-rebalance'
const REBALANCE_OPTIONS: CacheOptions = { mode: 'partitioned', replicas: 1 }

/** every node counts exactly these nodes active */
function agree (nodes: readonly FoundationNode[]): boolean {
  const ids = nodes.map(n => n.id).sort().join(',')
  return nodes.every(n => n.membership.activeMembers().map(m => m.id).sort().join(',') === ids)
}

const synced = (nodes: readonly FoundationNode[]): boolean => nodes.every(n => n.caches.unsynced() === 0)

function entryBytes (i: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let j = 4; j < bytes.length; j++) { bytes[j] = (i + j) & 0xff }
  new DataView(bytes.buffer).setUint32(0, i)
  return bytes
}

interface Item { id: number, name: string, text: string }
const item = (i: number): Item => ({ id: i, name: `user-${i}`, text: TEXT })

export async function measureSize (count: number, s: CacheScaleSettings): Promise<SizeFigures> {
  const figures: SizeFigures = { nodes: count, formedMs: null, meshedMs: null, modes: [], formationSuspicions: 0, suspicions: 0, trouble: '', notMeasured: [] }
  const step = async <T>(what: string, budgetMs: number, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await withTimeout(fn(), budgetMs, what)
    } catch (err) {
      figures.notMeasured.push(`${count} nodes, ${what} not measured: ${errorMessage(err)}`)
      return undefined
    }
  }
  const t0 = now()
  const cluster = await startMemoryCluster({
    nodes: count,
    clusterPrefix: 'bench-cache-scale',
    init: { ...OBSERVABILITY_OFF.init, membership: MEMBERSHIP, distribution: { drainTimeout: DRAIN_TIMEOUT_MS } }
  })
  const trouble = new MemberTrouble(cluster.nodes)
  const requests = new CacheRequests()
  for (const node of cluster.nodes) { requests.watch(node) }
  try {
    if (!await waitFormed(cluster.nodes, s.formTimeoutMs)) {
      figures.notMeasured.push(`${count} nodes: not measured, the cluster did not form within ${s.formTimeoutMs / 1000} s`)
      return figures
    }
    figures.formedMs = Math.round(now() - t0)
    if (await waitMeshed(cluster.nodes, s.formTimeoutMs)) { figures.meshedMs = Math.round(now() - t0) }
    await delay(s.settleMs + s.settlePerNodeMs * count)
    figures.formationSuspicions = trouble.count('suspect') + trouble.count('leave')
    trouble.reset()
    figures.baseline = await idleWindow(cluster, requests, s.baselineMs)

    // the rebalance first, with no other cache open: the join's figures are this cache's alone
    figures.rebalance = await step(`rebalance of ${s.entries} entries`, s.syncBudgetMs + s.loadBudgetMs + s.syncBudgetMs + s.rebalanceBudgetMs + TWO_COPIES_BUDGET_MS + s.rebalanceBudgetMs,
      async () => rebalance(cluster, requests, s))
    if (figures.rebalance == null) { return figures }
    await delay(s.settleMs)
    figures.rebalanceIdle = await idleWindow(cluster, requests, s.baselineMs)

    let background = figures.rebalanceIdle
    let allSynced = true
    for (const mode of MODES) {
      const m: ModeFigures = { label: mode.label }
      figures.modes.push(m)
      const opened = totals(cluster.nodes, requests)
      const handles = cluster.nodes.map(n => n.cache<Item>(mode.cache, mode.options))
      m.sync = await step(`${mode.label}: every node synced after opening the cache`, s.syncBudgetMs + 1000, async () => {
        await untilSynced(cluster.nodes, s.syncBudgetMs, requests, opened)
        return span(opened, totals(cluster.nodes, requests))
      })
      if (m.sync == null) {
        allSynced = false
        continue
      }
      await delay(s.settleMs)
      const before = background
      m.idle = await idleWindow(cluster, requests, s.idleMs)
      background = m.idle
      m.idleAdded = {
        messagesPerNodePerSecond: sig3((m.idle.messagesPerSecond - before.messagesPerSecond) / count),
        bytesPerNodePerSecond: sig3((m.idle.bytesPerSecond - before.bytesPerSecond) / count),
        cpuPercentPerNode: round2(m.idle.cpuPercentPerNode - before.cpuPercentPerNode)
      }
      const handle: Cache<Item> = handles[0]
      const warm = Math.max(1, Math.round(s.ops / 10))
      await step(`${mode.label}: warm-up`, s.opsBudgetMs, async () => {
        for (let i = 0; i < warm; i++) { await handle.set(`w-${i}`, item(i)); await handle.get(`w-${i}`) }
      })
      const own = { own: [`${short(mode.cache)}:op`, `${short(mode.cache)}:rep`], baseline: figures.baseline, idle: m.idle }
      m.sets = await step(`${mode.label}: ${s.ops} sets`, s.opsBudgetMs, async () => timedOps(cluster, requests, s.ops, own, async i => { await handle.set(`k-${i}`, item(i)) }))
      m.gets = await step(`${mode.label}: ${s.ops} gets`, s.opsBudgetMs, async () => timedOps(cluster, requests, s.ops, own, async i => {
        if ((await handle.get(`k-${i}`)) === undefined) { throw new Error('k-N not found') }
      }))
    }
    if (allSynced) {
      figures.joinAll = await step('a join with every cache open', s.rebalanceBudgetMs + 1000, async () => {
        const before = totals(cluster.nodes, requests)
        return join(cluster, requests, s, before, [...MODES.map(m => [m.cache, m.options] as const), [REBALANCE_CACHE, REBALANCE_OPTIONS] as const])
      })
    } else {
      figures.notMeasured.push(`${count} nodes, a join with every cache open not measured: a cache did not sync`)
    }
  } finally {
    // the joiner of the rebalance leaves on purpose: the others seeing it leave is no trouble
    const events = trouble.list().filter(e => !(e.type === 'leave' && e.member === `node-${count}`))
    figures.suspicions = events.length
    figures.trouble = events.slice(0, 3).map(e => `${e.observer} saw ${e.member} ${e.type} at ${e.atMs} ms`).join('; ')
    trouble.close()
    await cluster.close()
  }
  return figures
}

/** Until every node reports unsynced 0; the error says how far they got, and what the nodes sent meanwhile. */
async function untilSynced (nodes: readonly FoundationNode[], budgetMs: number, requests: CacheRequests, since: Totals): Promise<void> {
  try {
    await waitFor(() => synced(nodes), budgetMs, 'unsynced 0 on every node', POLL_MS)
  } catch (err) {
    const unsynced = nodes.map(n => n.caches.unsynced())
    const meanwhile = span(since, totals(nodes, requests))
    throw new Error(`${errorMessage(err)}: ${unsynced.filter(u => u > 0).length} of ${nodes.length} nodes still unsynced, ${unsynced.reduce((a, b) => a + b, 0)} partitions in all (max ${Math.max(...unsynced)}); meanwhile ${meanwhile.messages} direct messages, ${Math.round(meanwhile.bytes / 2 ** 20)} MiB, cache requests ${JSON.stringify(meanwhile.requests)}`, { cause: err })
  }
}

/** One more node starts (given the first node's address) and opens `caches`; until every node counts it and is synced. */
async function join (cluster: MemoryCluster, requests: CacheRequests, s: CacheScaleSettings, before: Totals, caches: ReadonlyArray<readonly [string, CacheOptions]>): Promise<JoinFigures> {
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const started = now()
  const [joiner] = await cluster.grow(1)
  requests.watch(joiner)
  for (const [name, options] of caches) { joiner.cache(name, options) }
  const all = cluster.nodes
  let joinedMs: number | undefined
  const timeline: string[] = []
  let lastSample = -Infinity
  let lastLine = ''
  const sample = (): void => {
    const t = now() - started
    if (t - lastSample < TIMELINE_EVERY_MS || timeline.length >= TIMELINE_MAX) { return }
    lastSample = t
    const line = all.filter(n => n.caches.unsynced() > 0).map(n => `${n.name}: ${n.caches.unsynced()}`).join(', ')
    if (line !== lastLine) { timeline.push(`${Math.round(t)} ms ${line === '' ? 'none' : line}`) }
    lastLine = line
  }
  try {
    await waitFor(() => {
      sample()
      if (joinedMs == null) {
        if (!agree(all)) { return false }
        joinedMs = now() - started
      }
      return synced(all) && all.every(n => n.caches.stats().every(c => c.stats.rebalancing === 0))
    }, s.rebalanceBudgetMs, `every node counts the ${all.length} and reports unsynced 0`, POLL_MS)
  } catch (err) {
    throw new Error(`${errorMessage(err)} (joined after ${joinedMs == null ? 'never' : Math.round(joinedMs)} ms; unsynced ${all.map(n => n.caches.unsynced()).join('/')}; timeline ${timeline.join('; ')})`, { cause: err })
  } finally {
    loop.disable()
  }
  const syncedMs = now() - started
  return { ...span(before, totals(all, requests)), syncedMs: Math.round(syncedMs), joinedMs: Math.round(joinedMs ?? syncedMs), loopDelayP99Ms: round2(loop.percentile(99) / 1e6), unsyncedTimeline: timeline }
}

async function rebalance (cluster: MemoryCluster, requests: CacheRequests, s: CacheScaleSettings): Promise<RebalanceFigures> {
  const first = [...cluster.nodes]
  const handles = first.map(n => n.cache<Uint8Array>(REBALANCE_CACHE, REBALANCE_OPTIONS))
  await waitFor(() => synced(first), s.syncBudgetMs, 'the rebalance cache synced on every node', POLL_MS)
  const batches = Array.from({ length: Math.ceil(s.entries / LOAD_BATCH) }, (_, b) => b)
  const t0 = now()
  await withTimeout(forEachLimit(batches, LOAD_CONCURRENCY, async (b) => {
    const from = b * LOAD_BATCH
    const entries = Array.from({ length: Math.min(LOAD_BATCH, s.entries - from) }, (_, j) => [`e-${from + j}`, entryBytes(from + j, s.entryBytes)] as const)
    await handles[b % handles.length].mset(entries)
  }), s.loadBudgetMs, `loading ${s.entries} entries`)
  const loadMs = Math.round(now() - t0)
  await waitFor(() => synced(first), s.syncBudgetMs, 'every node synced after the load', POLL_MS)
  await delay(s.settleMs)
  const movesBefore = first.map(n => n.cache(REBALANCE_CACHE).stats().moves)

  const joined = await join(cluster, requests, s, totals(first, requests), [[REBALANCE_CACHE, REBALANCE_OPTIONS]])
  const all = cluster.nodes
  const joiner = all[all.length - 1]
  const started = now() - joined.syncedMs
  const held = (): number => all.reduce((sum, n) => sum + n.cache(REBALANCE_CACHE).stats().entries, 0)
  let twoCopiesMs: number | null = null
  await waitFor(() => held() === 2 * s.entries, TWO_COPIES_BUDGET_MS, 'two copies', POLL_MS).then(() => { twoCopiesMs = Math.round(now() - started) }, () => {})
  const stats = joiner.cache(REBALANCE_CACHE).stats()
  const expectedMoved = 2 * s.entries / all.length
  const ranks = new PartitionRanks(REBALANCE_CACHE, 2)
  ranks.update(joiner.membership.activeMembers().map(m => ({ id: m.id, name: m.name, roles: m.roles })))
  let joinerShouldKeep = 0
  for (let i = 0; i < s.entries; i++) {
    if (ranks.of(partitionOf(`e-${i}`)).includes(joiner.id)) { joinerShouldKeep++ }
  }
  const sent = first.reduce((sum, n, i) => sum + n.cache(REBALANCE_CACHE).stats().moves - movesBefore[i], 0)

  // the joiner leaves again (a graceful stop hands its partitions back), so the rest runs on N nodes
  const l0 = now()
  await withTimeout(joiner.stop(), s.rebalanceBudgetMs, 'the joiner\'s graceful stop')
  const leaveStopMs = Math.round(now() - l0)
  cluster.nodes.pop()
  cluster.bytes.pop()
  await waitFor(() => agree(first) && synced(first), s.rebalanceBudgetMs, 'the N synced after the joiner left', POLL_MS)
  return {
    ...joined,
    twoCopiesMs,
    loadMs,
    entriesMoved: stats.moves,
    joinerEntries: stats.entries,
    entriesSentByTheOthers: sent,
    expectedMoved: Math.round(expectedMoved),
    movedOverExpected: round2(stats.moves / expectedMoved),
    joinerShouldKeep,
    leaveStopMs,
    leaveSyncedMs: Math.round(now() - l0)
  }
}
