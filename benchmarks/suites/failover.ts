// failover: 5 node processes, 10,000 distributed actors; SIGKILL the node holding a fifth of them and time, from
// the kill, until every one of its actors answers a call again from another node. Baseline in the same run: the
// time from the kill until that other node's membership declares the killed node dead (member:leave), the part
// failure detection takes before any failover can start.
import { ACTORS, BENCH_MEMBERSHIP, describeMembership, DRIVER, NODE_SCRIPT, NODES, PROBE_CONCURRENCY, SETUP_TIMEOUT_MS, SPAWN_CONCURRENCY, VICTIM } from '../distributed/settings.ts'
import { startProcessCluster } from '../lib/process-cluster.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { median, wallClock } from '../lib/stats.ts'
import { delay, errorMessage } from '../lib/util.ts'
import type { ProbeResult } from '../distributed/probe.ts'
import type { ProcessCluster } from '../lib/process-cluster.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

/** the figure */
const TARGET_MS = 2000
const RUNS = 3
const CALL_TIMEOUT_MS = 250
const RETRY_DELAY_MS = 50
const PROBE_DEADLINE_MS = 30_000
/** how long the survivors are given to declare the victim dead when there is nothing else to measure */
const LEAVE_DEADLINE_MS = 15_000

interface FailoverRun {
  /** ms from the kill until the driver's member:leave for the victim */
  detectedMs: number | null
  /** the same on every survivor: fastest and slowest */
  detectedMinMs: number | null
  detectedMaxMs: number | null
  /** ms from the kill until the last of the victim's actors answered; undefined when not measured */
  failoverMs?: number | null
  victimActors?: number
  spawnMs?: number
  probe?: ProbeResult
  /** after the failover: how many of all the actors answer, and how many do not */
  afterwards?: { answered: number, failed: number, onVictim: number }
  formedMs: number
}

type Leaves = Record<string, number>

async function leaveTimes (cluster: ProcessCluster, victimId: string, since: number, waitMs: number): Promise<Array<number | null>> {
  const deadline = Date.now() + waitMs
  let times: Array<number | null> = []
  do {
    times = await Promise.all(cluster.nodes.filter((_, i) => i !== VICTIM).map(async (n) => {
      const leaves = await n.request<Leaves>('leaves')
      return leaves[victimId] != null ? round2(leaves[victimId] - since) : null
    }))
    if (times.every(t => t != null)) { break }
    await delay(100)
  } while (Date.now() < deadline)
  return times
}

