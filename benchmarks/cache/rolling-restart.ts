// The rolling-restart part of the cache benchmark: 5 nodes, each in turn stopped gracefully and replaced by a fresh
// node while writers keep writing. What counts is that no acknowledged key is lost, and how long the restart takes.
// It runs twice, on fresh clusters: with the cache opened at each node's start (as an application does, while the
// membership still forms) and once the 5 agree, so that a difference between the two shows what forming costs.
import { TestNodes, uniqueCluster } from '../../test/fixtures/nodes.ts'
import { sig3 } from '../lib/result.ts'
import { now } from '../lib/stats.ts'
import { delay, errorMessage, waitFor, withTimeout } from '../lib/util.ts'
import { agree, countCopies, lostKeys, settle, startNode, synced, views } from './cluster.ts'
import { count, DEFAULT_DISTRIBUTED, FORM_TIMEOUT_MS, POLL_MS, POPULATE_BATCH } from './settings.ts'
import type { Copies } from './cluster.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { SubjectResult } from '../lib/result.ts'

const RESTART_NODES = 5
const RESTART_KEYS = 10_000
const WRITERS = 4
/** each writer's pause between two writes: a steady load of a few hundred writes a second, not a flood */
const WRITE_PAUSE_MS = 5
const STEP_BUDGET_MS = 120_000
/** a graceful stop longer than this is named in the notes */
const SLOW_STOP_MS = 5_000
/** after the restart: until every key has exactly two copies again */
const COPIES_BUDGET_MS = 30_000
const CACHE = 'restart'

interface Step {
  stopped: string
  stopMs: number
  startMs: number
  settledMs: number
  acked: number
  failed: number
}

export interface RestartVariant {
  /** how the subjects are named */
  label: string
  /** every node opens the cache only once it counts all 5 members, instead of right after its start */
  openWhenFormed: boolean
}

export const RESTART_VARIANTS: RestartVariant[] = [
  { label: 'cache opened at start', openWhenFormed: false },
  { label: 'cache opened once the 5 agree', openWhenFormed: true }
]

/** The subject naming a variant's keys lost: the suite judges its target on it. */
export const lostSubject = (variant: RestartVariant): string => `rolling restart of 5 nodes, ${variant.label}: acknowledged keys lost`

/**
 * WRITERS loops setting new keys (w-N = N) through any node not being stopped, until stopped. A write counts as
 * acknowledged once its set resolved: only those must survive; a failed one is counted with its reason.
 */
class Writers {
  readonly writable: Set<FoundationNode>
  readonly acked: number[] = []
  readonly errors: Record<string, number> = {}
  failed = 0
  private seq = 0
  private on = true
  private readonly running: Array<Promise<void>>

  constructor (nodes: readonly FoundationNode[]) {
    this.writable = new Set(nodes)
    this.running = Array.from({ length: WRITERS }, async () => { await this.write() })
  }

  async stop (): Promise<void> {
    this.on = false
    await Promise.all(this.running)
  }

  private async write (): Promise<void> {
    while (this.on) {
      const pool = [...this.writable]
      const n = this.seq++
      try {
        await pool[n % pool.length].cache<number>(CACHE).set(`w-${n}`, n)
        this.acked.push(n)
      } catch (err) {
        this.failed++
        const reason = errorMessage(err).replace(/w-\d+/, 'w-N').slice(0, 160)
        this.errors[reason] = (this.errors[reason] ?? 0) + 1
      }
      await delay(WRITE_PAUSE_MS)
    }
  }
}

