// registry: how fast names spread through a cluster and what they cost, measured through a node's public API only
// (spawn with a name, lookup, stop), so the figures hold whatever name system runs underneath.
//   - names registered per second until every node of 5 resolves every one of them
//   - lookups per second of known names from a node that does not hold them, one at a time and 100 at once
//   - bytes per named actor on its node and on another node (two node processes with --expose-gc)
//   - ms to stop a node holding the names, and until another node's lookups of them answer undefined
// Baseline in the same run: a plain Map of name -> { node, id }, the floor any table of names pays.
// Every figure has a time budget: one that runs out is reported as not measured, with what it reached.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startMemoryCluster } from '../lib/memory-cluster.ts'
import { endAll, NodeProcess } from '../lib/node-process.ts'
import { makeResult, round2, sig3 } from '../lib/result.ts'
import { now } from '../lib/stats.ts'
import { delay, errorMessage, forEachLimit, waitFor, within } from '../lib/util.ts'
import { actorNames, checkAll, ErrorTally, lookupPasses, resolveAll, sampleNames, spawnInBatches } from '../registry/names.ts'
import type { Cluster } from '../../src/index.ts'
import type { MemoryCluster } from '../lib/memory-cluster.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'
import type { SettledMemory } from '../registry/memory-node.ts'
import type { CheckOutcome, ResolveOutcome, SpawnOutcome } from '../registry/names.ts'

const NODES = 5
const DEFAULT_NAMES = 20_000
/** the node that spawns the named actors (and is stopped at the end) */
const OWNER = 0
/** the node the lookup loops run on: it holds none of the names */
const READER = 1
/** spawns started at once, the next batch once the last has settled */
const BATCH = 1_000
/** how long a batch running when its budget ends is waited for, so that the next figure does not run beside it */
const BATCH_OVERRUN_MS = 60_000
const LOOKUP_CONCURRENCY = 100
/** while waiting for the names to spread: the newest names every node must resolve first, then a spread of all */
const NEWEST_NAMES = 100
const SPREAD_SAMPLE = 1_000
/** names whose lookups, on another node, must answer undefined once their node stops */
const GONE_SAMPLE = 200
const POLL_MS = 20
const FORM_TIMEOUT_MS = 30_000
/** after formation: the joins' one-off work settles before the clock starts */
const SETTLE_MS = 2_000
/** spawning every name and seeing it on every node */
const REGISTER_BUDGET_MS = 120_000
/** the final check of every name on every node */
const VERIFY_BUDGET_MS = 60_000
/** each lookup loop */
const LOOKUP_BUDGET_MS = 30_000
const STOP_BUDGET_MS = 30_000
/** how long a stop that overran its budget is still waited for before the suite goes on */
const STOP_OVERRUN_MS = 90_000
const GONE_BUDGET_MS = 30_000
const CLOSE_BUDGET_MS = 30_000
const MEMORY_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'registry', 'memory-node.ts')
const MEMORY_START_TIMEOUT_MS = 30_000
const MEMORY_SPAWN_BUDGET_MS = 90_000
const MEMORY_RESOLVE_BUDGET_MS = 45_000
/** after the last registration, before the memory is read: timers a registration leaves behind (its timeouts) lapse */
const MEMORY_LAPSE_MS = 7_000
/** a command's answer may come this long after its own budget */
const ANSWER_GRACE_MS = 10_000
/** a loop over the names is repeated until it has run this long, so that its rate is not a few ms' worth */
const MIN_LOOP_MS = 1_000
/** a peer id's length, for the baseline's refs */
const BASELINE_NODE_ID = `12D3KooW${'x'.repeat(44)}`

const TARGET_REGISTRATIONS_PER_SECOND = 10_000
const TARGET_OWNER_BYTES = 512
const TARGET_STOP_MS = 1_000

const SUBJECTS = {
  mapSet: 'plain Map (baseline): names set per second',
  register: `Foundation: names registered per second, resolved on all ${NODES} nodes`,
  mapGet: 'plain Map (baseline): gets per second, one at a time',
  lookup: 'Foundation: lookups per second on another node, one at a time',
  mapGetConcurrent: `plain Map (baseline): gets per second, ${LOOKUP_CONCURRENCY} at once`,
  lookupConcurrent: `Foundation: lookups per second on another node, ${LOOKUP_CONCURRENCY} at once`,
  mapBytes: 'plain Map (baseline): bytes per entry',
  ownerBytes: 'Foundation: bytes per named actor on its node',
  otherBytes: 'Foundation: bytes per named actor on another node',
  stop: 'Foundation: ms to stop the node holding the names',
  gone: 'Foundation: ms until another node\'s lookups of them answer undefined'
} as const

