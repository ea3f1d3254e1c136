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
/** runs with the faster membership settings the handoff benchmark uses, for reference */
const FAST_MEMBERSHIP_RUNS = 2
const CALL_TIMEOUT_MS = 250
const RETRY_DELAY_MS = 50
const PROBE_DEADLINE_MS = 30_000

interface FailoverRun {
  /** ms from the kill until the driver's member:leave for the victim */
  detectedMs: number | null
  /** the same on every survivor: fastest and slowest */
  detectedMinMs: number | null
  detectedMaxMs: number | null
  /** ms from the kill until the last of the victim's actors answered; null when some never did */
  failoverMs: number | null
  victimActors: number
  spawnMs: number
  probe: ProbeResult
  /** after the failover: how many of all the actors answer, and how many do not */
  afterwards: { answered: number, failed: number, onVictim: number }
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

async function oneRun (membership: Record<string, number>, notes: string[]): Promise<FailoverRun> {
  const cluster = await startProcessCluster({ nodes: NODES, script: NODE_SCRIPT, clusterPrefix: 'bench-failover', membership, timeoutMs: SETUP_TIMEOUT_MS })
  try {
    const driver = cluster.nodes[DRIVER]
    const victim = cluster.nodes[VICTIM]
    const victimId = cluster.ids[VICTIM]
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

/** one membership setting: its runs become a pair of rows, detection and failover */
interface Setting {
  /** appended to the subjects' names */
  label: string
  membership: Record<string, number>
  runs: number
}

/** the target is for the defaults: what a user gets without tuning anything */
const SETTINGS: Setting[] = [
  { label: '', membership: {}, runs: RUNS },
  { label: ', faster membership', membership: BENCH_MEMBERSHIP, runs: FAST_MEMBERSHIP_RUNS }
]

async function measure (setting: Setting, notes: string[]): Promise<SubjectResult[]> {
  const runs: FailoverRun[] = []
  for (let i = 0; i < setting.runs; i++) {
    try {
      runs.push(await oneRun(setting.membership, notes))
    } catch (err) {
      notes.push(`run ${i + 1}${setting.label} failed: ${errorMessage(err)}`)
    }
  }
  const results: SubjectResult[] = []
  const detected = runs.map(r => r.detectedMs).filter((t): t is number => t != null)
  if (detected.length > 0) {
    results.push({
      subject: `membership declares the node dead (baseline${setting.label})`,
      value: Math.round(median(detected)),
      membership: setting.membership,
      runs: runs.map(r => ({ detectedMs: r.detectedMs, detectedMinMs: r.detectedMinMs, detectedMaxMs: r.detectedMaxMs, formedMs: r.formedMs }))
    })
  }
  for (const r of runs.filter(r => r.failoverMs == null)) {
    notes.push(`a run${setting.label} where ${r.probe.unanswered} of ${r.victimActors} actors never answered within ${PROBE_DEADLINE_MS / 1000} s (not counted in the median): ${r.probe.calls} calls, errors ${JSON.stringify(r.probe.errors)}`)
  }
  const complete = runs.map(r => r.failoverMs).filter((t): t is number => t != null)
  if (complete.length > 0) {
    results.push({
      subject: `Foundation failover (last actor answers again${setting.label})`,
      value: Math.round(median(complete)),
      membership: setting.membership,
      runs: runs.map(r => ({ failoverMs: r.failoverMs, victimActors: r.victimActors, spawnMs: r.spawnMs, afterwards: r.afterwards, probe: r.probe }))
    })
  }
  const silent = runs.reduce((sum, r) => sum + r.afterwards.failed, 0)
  if (silent > 0) { notes.push(`${silent} calls${setting.label} failed when every actor was called once after the failover (runs[].afterwards)`) }
  return results
}

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    `${NODES} node processes on 127.0.0.1 formed by static discovery, with the default membership settings; the rows marked "faster membership" run with ${describeMembership()} instead (${FAST_MEMBERSHIP_RUNS} runs), for reference`,
    `${ACTORS.toLocaleString('en-US')} distributed Counter actors spawned from node ${DRIVER} (${SPAWN_CONCURRENCY} spawns in flight), each name looked up to find the ones on node ${VICTIM}, which is then killed with SIGKILL`,
    `Foundation failover: ms from the kill until every actor that was on the killed node has answered a call from node ${DRIVER} again; calls in rounds, ${PROBE_CONCURRENCY} in flight, ${CALL_TIMEOUT_MS} ms timeout, ${RETRY_DELAY_MS} ms between rounds, given up ${PROBE_DEADLINE_MS / 1000} s after the kill`,
    `baseline: ms from the kill until node ${DRIVER}'s membership declares the killed node dead (member:leave); detectedMinMs / detectedMaxMs are the fastest and slowest of the 4 survivors; failover cannot start before detection, so the ratio failover / detection shows what failover adds`,
    `median of ${RUNS} runs, each on a fresh cluster; afterwards = every one of the ${ACTORS.toLocaleString('en-US')} actors called once after the failover`
  ]
  const results: SubjectResult[] = []
  for (const setting of SETTINGS) {
    results.push(...await measure(setting, notes))
  }

  const baseline = results.find(r => r.subject === 'membership declares the node dead (baseline)')
  const ours = results.find(r => r.subject === 'Foundation failover (last actor answers again)')
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