export async function restartPart (notes: string[], variant: RestartVariant): Promise<SubjectResult[]> {
  const nodes = new TestNodes()
  const what = `rolling restart (${variant.label})`
  try {
    const clusterName = uniqueCluster('bench-cache-restart')
    const live: FoundationNode[] = []
    for (let i = 0; i < RESTART_NODES; i++) {
      const node = await startNode(nodes, clusterName, `node-${i}`, live)
      if (!variant.openWhenFormed) { node.cache<number>(CACHE, DEFAULT_DISTRIBUTED) }
      live.push(node)
    }
    if (variant.openWhenFormed) {
      await waitFor(() => agree(live), FORM_TIMEOUT_MS, `${what}: every node counts the ${RESTART_NODES} members`, POLL_MS)
      for (const n of live) { n.cache<number>(CACHE, DEFAULT_DISTRIBUTED) }
    }
    await settle(live, `${what} cluster`)
    const initial = Array.from({ length: RESTART_KEYS }, (_, i) => `k-${i}`)
    for (let from = 0; from < initial.length; from += POPULATE_BATCH) {
      await live[0].cache<number>(CACHE).mset(initial.slice(from, from + POPULATE_BATCH).map((key, j) => [key, from + j] as const))
    }

    const writers = new Writers(live)
    const steps: Step[] = []
    const started = now()
    let finished = false
    try {
      for (let step = 0; step < RESTART_NODES; step++) {
        const victim = live[step]
        const ackedBefore = writers.acked.length
        const failedBefore = writers.failed
        writers.writable.delete(victim)
        const t0 = now()
        await withTimeout(victim.stop(), STEP_BUDGET_MS, `stopping ${victim.name}`)
        const stopMs = now() - t0
        const others = live.filter(n => n !== victim)
        const fresh = await startNode(nodes, clusterName, `fresh-${step}`, others)
        live[step] = fresh
        if (variant.openWhenFormed) { await waitFor(() => agree(live), STEP_BUDGET_MS, `${fresh.name} counts the ${RESTART_NODES} members`, POLL_MS) }
        fresh.cache<number>(CACHE, DEFAULT_DISTRIBUTED)
        const startMs = now() - t0
        await waitFor(() => agree(live) && synced(live), STEP_BUDGET_MS, `after replacing ${victim.name}: every node counts the 5 and holds its partitions`, POLL_MS)
        writers.writable.add(fresh)
        steps.push({ stopped: victim.name, stopMs: Math.round(stopMs), startMs: Math.round(startMs), settledMs: Math.round(now() - t0), acked: writers.acked.length - ackedBefore, failed: writers.failed - failedBefore })
      }
      finished = true
    } catch (err) {
      notes.push(`${what} not finished: ${errorMessage(err)}; steps done ${JSON.stringify(steps)}; ${views(live)}`)
    } finally {
      await writers.stop()
    }
    const durationMs = now() - started
    if (!finished) { return [] }

    await settle(live, `after the ${what}`)
    // the extra copies a move leaves are dropped once the new ones are synced: a moment after unsynced() reads 0
    const allKeys = [...initial, ...writers.acked.map(n => `w-${n}`)]
    const settled = now()
    let copies = countCopies(live, CACHE, allKeys, 2)
    await waitFor(() => (copies = countCopies(live, CACHE, allKeys, 2)).bad === 0, COPIES_BUDGET_MS, 'two copies of every key', 200).catch(() => {})
    const twoCopiesMs = copies.bad === 0 ? Math.round(now() - settled) : null
    const samples: string[] = []
    const reader = live[RESTART_NODES - 1].cache<number>(CACHE)
    const lostInitial = await lostKeys(reader, initial, (key, value) => value === Number(key.slice(2)), samples)
    const lostWritten = await lostKeys(reader, writers.acked.map(n => `w-${n}`), (key, value) => value === Number(key.slice(2)), samples)
    notes.push(...restartFindings(what, { lostInitial, lostWritten, samples, steps, writers, copies, keys: allKeys.length }))
    return [
      {
        subject: lostSubject(variant),
        value: lostInitial + lostWritten,
        unit: 'keys',
        keysChecked: allKeys.length,
        lostOfFirst: lostInitial,
        lostOfWrittenDuring: lostWritten,
        writesAcknowledged: writers.acked.length,
        writesFailed: writers.failed,
        keysWithoutTwoCopies: copies.bad,
        keysByCopies: copies.byCopies,
        twoCopiesMsAfterSynced: twoCopiesMs,
        ...(samples.length > 0 ? { samples } : {})
      },
      {
        subject: `rolling restart of 5 nodes, ${variant.label}: ms from the first stop until the last fresh node is synced`,
        value: Math.round(durationMs),
        unit: 'ms',
        steps,
        writesPerSecond: sig3(writers.acked.length / (durationMs / 1000))
      }
    ]
  } finally {
    await nodes.stopAll()
  }
}