function namesFromEnv (): number {
  const text = process.env.BENCH_REGISTRY_NAMES
  if (text == null || text === '') { return DEFAULT_NAMES }
  const count = Number(text)
  if (!Number.isInteger(count) || count < 1) { throw new Error(`BENCH_REGISTRY_NAMES must be a positive integer, not "${text}"`) }
  return count
}

function perSecond (count: number, ms: number): number {
  return ms > 0 ? sig3(count / ms * 1000) : Number.NaN
}

function count (n: number): string {
  return n.toLocaleString('en-US')
}

/** What the baseline Map reaches: sets and gets per second, in the loops Foundation runs. */
interface MapFigures { setsPerSecond: number, getsPerSecond: number, concurrentGetsPerSecond: number }

async function measureMap (names: readonly string[]): Promise<MapFigures> {
  // async like spawn and lookup, in the same batches and loops, so that the loops cost the baseline what they cost
  // Foundation; fresh tables until MIN_LOOP_MS have passed, as one pass over 20,000 names takes a few ms
  let table = new Map<string, { node: string, id: string }>()
  const set = async (name: string): Promise<void> => { table.set(name, { node: BASELINE_NODE_ID, id: table.size.toString(36) }) }
  const get = async (name: string): Promise<{ node: string, id: string } | undefined> => table.get(name)
  let sets = 0
  const t0 = now()
  while (sets === 0 || now() - t0 < MIN_LOOP_MS) {
    table = new Map()
    for (let from = 0; from < names.length; from += BATCH) {
      await Promise.all(names.slice(from, from + BATCH).map(set))
    }
    sets += table.size
  }
  const setsPerSecond = perSecond(sets, now() - t0)
  const figures = { setsPerSecond, getsPerSecond: 0, concurrentGetsPerSecond: 0 }
  for (const [key, concurrency] of [['getsPerSecond', 1], ['concurrentGetsPerSecond', LOOKUP_CONCURRENCY]] as const) {
    const passes = await lookupPasses(get, names, { concurrency, minMs: MIN_LOOP_MS, deadline: Number.POSITIVE_INFINITY })
    if (passes.missing > 0) { throw new Error(`the baseline Map lost ${passes.missing} names`) }
    figures[key] = perSecond(passes.lookups, passes.ms)
  }
  return figures
}

/** The cluster's figures; each is undefined when it was not measured (the notes say why). */
interface ClusterFigures {
  register?: SubjectResult
  lookup?: SubjectResult
  lookupConcurrent?: SubjectResult
  stop?: SubjectResult
  gone?: SubjectResult
}

async function waitFormed (nodes: readonly Cluster[]): Promise<void> {
  await waitFor(() => nodes.every(n => n.members().filter(m => m.status === 'alive').length === nodes.length), FORM_TIMEOUT_MS,
    `${nodes.length} nodes counting each other alive`, 100)
}

/** Resolves the same names on every node at once; one outcome per node. */
async function resolveOnEvery (nodes: readonly Cluster[], names: readonly string[], deadline: number): Promise<ResolveOutcome[]> {
  return Promise.all(nodes.map(async node => resolveAll(node, names, { concurrency: LOOKUP_CONCURRENCY, deadline, pollMs: POLL_MS })))
}

function missingOf (outcomes: readonly ResolveOutcome[]): number {
  return outcomes.reduce((sum, o) => sum + o.missing.length, 0)
}

/**
 * Spawns every name on the owner and waits until every node resolves the newest names, then a spread of all of
 * them; then checks every name on every node. Returns the names registered, and the figure unless it failed.
 */
