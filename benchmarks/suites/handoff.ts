// handoff: 5 node processes, 10,000 distributed Counters that have each counted a few messages; a graceful stop of
// the node holding a fifth of them, and the time until every one of those answers from another node with its count
// intact. Baseline in the same run: spawning as many fresh distributed actors from one node, the cost of placing
// and registering them that any move pays, so the ratio shows what carrying the state and draining add.
import { ACTORS, BENCH_MEMBERSHIP, describeMembership, DRIVER, NODE_SCRIPT, NODES, PROBE_CONCURRENCY, SETUP_TIMEOUT_MS, SPAWN_CONCURRENCY, VICTIM } from '../distributed/settings.ts'
import { startProcessCluster } from '../lib/process-cluster.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { median, wallClock } from '../lib/stats.ts'
import { errorMessage } from '../lib/util.ts'
import type { ProbeResult } from '../distributed/probe.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

const RUNS = 3
/** increments each actor receives before the stop: the state that must survive it */
const INCREMENTS = 3
const CALL_TIMEOUT_MS = 1000
const RETRY_DELAY_MS = 50
const PROBE_DEADLINE_MS = 60_000

interface HandoffRun {
  /** ms from the start of the stop until the last of the stopped node's actors answered elsewhere with its count */
  handoffMs: number | null
  /** ms the stopping node's stop() took */
  stopMs: number
  /** ms to spawn as many fresh distributed actors from the driver, after the handoff (baseline) */
  freshSpawnMs: number | null
  victimActors: number
  probe: ProbeResult
  /** after the handoff, every actor of the cluster called once */
  afterwards: { answered: number, failed: number, wrongCount: number, onStoppedNode: number }
  /** actors whose count was not intact, in the probe or afterwards: a failed run */
  lost: number
  formedMs: number
}