interface Findings {
  lostInitial: number
  lostWritten: number
  samples: string[]
  steps: Step[]
  writers: Writers
  copies: Copies
  keys: number
}

/** What went wrong in a finished restart, one note each: keys lost, slow stops, failed writes, copies not restored. */
function restartFindings (what: string, f: Findings): string[] {
  const out: string[] = []
  const lost = f.lostInitial + f.lostWritten
  const { acked, failed, errors } = f.writers
  if (lost > 0) { out.push(`FAILED (${what}): ${lost} acknowledged keys lost (${f.lostInitial} of the first ${count(RESTART_KEYS)}, ${f.lostWritten} of ${count(acked.length)} written during it), e.g. ${f.samples.join('; ')}`) }
  const slow = f.steps.filter(step => step.stopMs >= SLOW_STOP_MS)
  const quick = f.steps.filter(step => step.stopMs < SLOW_STOP_MS).map(step => step.stopMs)
  if (slow.length > 0) { out.push(`${what}: ${slow.map(step => `stopping ${step.stopped} took ${count(step.stopMs)} ms`).join(', ')}${quick.length > 0 ? ` (the others ${quick.join(', ')} ms)` : ''}: node.stop() waited for partitions it still held, up to its drainTimeout`) }
  if (failed > 0) { out.push(`${what}: ${failed} of ${count(failed + acked.length)} writes during it failed (not acknowledged, so not counted as lost): ${JSON.stringify(errors)}`) }
  if (f.copies.bad > 0) { out.push(`${what}: ${COPIES_BUDGET_MS / 1000} s after it settled, ${f.copies.bad} of ${count(f.keys)} keys still did not have exactly two live copies, one the owner's (keys by copies ${JSON.stringify(f.copies.byCopies)}, ${f.copies.noOwner} with no owner, ${f.copies.manyOwners} with more than one)`) }
  return out
}

/** How the rolling restart is measured, for the result's notes. */
export function restartNotes (): string[] {
  return [
    `rolling restart: 5 nodes, one cache partitioned with replicas 1, ${count(RESTART_KEYS)} keys written (value = the key's number); then each original node in turn stopped gracefully (node.stop(), which hands its partitions off) and a fresh node (new identity) started in its place and opening the cache, the next stop only once all 5 count each other and every node reports caches.unsynced() 0; meanwhile ${WRITERS} writers set new keys (w-N = N) through the nodes not being stopped, each pausing ${WRITE_PAUSE_MS} ms between writes; a write is acknowledged when its set resolved; at the end every one of the ${count(RESTART_KEYS)} keys and every acknowledged key is read back from one node and checked: keys lost must be 0 (the target); then copyOf() on the 5 is polled until every key has exactly two copies again (twoCopiesMsAfterSynced: the extra copies a move leaves are dropped a moment after unsynced() reads 0)`,
    `the rolling restart runs twice, on fresh clusters: with each node opening the cache right after its start, as an application does (the membership still forming: the case that can leave a member holding replicas that no acting owner counts among its backups; each backup now asks its owner every few seconds whether it is still counted on, and such a copy is dropped or filled again, so node.stop() no longer waits for it until its 30 s drainTimeout), and with each node opening it only once it counts all 5 members; steps[].stopMs shows what each graceful stop took, and a stop of ${SLOW_STOP_MS / 1000} s or more is named in a note`
  ]
}