async function measureRegistration (nodes: readonly Cluster[], names: readonly string[], notes: string[]): Promise<{ registered: string[], figure?: SubjectResult }> {
  const t0 = now()
  const deadline = t0 + REGISTER_BUDGET_MS
  const spawned: SpawnOutcome = await spawnInBatches(nodes[OWNER], names, { named: true, batch: BATCH, deadline, overrunMs: BATCH_OVERRUN_MS })
  const registered = spawned.registered
  const spawnedMs = now() - t0
  const spawnNote = `${count(registered.length)} of ${count(names.length)} spawned with a name in ${Math.round(spawnedMs)} ms (${perSecond(registered.length, spawnedMs)}/s)` +
    (spawned.errors.count > 0 ? `, ${spawned.errors.count} failed (${JSON.stringify(spawned.errors.byName)}; first: ${spawned.errors.first ?? ''})` : '')
  if (registered.length < names.length || spawned.timedOut) {
    notes.push(`${SUBJECTS.register}: not measured, ${spawnNote}${spawned.timedOut ? ` when the ${REGISTER_BUDGET_MS / 1000} s budget ran out` : ''}`)
    return { registered }
  }

  const newest = await resolveOnEvery(nodes, registered.slice(-NEWEST_NAMES), deadline)
  const newestMs = now() - t0
  const spread = missingOf(newest) === 0 ? await resolveOnEvery(nodes, sampleNames(registered, SPREAD_SAMPLE), deadline) : []
  const visibleMs = now() - t0
  if (missingOf(newest) > 0 || missingOf(spread) > 0) {
    const still = missingOf(newest) > 0 ? `${missingOf(newest)} of the ${NEWEST_NAMES} newest names` : `${missingOf(spread)} of a sample of ${SPREAD_SAMPLE}`
    notes.push(`${SUBJECTS.register}: not measured, ${spawnNote}; ${still} (over the ${NODES} nodes together) still unresolved when the ${REGISTER_BUDGET_MS / 1000} s budget ran out`)
    return { registered }
  }

  // the clock has stopped: now every name on every node, one node after the other, under a budget of its own
  const verifyDeadline = now() + VERIFY_BUDGET_MS
  const checks: CheckOutcome[] = []
  for (const node of nodes) { checks.push(await checkAll(node, registered, { concurrency: LOOKUP_CONCURRENCY, deadline: verifyDeadline })) }
  const missing = checks.map(c => c.missing.length)
  const unchecked = checks.reduce((sum, c) => sum + c.unchecked, 0)
  const figure: SubjectResult = {
    subject: SUBJECTS.register,
    value: perSecond(registered.length, visibleMs),
    unit: 'names/s',
    names: registered.length,
    spawnedMs: Math.round(spawnedMs),
    spawnedPerSecond: perSecond(registered.length, spawnedMs),
    newestResolvedMs: Math.round(newestMs),
    visibleMs: Math.round(visibleMs),
    pollLookups: [...newest, ...spread].reduce((sum, o) => sum + o.lookups, 0),
    verifyMsPerNode: checks.map(c => c.ms)
  }
  if (unchecked > 0 || missing.some(m => m > 0)) {
    const firstMissing = checks.flatMap(c => c.missing).slice(0, 3).join(', ')
    notes.push(`${SUBJECTS.register}: not measured, the final check of every name on every node failed: missing per node ${JSON.stringify(missing)}${firstMissing !== '' ? ` (first: ${firstMissing})` : ''}` +
      `${unchecked > 0 ? `, ${count(unchecked)} lookups not made when its ${VERIFY_BUDGET_MS / 1000} s budget ran out` : ''}; the sampled check had passed after ${Math.round(visibleMs)} ms (${figure.value}/s)`)
    const errors = checks.map(c => c.errors).find(e => e.count > 0)
    if (errors != null) { notes.push(`final check: lookups that threw ${JSON.stringify(errors.byName)}; first: ${errors.first ?? ''}`) }
    return { registered }
  }
  return { registered, figure }
}

/**
 * Looks every name up on the reader, one at a time, then LOOKUP_CONCURRENCY at once, pass after pass for at least
 * MIN_LOOP_MS. A loop that does not finish a pass in time, or a name that does not resolve, leaves its figure
 * unmeasured.
 */