async function oneRun (notes: string[]): Promise<HandoffRun> {
  const cluster = await startProcessCluster({ nodes: NODES, script: NODE_SCRIPT, clusterPrefix: 'bench-handoff', membership: BENCH_MEMBERSHIP, timeoutMs: SETUP_TIMEOUT_MS })
  try {
    const driver = cluster.nodes[DRIVER]
    const victim = cluster.nodes[VICTIM]
    const victimId = cluster.ids[VICTIM]
    const all = { prefix: 'c-', from: 0, count: ACTORS, concurrency: SPAWN_CONCURRENCY }
    const spawned = await driver.request<{ failed: number, samples: string[] }>('spawn', all, SETUP_TIMEOUT_MS * 3)
    if (spawned.failed > 0) { notes.push(`${spawned.failed} of ${ACTORS} spawns failed, e.g. ${spawned.samples.join('; ')}`) }
    const counted = await driver.request<{ failed: number, wrong: number, samples: string[] }>('inc', { ...all, times: INCREMENTS, timeoutMs: 5000 }, SETUP_TIMEOUT_MS * 3)
    if (counted.failed + counted.wrong > 0) { notes.push(`before the stop ${counted.failed} actors failed an increment and ${counted.wrong} counted wrong, e.g. ${counted.samples.join('; ')}`) }
    const located = await driver.request<{ byNode: Record<string, number> }>('locate', all, SETUP_TIMEOUT_MS)
    const victimActors = located.byNode[victimId] ?? 0

    const since = wallClock()
    const stopping = victim.request<{ startedAt: number, endedAt: number }>('stop', {}, PROBE_DEADLINE_MS)
    const probed = await driver.request<ProbeResult>('probe', {
      onNode: victimId,
      since,
      notNode: victimId,
      expectCount: INCREMENTS,
      callTimeoutMs: CALL_TIMEOUT_MS,
      retryDelayMs: RETRY_DELAY_MS,
      deadlineMs: PROBE_DEADLINE_MS,
      concurrency: PROBE_CONCURRENCY
    }, PROBE_DEADLINE_MS + 10_000)
    const stopped = await stopping

    const check = await driver.request<{ failed: number, wrong: number, byNode: Record<string, number> }>('verify', { ...all, concurrency: PROBE_CONCURRENCY, timeoutMs: 2000, expectCount: INCREMENTS }, SETUP_TIMEOUT_MS)
    let freshSpawnMs: number | null = null
    try {
      const fresh = await driver.request<{ failed: number, ms: number }>('spawn', { prefix: 'fresh-', from: 0, count: victimActors, concurrency: PROBE_CONCURRENCY }, SETUP_TIMEOUT_MS)
      freshSpawnMs = fresh.failed === 0 ? fresh.ms : null
      if (fresh.failed > 0) { notes.push(`baseline: ${fresh.failed} of ${victimActors} fresh spawns failed`) }
    } catch (err) {
      notes.push(`baseline not measured in one run: ${errorMessage(err)}`)
    }
    return {
      handoffMs: probed.wrongState === 0 ? probed.lastAnswerMs : null,
      stopMs: Math.round(stopped.endedAt - stopped.startedAt),
      freshSpawnMs,
      victimActors,
      probe: probed,
      afterwards: { answered: ACTORS - check.failed, failed: check.failed, wrongCount: check.wrong, onStoppedNode: check.byNode[victimId] ?? 0 },
      lost: probed.wrongState + check.wrong,
      formedMs: cluster.formedMs
    }
  } finally {
    await cluster.close()
  }
}

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    `${NODES} node processes on 127.0.0.1 formed by static discovery; ${describeMembership()}`,
    `${ACTORS.toLocaleString('en-US')} distributed Counter actors spawned from node ${DRIVER} (${SPAWN_CONCURRENCY} spawns in flight), each called ${INCREMENTS} times with an increment; node ${VICTIM} (holding about a fifth of them, found by lookup) is then stopped gracefully (cluster.stop())`,
    `Foundation handoff: ms from the start of the stop until every actor that was on the stopped node has answered a call from node ${DRIVER} from another node with count ${INCREMENTS}; calls in rounds, ${PROBE_CONCURRENCY} in flight, ${CALL_TIMEOUT_MS} ms timeout, ${RETRY_DELAY_MS} ms between rounds, given up ${PROBE_DEADLINE_MS / 1000} s after the stop; an answer with another count is a lost state and fails the run`,
    `baseline: ms to spawn as many fresh distributed actors (${PROBE_CONCURRENCY} in flight) from node ${DRIVER} on the 4 remaining nodes, right after the handoff: placing and registering that many actors is work any move does too, so the ratio shows what the drain and the state add. (Sending the same state bytes over a raw libp2p stream was not chosen: a Counter's state is a few bytes, so that baseline would time one small write and say nothing about a move)`,
    `median of ${RUNS} runs, each on a fresh cluster; afterwards = every one of the ${ACTORS.toLocaleString('en-US')} actors called once after the handoff, checking its count`
  ]
  const runs: HandoffRun[] = []
  for (let i = 0; i < RUNS; i++) {
    try {
      runs.push(await oneRun(notes))
    } catch (err) {
      notes.push(`run ${i + 1} failed: ${errorMessage(err)}`)
    }
  }

  const lost = runs.reduce((sum, r) => sum + r.lost, 0)
  const unanswered = runs.reduce((sum, r) => sum + r.probe.unanswered, 0)
  if (lost > 0) { notes.push(`FAILED: ${lost} actors lost their state (answered elsewhere with another count than ${INCREMENTS}); see runs[].probe.wrongSamples`) }
  if (unanswered > 0) { notes.push(`FAILED: ${unanswered} actors never answered from another node within ${PROBE_DEADLINE_MS / 1000} s`) }
  for (const r of runs.filter(r => r.handoffMs == null)) {
    notes.push(`a run where ${r.probe.unanswered} of ${r.victimActors} actors never answered elsewhere and ${r.probe.wrongState} answered with another count (not counted in the median): ${r.probe.calls} calls, errors ${JSON.stringify(r.probe.errors)}, stop() took ${r.stopMs} ms`)
  }
  const failedDuring = runs.map(r => Object.values(r.probe.errors).reduce((a, b) => a + b, 0))
  if (failedDuring.some(n => n > 0)) {
    notes.push(`calls made while the node was stopping that failed instead of being delivered after the move (retried by the probe): ${failedDuring.map((n, i) => `${n} of ${runs[i].victimActors}`).join(', ')} per run, by error: ${runs.map(r => JSON.stringify(r.probe.errors)).join(' ')}`)
  }
  const silent = runs.reduce((sum, r) => sum + r.afterwards.failed, 0)
  if (silent > 0) { notes.push(`${silent} calls failed when every actor was called once after the handoff (runs[].afterwards)`) }
  const results: SubjectResult[] = []
  const fresh = runs.map(r => r.freshSpawnMs).filter((t): t is number => t != null)
  if (fresh.length > 0) {
    results.push({ subject: 'spawn as many fresh actors (baseline)', value: Math.round(median(fresh)), runs: runs.map(r => ({ freshSpawnMs: r.freshSpawnMs, count: r.victimActors })) })
  }
  const handoffs = runs.map(r => r.handoffMs).filter((t): t is number => t != null)
  if (handoffs.length > 0) {
    results.push({
      subject: 'Foundation handoff (last actor answers elsewhere, state intact)',
      value: Math.round(median(handoffs)),
      runs: runs.map(r => ({ handoffMs: r.handoffMs, stopMs: r.stopMs, victimActors: r.victimActors, lost: r.lost, afterwards: r.afterwards, probe: r.probe, formedMs: r.formedMs }))
    })
  }

  const baseline = results.find(r => r.subject.endsWith('(baseline)'))
  const ours = results.find(r => r.subject.startsWith('Foundation'))
  return makeResult({
    name: 'handoff',
    unit: 'ms',
    results,
    ratio: ours != null && baseline != null ? round2(ours.value / baseline.value) : null,
    ratioOf: 'handoff / fresh spawn of as many actors (lower is better)',
    target: 'every state intact (no time target set)',
    met: runs.length > 0 ? ours != null && lost === 0 && unanswered === 0 : null,
    notes
  })
}
