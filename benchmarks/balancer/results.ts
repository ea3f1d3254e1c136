// The balancer benchmark's figures as result rows and notes: per strategy the p99 with all actors fast and with one
// slow, the share of calls that succeeded, the failing node's success rate and tries per call, the cost of a choice by
// the service's size, and routed against plain calls per second.
import { round2, sig3 } from '../lib/result.ts'
import { CHOOSE_SIZES, CHOOSE_VARIANTS } from './choose-cost.ts'
import { describePooled } from './figures.ts'
import { FAST_MS, NODES, SLOW_MS } from './settings.ts'
import type { ChooseFigure } from './choose-cost.ts'
import type { Pooled } from './figures.ts'
import type { ThroughputFigure } from './throughput.ts'
import type { BalancingStrategy } from '../../src/balancing/index.ts'
import type { SubjectResult } from '../lib/result.ts'

/** the order of the rows: the headline's strategy first */
export const REPORT_ORDER: BalancingStrategy[] = ['least-latency', 'round-robin', 'random', 'least-connections']

export const SLOW_LABEL = `one of ${NODES} slow (${SLOW_MS} ms, the others ${FAST_MS})`
export const FAST_LABEL = `all ${NODES} fast (${FAST_MS} ms)`

const find = (list: readonly Pooled[], scenario: Pooled['scenario'], strategy: BalancingStrategy): Pooled | undefined =>
  list.find(p => p.scenario === scenario && p.strategy === strategy)

function latencyFields (p: Pooled): Record<string, unknown> {
  return {
    p50Ms: p.p50Ms,
    p99Ms: p.p99Ms,
    maxMs: p.maxMs,
    runP99Ms: p.runP99Ms,
    successPct: p.successPct,
    calls: p.calls,
    callers: p.callers,
    callsPerSecond: p.callsPerSecond,
    ejections: p.ejections,
    loopDelayMs: p.loopDelayMs,
    ...(Object.keys(p.errors).length > 0 ? { errors: p.errors } : {}),
    ...(p.estimatesMs != null ? { estimatesMs: p.estimatesMs } : {})
  }
}

/** p99 of one slow over p99 of all fast, same strategy and load */
export function slowOverFast (list: readonly Pooled[], strategy: BalancingStrategy): number | null {
  const fast = find(list, 'fast', strategy)
  const slow = find(list, 'slow', strategy)
  return fast != null && slow != null && fast.p99Ms > 0 ? sig3(slow.p99Ms / fast.p99Ms) : null
}

/** the slow scenario and its baseline, per strategy: p99 rows (p50 and the rest in fields), then success rows */
export function latencyRows (list: readonly Pooled[], prefix: string): SubjectResult[] {
  const rows: SubjectResult[] = []
  for (const strategy of REPORT_ORDER) {
    const fast = find(list, 'fast', strategy)
    const slow = find(list, 'slow', strategy)
    if (fast != null) { rows.push({ subject: `${prefix}${FAST_LABEL}, ${strategy}: p99 ms`, value: fast.p99Ms, unit: 'ms', ...latencyFields(fast) }) }
    if (slow != null) {
      rows.push({
        subject: `${prefix}${SLOW_LABEL}, ${strategy}: p99 ms`,
        value: slow.p99Ms,
        unit: 'ms',
        ...latencyFields(slow),
        slowSharePct: slow.oddSharePct,
        vsAllFast: slowOverFast(list, strategy)
      })
      rows.push({ subject: `${prefix}${SLOW_LABEL}, ${strategy}: % of calls succeeded`, value: slow.successPct, unit: '%' })
    }
  }
  return rows
}

export const THROWS_LABEL = `one of ${NODES} throws on every call`
export const GONE_LABEL = `one of ${NODES} listed but gone (ActorNotFoundError)`

export function failingRows (list: readonly Pooled[]): SubjectResult[] {
  const rows: SubjectResult[] = []
  for (const strategy of REPORT_ORDER) {
    const throws = find(list, 'throws', strategy)
    const gone = find(list, 'gone', strategy)
    if (throws != null) { rows.push({ subject: `${THROWS_LABEL}, ${strategy}: % of calls succeeded`, value: throws.successPct, unit: '%', ...latencyFields(throws) }) }
    if (gone != null) {
      rows.push({ subject: `${GONE_LABEL}, ${strategy}: % of calls succeeded`, value: gone.successPct, unit: '%', ...latencyFields(gone) })
      rows.push({ subject: `${GONE_LABEL}, ${strategy}: tries per call`, value: gone.triesPerCall, unit: 'tries per call', retries: gone.retries, retriesRefused: gone.retriesRefused, calls: gone.calls })
    }
  }
  return rows
}

export function chooseRows (figures: readonly ChooseFigure[]): SubjectResult[] {
  const [main, ...others] = CHOOSE_VARIANTS
  const ns = (variant: string, instances: number): number | undefined => figures.find(f => f.variant === variant && f.instances === instances)?.ns
  const smallest = ns(main.label, CHOOSE_SIZES[0])
  return CHOOSE_SIZES.flatMap(instances => {
    const f = figures.find(x => x.variant === main.label && x.instances === instances)
    if (f == null) { return [] }
    return [{
      subject: `ServiceBalance.choose, ${main.label}, ${instances} instances: ns per choice`,
      value: f.ns,
      unit: 'ns',
      instances,
      growth: smallest != null ? round2(f.ns / smallest) : null,
      batchesNs: f.batches,
      choices: f.choices,
      ...Object.fromEntries(others.map(v => [v.label, ns(v.label, instances) ?? null]))
    }]
  })
}

export function throughputRows (figures: readonly ThroughputFigure[]): SubjectResult[] {
  return figures.map(f => {
    const same = figures.find(x => x.nodes === f.nodes && x.subject === 'call, the same actors in turn')
    const one = figures.find(x => x.nodes === f.nodes && x.subject === 'call, one actor')
    return {
      subject: `${f.nodes} nodes, ${f.subject}: calls per second`,
      value: f.perSecond,
      unit: 'calls/s',
      roundRates: f.roundRates,
      p50Ms: f.p50Ms,
      p99Ms: f.p99Ms,
      calls: f.calls,
      ...(f.failed > 0 ? { failed: f.failed } : {}),
      ...(f.subject === 'route, round-robin' && same != null ? { vsCallSameActors: sig3(f.perSecond / same.perSecond) } : {}),
      ...(f.subject === 'route, round-robin' && one != null ? { vsCallOneActor: sig3(f.perSecond / one.perSecond) } : {})
    }
  })
}

/** per scenario one line per strategy, in the report's order */
export function pooledNotes (title: string, list: readonly Pooled[], scenario: Pooled['scenario']): string[] {
  const lines = REPORT_ORDER.map(s => find(list, scenario, s)).filter((p): p is Pooled => p != null).map(describePooled)
  return lines.length === 0 ? [] : [`${title}: ${lines.join('; ')}`]
}

export function ratioLine (list: readonly Pooled[], callers: number): string {
  const parts = REPORT_ORDER.map(s => [s, slowOverFast(list, s)] as const).filter(([, r]) => r != null).map(([s, r]) => `${s} ${String(r)}`)
  return `p99 with one slow / p99 all fast, same strategy, ${callers} callers: ${parts.join(', ')}`
}