async function measureLookups (reader: Cluster, names: readonly string[], notes: string[]): Promise<Pick<ClusterFigures, 'lookup' | 'lookupConcurrent'>> {
  const figures: Pick<ClusterFigures, 'lookup' | 'lookupConcurrent'> = {}
  for (const [key, concurrency] of [['lookup', 1], ['lookupConcurrent', LOOKUP_CONCURRENCY]] as const) {
    const t0 = now()
    const loop = lookupPasses(async name => reader.lookup(name), names, { concurrency, minMs: MIN_LOOP_MS, deadline: t0 + LOOKUP_BUDGET_MS })
    const outcome = await within(loop, LOOKUP_BUDGET_MS + ANSWER_GRACE_MS)
    const subject = SUBJECTS[key]
    if (outcome === false) {
      notes.push(`${subject}: not measured, the lookups had not settled ${(LOOKUP_BUDGET_MS + ANSWER_GRACE_MS) / 1000} s after they started`)
      continue
    }
    const reached = `${count(outcome.lookups)} lookups of ${count(names.length)} names in ${Math.round(outcome.ms)} ms (${perSecond(outcome.lookups, outcome.ms)}/s)`
    if (outcome.passes === 0) {
      notes.push(`${subject}: not measured, ${reached} when the ${LOOKUP_BUDGET_MS / 1000} s budget ran out`)
    } else if (outcome.missing > 0 || outcome.errors.count > 0) {
      notes.push(`${subject}: not measured, ${outcome.missing} answered undefined and ${outcome.errors.count} threw ${JSON.stringify(outcome.errors.byName)} (${reached})`)
    } else {
      figures[key] = {
        subject,
        value: perSecond(outcome.lookups, outcome.ms),
        unit: 'lookups/s',
        lookups: outcome.lookups,
        passes: outcome.passes,
        ms: Math.round(outcome.ms),
        firstPassPerSecond: perSecond(names.length, outcome.firstPassMs ?? Number.NaN)
      }
    }
  }
  return figures
}

/**
 * Stops the owner, timed; meanwhile the reader looks a sample of its names up until each answers undefined, the
 * clock of both started when stop() is called. Then, for reference, the stop of a node that holds no names.
 */
async function measureStop (nodes: readonly Cluster[], registered: readonly string[], notes: string[]): Promise<Pick<ClusterFigures, 'stop' | 'gone'>> {
  const figures: Pick<ClusterFigures, 'stop' | 'gone'> = {}
  const reader = nodes[READER]
  const sample = sampleNames(registered, GONE_SAMPLE)
  const held = `${count(registered.length)} names`
  const t0 = now()
  const goneDeadline = t0 + GONE_BUDGET_MS
  const errors = new ErrorTally()
  let lookups = 0
  const roundMs: number[] = []
  const watch = (async () => {
    let left = [...sample]
    while (left.length > 0 && now() < goneDeadline) {
      const roundStarted = now()
      const still: string[] = []
      await forEachLimit(left, LOOKUP_CONCURRENCY, async (name) => {
        try {
          if (await reader.lookup(name) != null) { still.push(name) }
        } catch (err) {
          // an error is not an answer that the name is gone
          errors.add(err)
          still.push(name)
        }
      })
      lookups += left.length
      roundMs.push(Math.round(now() - roundStarted))
      left = still
      if (left.length > 0) { await delay(POLL_MS) }
    }
    return { left: left.length, ms: now() - t0 }
  })()
  let stopError: unknown
  const stopping = nodes[OWNER].stop().then(() => now() - t0, (err: unknown) => { stopError = err; return Number.NaN })
  const stopped = await within(stopping, STOP_BUDGET_MS)
  const gone = await within(watch, GONE_BUDGET_MS + ANSWER_GRACE_MS)
  if (stopped === false) {
    // not measured; still, what follows must not run beside a node that is stopping
    const late = await within(stopping, STOP_OVERRUN_MS)
    notes.push(`${SUBJECTS.stop}: not measured, stop() of the node holding ${held} had not resolved after ${STOP_BUDGET_MS / 1000} s` +
      (late === false ? `, nor ${STOP_OVERRUN_MS / 1000} s later` : `; it resolved after ${Math.round(late)} ms`))
  } else if (stopError != null) {
    notes.push(`${SUBJECTS.stop}: not measured, stop() threw ${errorMessage(stopError)}`)
  } else {
    figures.stop = { subject: SUBJECTS.stop, value: Math.round(stopped), unit: 'ms', names: registered.length }
  }
  if (gone === false || gone.left > 0) {
    notes.push(`${SUBJECTS.gone}: not measured, ${gone === false ? 'the lookups did not settle' : `${gone.left} of ${sample.length} sampled names still resolved`} ${GONE_BUDGET_MS / 1000} s after stop() was called` +
      (errors.count > 0 ? `; lookups that threw ${JSON.stringify(errors.byName)}, first: ${errors.first ?? ''}` : ''))
  } else {
    figures.gone = {
      subject: SUBJECTS.gone,
      value: Math.round(gone.ms),
      unit: 'ms',
      sample: sample.length,
      lookups,
      roundMs,
      goneBeforeStopReturned: typeof stopped === 'number' && gone.ms <= stopped,
      ...(errors.count > 0 ? { lookupErrors: errors.toJSON() } : {})
    }
  }
  if (figures.stop != null) {
    // the same stop without names: what of the figure the names are
    const t1 = now()
    const plain = await within(nodes[NODES - 1].stop().then(() => now() - t1), STOP_BUDGET_MS)
    if (plain !== false) { figures.stop.nodeWithoutNamesMs = Math.round(plain) }
  }
  return figures
}