async function oneRun (notes: string[]): Promise<FailoverRun> {
  const cluster = await startProcessCluster({ nodes: NODES, script: NODE_SCRIPT, clusterPrefix: 'bench-failover', membership: BENCH_MEMBERSHIP, timeoutMs: SETUP_TIMEOUT_MS })
  try {
    const driver = cluster.nodes[DRIVER]
    const victim = cluster.nodes[VICTIM]
    const victimId = cluster.ids[VICTIM]
    const { distributed } = await driver.request<{ distributed: boolean }>('info')
    if (!distributed) {
      // nothing to fail over: measure detection alone, so the harness and the baseline still run
      const since = wallClock()
      victim.kill('SIGKILL')
      const times = await leaveTimes(cluster, victimId, since, LEAVE_DEADLINE_MS)
      const seen = times.filter((t): t is number => t != null)
      return { detectedMs: times[DRIVER] ?? null, detectedMinMs: seen.length > 0 ? Math.min(...seen) : null, detectedMaxMs: seen.length > 0 ? Math.max(...seen) : null, formedMs: cluster.formedMs }
    }

    const spawned = await driver.request<{ failed: number, samples: string[], ms: number }>('spawn', { prefix: 'c-', from: 0, count: ACTORS, concurrency: SPAWN_CONCURRENCY }, SETUP_TIMEOUT_MS * 3)
    if (spawned.failed > 0) { notes.push(`${spawned.failed} of ${ACTORS} spawns failed, e.g. ${spawned.samples.join('; ')}`) }
    const located = await driver.request<{ byNode: Record<string, number>, missing: number }>('locate', { prefix: 'c-', from: 0, count: ACTORS, concurrency: SPAWN_CONCURRENCY }, SETUP_TIMEOUT_MS)
    const victimActors = located.byNode[victimId] ?? 0

    const since = wallClock()
    victim.kill('SIGKILL')
    const probed = await driver.request<ProbeResult>('probe', {
      onNode: victimId,
      since,
      notNode: victimId,
      callTimeoutMs: CALL_TIMEOUT_MS,
      retryDelayMs: RETRY_DELAY_MS,
      deadlineMs: PROBE_DEADLINE_MS,
      concurrency: PROBE_CONCURRENCY
    }, PROBE_DEADLINE_MS + 10_000)
    const times = await leaveTimes(cluster, victimId, since, 1000)
    const seen = times.filter((t): t is number => t != null)
    const check = await driver.request<{ failed: number, byNode: Record<string, number> }>('verify', { prefix: 'c-', from: 0, count: ACTORS, concurrency: PROBE_CONCURRENCY, timeoutMs: 2000 }, SETUP_TIMEOUT_MS)
    return {
      detectedMs: times[DRIVER] ?? null,
      detectedMinMs: seen.length > 0 ? Math.min(...seen) : null,
      detectedMaxMs: seen.length > 0 ? Math.max(...seen) : null,
      failoverMs: probed.lastAnswerMs,
      victimActors,
      spawnMs: spawned.ms,
      probe: probed,
      afterwards: { answered: ACTORS - check.failed, failed: check.failed, onVictim: check.byNode[victimId] ?? 0 },
      formedMs: cluster.formedMs
    }
  } finally {
    await cluster.close()
  }
}

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    `${NODES} node processes on 127.0.0.1 formed by static discovery; ${describeMembership()}`,
    `${ACTORS.toLocaleString('en-US')} distributed Counter actors spawned from node ${DRIVER} (${SPAWN_CONCURRENCY} spawns in flight), each name looked up to find the ones on node ${VICTIM}, which is then killed with SIGKILL`,
    `Foundation failover: ms from the kill until every actor that was on the killed node has answered a call from node ${DRIVER} again; calls in rounds, ${PROBE_CONCURRENCY} in flight, ${CALL_TIMEOUT_MS} ms timeout, ${RETRY_DELAY_MS} ms between rounds, given up ${PROBE_DEADLINE_MS / 1000} s after the kill`,
    `baseline: ms from the kill until node ${DRIVER}'s membership declares the killed node dead (member:leave); detectedMinMs / detectedMaxMs are the fastest and slowest of the 4 survivors; failover cannot start before detection, so the ratio failover / detection shows what failover adds`,
    `median of ${RUNS} runs, each on a fresh cluster; afterwards = every one of the ${ACTORS.toLocaleString('en-US')} actors called once after the failover`
  ]
  const runs: FailoverRun[] = []
  for (let i = 0; i < RUNS; i++) {
    try {
      runs.push(await oneRun(notes))
    } catch (err) {
      notes.push(`run ${i + 1} failed: ${errorMessage(err)}`)
    }
  }

  const results: SubjectResult[] = []
  const detected = runs.map(r => r.detectedMs).filter((t): t is number => t != null)
  if (detected.length > 0) {
    results.push({
      subject: 'membership declares the node dead (baseline)',
      value: Math.round(median(detected)),
      runs: runs.map(r => ({ detectedMs: r.detectedMs, detectedMinMs: r.detectedMinMs, detectedMaxMs: r.detectedMaxMs, formedMs: r.formedMs }))
    })
  }
  const measured = runs.filter(r => r.failoverMs !== undefined)
  if (measured.length === 0) {
    notes.push('Foundation failover not measured: this build has no distributed runtime (cluster.define is missing); only the baseline ran')
  } else {
    const complete = measured.map(r => r.failoverMs).filter((t): t is number => t != null)
    for (const r of measured.filter(r => r.failoverMs == null)) {
      notes.push(`a run where ${r.probe?.unanswered} of ${r.victimActors} actors never answered within ${PROBE_DEADLINE_MS / 1000} s (not counted in the median): ${r.probe?.calls} calls, errors ${JSON.stringify(r.probe?.errors)}`)
    }
    if (complete.length > 0) {
      results.push({
        subject: 'Foundation failover (last actor answers again)',
        value: Math.round(median(complete)),
        runs: measured.map(r => ({ failoverMs: r.failoverMs, victimActors: r.victimActors, spawnMs: r.spawnMs, afterwards: r.afterwards, probe: r.probe }))
      })
    }
  }

  const baseline = results.find(r => r.subject.endsWith('(baseline)'))
  const ours = results.find(r => r.subject.startsWith('Foundation'))
  return makeResult({
    name: 'failover',
    unit: 'ms from SIGKILL',
    results,
    ratio: ours != null && baseline != null ? round2(ours.value / baseline.value) : null,
    ratioOf: 'failover / detection (lower is better; 1 = failover adds nothing to detection)',
    target: `Foundation failover: <= ${TARGET_MS} ms`,
    met: ours != null ? ours.value <= TARGET_MS : null,
    notes
  })
}
