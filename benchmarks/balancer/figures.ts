// The runs of one scenario and strategy pooled into the figures the suite reports: latency percentiles over every
// call (a failed one at the time it failed), the share that succeeded, where the calls went, and what the balancers
// counted (retries, ejections).
import { round2, sig3 } from '../lib/result.ts'
import { percentile } from '../lib/stats.ts'
import { ODD_NODE } from './settings.ts'
import type { RunFigures, Scenario } from './runs.ts'
import type { BalancingStrategy } from '../../src/balancing/index.ts'

export interface Pooled {
  scenario: Scenario
  strategy: BalancingStrategy
  callers: number
  calls: number
  ok: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** each run's p99 */
  runP99Ms: number[]
  /** % of the calls that succeeded */
  successPct: number
  /** % of the calls answered by the odd node (the slow one; 0 when it fails every call) */
  oddSharePct: number
  /** tries per call: (requests + retries) / requests, from the caller nodes' balancer.stats */
  triesPerCall: number
  retries: number
  retriesRefused: number
  ejections: number
  errors: Record<string, number>
  /** s each run took */
  runSeconds: number[]
  callsPerSecond: number
  /** each run's event-loop delay p99 and max, ms */
  loopDelayMs: Array<{ p99: number, max: number }>
  /** least-latency only: each run's estimates on the first caller node at its end (ms, by node name) */
  estimatesMs?: Array<Record<string, number>>
}

export const ODD_NAME = `node-${ODD_NODE}`

export function pool (runs: readonly RunFigures[], callers: number): Pooled {
  const first = runs[0]
  const latencies = runs.flatMap(r => r.offered.latencies)
  const calls = runs.reduce((n, r) => n + r.offered.calls, 0)
  const ok = runs.reduce((n, r) => n + r.offered.ok, 0)
  const odd = runs.reduce((n, r) => n + (r.offered.answeredBy[ODD_NAME] ?? 0), 0)
  const requests = runs.reduce((n, r) => n + r.counts.requests, 0)
  const retries = runs.reduce((n, r) => n + r.counts.retries, 0)
  const errors: Record<string, number> = {}
  for (const r of runs) {
    for (const [name, n] of Object.entries(r.offered.errors)) { errors[name] = (errors[name] ?? 0) + n }
  }
  const ms = runs.reduce((n, r) => n + r.offered.ms, 0)
  return {
    scenario: first.scenario,
    strategy: first.strategy,
    callers,
    calls,
    ok,
    p50Ms: sig3(percentile(latencies, 50)),
    p99Ms: sig3(percentile(latencies, 99)),
    maxMs: sig3(Math.max(...latencies)),
    runP99Ms: runs.map(r => sig3(percentile(r.offered.latencies, 99))),
    successPct: round2(100 * ok / calls),
    oddSharePct: round2(100 * odd / calls),
    triesPerCall: requests > 0 ? Math.round(1000 * (requests + retries) / requests) / 1000 : Number.NaN,
    retries,
    retriesRefused: runs.reduce((n, r) => n + r.counts.retriesRefused, 0),
    ejections: runs.reduce((n, r) => n + r.counts.ejections, 0),
    errors,
    runSeconds: runs.map(r => round2(r.offered.ms / 1000)),
    callsPerSecond: sig3(calls / (ms / 1000)),
    loopDelayMs: runs.map(r => r.loopDelayMs),
    ...(runs.some(r => r.estimatesMs != null) ? { estimatesMs: runs.map(r => r.estimatesMs ?? {}) } : {})
  }
}

/** one line for the notes: what a reader compares across strategies */
export function describePooled (p: Pooled): string {
  const errors = Object.keys(p.errors).length > 0 ? `, failed: ${Object.entries(p.errors).map(([name, n]) => `${n} ${name}`).join(', ')}` : ''
  const retried = p.scenario === 'gone' ? `, ${p.triesPerCall} tries per call (${p.retries} retries, ${p.retriesRefused} refused by the budget)` : ''
  const odd = p.scenario === 'slow' ? `, ${p.oddSharePct} % of calls answered by the slow node` : ''
  const estimates = p.estimatesMs != null ? `, its latency estimates per call in flight at the end of each run on node-0 (ms): ${p.estimatesMs.map(e => Object.entries(e).sort().map(([n, v]) => `${n} ${v}`).join(' ')).join(' / ')}` : ''
  return `${p.strategy}: p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms (runs ${p.runP99Ms.join(' / ')}), max ${p.maxMs} ms, ${p.successPct} % succeeded${odd}${retried}, ${p.ejections} ejections${errors}${estimates}; ${p.calls} calls in ${p.runSeconds.join(' + ')} s, event-loop delay p99 ${p.loopDelayMs.map(d => d.p99).join(' / ')} ms, max ${p.loopDelayMs.map(d => d.max).join(' / ')} ms`
}