async function measureCluster (names: readonly string[], notes: string[]): Promise<ClusterFigures> {
  let cluster: MemoryCluster | undefined
  const figures: ClusterFigures = {}
  try {
    cluster = await startMemoryCluster({ nodes: NODES, clusterPrefix: 'bench-registry', seeds: NODES })
    const nodes: Cluster[] = cluster.nodes
    await waitFormed(nodes)
    await delay(SETTLE_MS)
    const { registered, figure } = await measureRegistration(nodes, names, notes)
    figures.register = figure
    if (registered.length === 0) { return figures }
    if (figure == null) {
      // the registration figure failed, but the lookups are of known names: the reader waits for them first
      const seen = await resolveAll(nodes[READER], registered, { concurrency: LOOKUP_CONCURRENCY, deadline: now() + LOOKUP_BUDGET_MS, pollMs: POLL_MS })
      notes.push(`lookups and stop: over the ${count(registered.length)} names registered within the budget${registered.length < names.length ? `, not ${count(names.length)}` : ''}; first node ${READER} looked them up until each resolved: ${count(registered.length - seen.missing.length)} did within ${Math.round(seen.ms)} ms (${count(seen.lookups)} lookups in ${seen.rounds} rounds)`)
    }
    Object.assign(figures, await measureLookups(nodes[READER], registered, notes))
    Object.assign(figures, await measureStop(nodes, registered, notes))
  } catch (err) {
    notes.push(`cluster figures not measured: ${errorMessage(err)}`)
  } finally {
    if (cluster != null && await within(cluster.close(), CLOSE_BUDGET_MS) === false) {
      notes.push(`the cluster had not stopped ${CLOSE_BUDGET_MS / 1000} s after close()`)
    }
  }
  return figures
}

interface MemoryRun {
  /** bytes per actor on the node that spawned them, and on the other node, once the registrations' timers lapsed */
  owner: number
  other: number
  /** the same right after the other node resolved the last name */
  ownerRightAfter: number
  otherRightAfter: number
  spawnMs: number
  resolveMs?: number
}

function memoryEnv (cluster: string, index: number, peers: string[]): Record<string, string> {
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim(),
    BENCH_REGISTRY_CLUSTER: cluster,
    BENCH_REGISTRY_INDEX: String(index),
    BENCH_REGISTRY_PEERS: peers.join(',')
  }
}

/**
 * Two node processes, A and B, formed; full gc in each; `count` actors spawned on A, with names or without; with
 * names, B looks each up until it resolves; after MEMORY_LAPSE_MS a full gc again. Undefined (and a note) when the
 * spawns or the lookups did not all finish within their budget.
 */
async function measureMemory (named: boolean, names: number, notes: string[]): Promise<MemoryRun | undefined> {
  const what = named ? 'named actors' : 'actors without a name'
  const cluster = `bench-registry-memory-${process.pid}-${Date.now().toString(36)}`
  const processes: NodeProcess[] = []
  try {
    const a = new NodeProcess(MEMORY_SCRIPT, 0, memoryEnv(cluster, 0, []))
    processes.push(a)
    await a.started(MEMORY_START_TIMEOUT_MS)
    const b = new NodeProcess(MEMORY_SCRIPT, 1, memoryEnv(cluster, 1, await a.request<string[]>('addresses')))
    processes.push(b)
    await b.started(MEMORY_START_TIMEOUT_MS)
    await Promise.all(processes.map(async p => p.request('wait-members', { count: 2, timeoutMs: FORM_TIMEOUT_MS }, FORM_TIMEOUT_MS + ANSWER_GRACE_MS)))
    await delay(SETTLE_MS)
    const memory = async (): Promise<SettledMemory[]> => [await a.request<SettledMemory>('memory'), await b.request<SettledMemory>('memory')]
    const before = await memory()
    const spawned = await a.request<{ spawned: number, timedOut: boolean, ms: number, errors: { count: number, first?: string } }>('spawn',
      { prefix: 'name-', count: names, named, batch: BATCH, budgetMs: MEMORY_SPAWN_BUDGET_MS, overrunMs: BATCH_OVERRUN_MS },
      MEMORY_SPAWN_BUDGET_MS + BATCH_OVERRUN_MS + ANSWER_GRACE_MS)
    if (spawned.spawned < names || spawned.timedOut) {
      notes.push(`memory of ${what}: not measured, ${count(spawned.spawned)} of ${count(names)} spawned in ${spawned.ms} ms (${perSecond(spawned.spawned, spawned.ms)}/s)` +
        `${spawned.timedOut ? ` when the ${MEMORY_SPAWN_BUDGET_MS / 1000} s budget ran out` : ''}${spawned.errors.count > 0 ? `, ${spawned.errors.count} failed (first: ${spawned.errors.first ?? ''})` : ''}`)
      return undefined
    }
    let resolveMs: number | undefined
    let unresolved: string | undefined
    if (named) {
      const resolved = await b.request<{ missing: number, lookups: number, ms: number }>('resolve',
        { prefix: 'name-', count: names, concurrency: LOOKUP_CONCURRENCY, budgetMs: MEMORY_RESOLVE_BUDGET_MS, pollMs: POLL_MS }, MEMORY_RESOLVE_BUDGET_MS + ANSWER_GRACE_MS)
      resolveMs = resolved.ms
      if (resolved.missing > 0) {
        unresolved = `the other node still did not resolve ${count(resolved.missing)} of ${count(names)} names after ${MEMORY_RESOLVE_BUDGET_MS / 1000} s (${count(resolved.lookups)} lookups made)`
      }
    }
    const rightAfter = await memory()
    await a.request('wait', { ms: MEMORY_LAPSE_MS }, MEMORY_LAPSE_MS + ANSWER_GRACE_MS)
    const after = await memory()
    const per = (m: SettledMemory[], i: number): number => (m[i].total - before[i].total) / names
    if (unresolved != null) {
      // not the figure (the other node holds only part of what it would), but what was reached
      notes.push(`memory of ${what}: not measured, ${count(names)} spawned in ${spawned.ms} ms but ${unresolved}; at that point, read the same way: ${sig3(per(after, 0))} bytes per name on its node, ${sig3(per(after, 1))} on the other`)
      return undefined
    }
    return { owner: per(after, 0), other: per(after, 1), ownerRightAfter: per(rightAfter, 0), otherRightAfter: per(rightAfter, 1), spawnMs: spawned.ms, ...(resolveMs != null ? { resolveMs } : {}) }
  } catch (err) {
    notes.push(`memory of ${what}: not measured, ${errorMessage(err)}`)
    return undefined
  } finally {
    await endAll(processes)
  }
}

/** Bytes per entry of the baseline Map, in a node process of its own as the Foundation figures are. */
async function measureMapMemory (names: number, notes: string[]): Promise<number | undefined> {
  const node = new NodeProcess(MEMORY_SCRIPT, 0, memoryEnv(`bench-registry-map-${process.pid}-${Date.now().toString(36)}`, 0, []))
  try {
    await node.started(MEMORY_START_TIMEOUT_MS)
    const before = await node.request<SettledMemory>('memory')
    await node.request('baseline', { prefix: 'name-', count: names })
    const after = await node.request<SettledMemory>('memory')
    return (after.total - before.total) / names
  } catch (err) {
    notes.push(`memory of the baseline Map: not measured, ${errorMessage(err)}`)
    return undefined
  } finally {
    await node.end()
  }
}

/** Foundation over the baseline, or undefined when either is missing; small ratios keep 3 significant digits. */
function ratioTo (ours: SubjectResult | undefined, baseline: SubjectResult | undefined): number | undefined {
  if (ours == null || baseline == null || !(baseline.value > 0)) { return undefined }
  const ratio = ours.value / baseline.value
  return ratio >= 0.1 ? round2(ratio) : sig3(ratio)
}

/** A stop over the target misses it whatever the node held; one within it counts only with every name held. */
function stopMet (stop: SubjectResult | undefined, total: number): boolean | undefined {
  if (stop == null) { return undefined }
  if (stop.value > TARGET_STOP_MS) { return false }
  return stop.names === total ? true : undefined
}

/** Met when every target is met; not when one measured misses; null while one is not measured. */
function allMet (checks: Array<boolean | undefined>): boolean | null {
  if (checks.includes(false)) { return false }
  return checks.includes(undefined) ? null : true
}

export async function run (): Promise<BenchResult> {
  const total = namesFromEnv()
  const names = actorNames('name-', total)
  const notes: string[] = [
    `${count(total)} names (BENCH_REGISTRY_NAMES), each given to a one-field actor spawned with node.spawn(Actor, { name }) in batches of ${count(BATCH)} at once (the next batch once the last settled); measured only through spawn, lookup and stop, so the figures hold whatever name system runs underneath`,
    `cluster figures: ${NODES} Foundation nodes in this process on the libp2p memory transport (lib/memory-cluster.ts: noise and yamux over in-memory pipes), each given every other's address, default settings; the clock starts ${SETTLE_MS / 1000} s after every node counts all ${NODES} alive`,
    `registration: value = names / ms from the first spawn until every node's lookup() resolves the ${NEWEST_NAMES} newest names and then a spread of ${count(SPREAD_SAMPLE)} of all (those not yet resolved asked again every ${POLL_MS} ms); after the clock, every name is looked up on every node and a single miss fails the figure; budget ${REGISTER_BUDGET_MS / 1000} s, the final check ${VERIFY_BUDGET_MS / 1000} s`,
    `lookups: on node ${READER}, which holds none of the names, await node.lookup(name) over every name in the order registered, one at a time, then ${LOOKUP_CONCURRENCY} in flight, each pass after pass until ${MIN_LOOP_MS / 1000} s have passed (firstPassPerSecond: the first pass alone); after the final check, so whatever it cached is still there; budget ${LOOKUP_BUDGET_MS / 1000} s each`,
    `stop: ms for await node.stop() of the owner, holding every name; gone: ms from the same start until node ${READER}'s lookups of a spread of ${GONE_SAMPLE} of its names all answer undefined (those still resolving asked again ${POLL_MS} ms after each round; roundMs: how long each round of lookups took); budgets ${STOP_BUDGET_MS / 1000} s and ${GONE_BUDGET_MS / 1000} s; nodeWithoutNamesMs: then the stop of node ${NODES - 1}, which holds no names, for reference`,
    `memory: two node processes on 127.0.0.1 (benchmarks/registry/memory-node.ts, NODE_OPTIONS=--expose-gc, one node each, so each heap holds one node), formed; full gc until the heap stops shrinking; ${count(total)} actors spawned on A; B looks every name up until each resolves; ${MEMORY_LAPSE_MS / 1000} s for the timers the registrations left to lapse; full gc; value = growth of heapUsed + external over the names, on A (its node) and B (another node); a second pair of processes does the same without names (nothing for B to look up), and the difference is what the name costs; budgets ${MEMORY_SPAWN_BUDGET_MS / 1000} s to spawn, ${MEMORY_RESOLVE_BUDGET_MS / 1000} s to resolve; rightAfter = the same read right after B resolved the last name`,
    `baseline: a Map of name -> { node, id } (a peer id's length, id base-36), set (a fresh Map each pass) and read by async functions in the loops Foundation runs, each for at least ${MIN_LOOP_MS / 1000} s; its bytes per entry read in a node process of its own as Foundation's are`
  ]
  const results: SubjectResult[] = []

  const map = await measureMap(names)
  const mapSet: SubjectResult = { subject: SUBJECTS.mapSet, value: map.setsPerSecond, unit: 'names/s' }
  const mapGet: SubjectResult = { subject: SUBJECTS.mapGet, value: map.getsPerSecond, unit: 'lookups/s' }
  const mapGetConcurrent: SubjectResult = { subject: SUBJECTS.mapGetConcurrent, value: map.concurrentGetsPerSecond, unit: 'lookups/s' }

  const cluster = await measureCluster(names, notes)
  const mapBytes = await measureMapMemory(total, notes)
  const named = await measureMemory(true, total, notes)
  const unnamed = await measureMemory(false, total, notes)

  const mapEntry: SubjectResult | undefined = mapBytes != null ? { subject: SUBJECTS.mapBytes, value: sig3(mapBytes), unit: 'bytes' } : undefined
  const ownerBytes: SubjectResult | undefined = named != null
    ? {
        subject: SUBJECTS.ownerBytes,
        value: sig3(named.owner),
        unit: 'bytes',
        rightAfterBytes: sig3(named.ownerRightAfter),
        ...(unnamed != null ? { actorWithoutNameBytes: sig3(unnamed.owner), nameBytes: sig3(named.owner - unnamed.owner) } : {}),
        spawnMs: named.spawnMs
      }
    : undefined
  const otherBytes: SubjectResult | undefined = named != null
    ? {
        subject: SUBJECTS.otherBytes,
        value: sig3(named.other),
        unit: 'bytes',
        rightAfterBytes: sig3(named.otherRightAfter),
        ...(unnamed != null ? { actorWithoutNameBytes: sig3(unnamed.other), nameBytes: sig3(named.other - unnamed.other) } : {}),
        resolveMs: named.resolveMs
      }
    : undefined

  const pairs: Array<[SubjectResult | undefined, SubjectResult | undefined]> = [
    [mapSet, cluster.register],
    [mapGet, cluster.lookup],
    [mapGetConcurrent, cluster.lookupConcurrent],
    [mapEntry, ownerBytes],
    [undefined, otherBytes],
    [undefined, cluster.stop],
    [undefined, cluster.gone]
  ]
  for (const [baseline, ours] of pairs) {
    if (baseline != null) { results.push(baseline) }
    if (ours != null) {
      const ratio = ratioTo(ours, baseline ?? (ours === otherBytes ? mapEntry : undefined))
      results.push(ratio != null ? { ...ours, vsBaseline: ratio } : ours)
    }
  }

  const ratios = [
    ['lookups one at a time', ratioTo(cluster.lookup, mapGet)],
    [`lookups ${LOOKUP_CONCURRENCY} at once`, ratioTo(cluster.lookupConcurrent, mapGetConcurrent)],
    ['bytes on its node (lower is better)', ratioTo(ownerBytes, mapEntry)],
    ['bytes on another node (lower is better)', ratioTo(otherBytes, mapEntry)]
  ].filter(([, r]) => r != null)
  if (ratios.length > 0) { notes.push(`Foundation / plain Map: ${ratios.map(([what, r]) => `${String(what)} ${String(r)}`).join('; ')}`) }
  if (named == null && unnamed != null) {
    notes.push(`actors without a name (the reference for what the name costs): ${sig3(unnamed.owner)} bytes per actor on its node, ${sig3(unnamed.other)} on the other`)
  }
  if (named != null && unnamed != null) {
    notes.push(`what the name costs: ${sig3(named.owner - unnamed.owner)} bytes on its node (${sig3(named.owner)} named, ${sig3(unnamed.owner)} without a name), ${sig3(named.other - unnamed.other)} bytes on another node (${sig3(named.other)} named, ${sig3(unnamed.other)} without)`)
  }

  return makeResult({
    name: 'registry',
    unit: 'per subject (names/s, lookups/s, bytes, ms)',
    results,
    ratio: ratioTo(cluster.register, mapSet) ?? null,
    ratioOf: 'Foundation / plain Map, names registered per second (higher is better; lookup and memory ratios in the notes)',
    target: `>= ${count(TARGET_REGISTRATIONS_PER_SECOND)} names registered per second; <= ${TARGET_OWNER_BYTES} bytes per named actor on its node; stop with ${count(total)} names in <= ${TARGET_STOP_MS / 1000} s`,
    met: allMet([
      cluster.register != null ? cluster.register.value >= TARGET_REGISTRATIONS_PER_SECOND : undefined,
      ownerBytes != null ? ownerBytes.value <= TARGET_OWNER_BYTES : undefined,
      stopMet(cluster.stop, total)
    ]),
    notes
  })
}
