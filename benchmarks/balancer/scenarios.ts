// The latency and failure scenarios on one cluster of 5 nodes: every strategy with all actors fast and with one slow
// (under the offered load and at a light one), then with one failing every call, each run on fresh actors. Each step
// has a budget, checked before each run (a run is never cut short, nor one started beside it); a step that runs out
// is named in the notes, and the pairs it finished are kept.
import { TestNodes } from '../../test/fixtures/nodes.ts'
import { BenchTimeoutError, errorMessage } from '../lib/util.ts'
import { startCluster } from './cluster.ts'
import { pool } from './figures.ts'
import { runOnce } from './runs.ts'
import { CALLERS, CALLS, FAILING_BUDGET_MS, FAILING_CALLS, LIGHT_BUDGET_MS, LIGHT_CALLERS, LIGHT_CALLS, LIGHT_STRATEGIES, NODES, ROUNDS, SCENARIOS_BUDGET_MS, STRATEGIES, WARMUP_CALLS } from './settings.ts'
import type { Pooled } from './figures.ts'
import type { RunFigures, Scenario } from './runs.ts'
import type { BalancingStrategy } from '../../src/balancing/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

export interface ScenarioFigures {
  /** the offered load, all fast and one slow, per strategy */
  loaded: Pooled[]
  /** the same at LIGHT_CALLERS */
  light: Pooled[]
  /** one actor failing every call: `throws` and `gone`, per strategy */
  failing: Pooled[]
  formedMs: number
}

interface Step {
  /** in the group names: letters and digits */
  key: string
  label: string
  scenarios: Scenario[]
  strategies: readonly BalancingStrategy[]
  callers: number
  /** per strategy and scenario, split over the rounds */
  calls: number
  rounds: number
  budgetMs: number
}

/**
 * Every strategy, for each scenario, in rounds (the scenarios alternating within each); pooled per pair, only the
 * pairs whose every round ran.
 */
async function rounds (cluster: readonly FoundationNode[], step: Step, out: Pooled[]): Promise<void> {
  const { key, label, scenarios, strategies, callers, calls, rounds, budgetMs } = step
  const deadline = performance.now() + budgetMs
  const runs = new Map<string, RunFigures[]>()
  const perRun = Math.ceil(calls / rounds)
  // round by round, each strategy's scenarios back to back
  const order = Array.from({ length: rounds }, (_, round) => strategies.flatMap(strategy => scenarios.map(scenario => ({ round, strategy, scenario })))).flat()
  try {
    for (const { round, strategy, scenario } of order) {
      if (performance.now() > deadline) { throw new BenchTimeoutError(`${label}: budget of ${budgetMs / 1000} s spent before ${scenario} ${strategy}, round ${round + 1}`) }
      const run = await runOnce(cluster, scenario, strategy, `${key}${round}`, perRun, callers)
      const pair = `${scenario}/${strategy}`
      runs.set(pair, [...runs.get(pair) ?? [], run])
    }
  } finally {
    // what a step that ran out of time did measure is kept, as its runs say
    for (const list of runs.values()) {
      if (list.length === rounds) { out.push(pool(list, callers)) }
    }
  }
}

async function measured (notes: string[], cluster: readonly FoundationNode[], step: Step, out: Pooled[]): Promise<void> {
  try {
    await rounds(cluster, step, out)
  } catch (err) {
    notes.push(`${step.label} not measured in full: ${errorMessage(err)} (the pairs whose every round ran are reported)`)
  }
}

export async function measureScenarios (notes: string[]): Promise<ScenarioFigures> {
  const nodes = new TestNodes()
  const figures: ScenarioFigures = { loaded: [], light: [], failing: [], formedMs: 0 }
  try {
    const t0 = performance.now()
    const cluster = await startCluster(nodes, NODES, 'bench-balancer')
    figures.formedMs = Math.round(performance.now() - t0)
    await runOnce(cluster, 'fast', 'round-robin', 'warmup', WARMUP_CALLS, CALLERS)
    await measured(notes, cluster, { key: 'loaded', label: `one slow node, ${CALLERS} callers`, scenarios: ['fast', 'slow'], strategies: STRATEGIES, callers: CALLERS, calls: CALLS, rounds: ROUNDS, budgetMs: SCENARIOS_BUDGET_MS }, figures.loaded)
    await measured(notes, cluster, { key: 'light', label: `one slow node, ${LIGHT_CALLERS} callers`, scenarios: ['fast', 'slow'], strategies: LIGHT_STRATEGIES, callers: LIGHT_CALLERS, calls: LIGHT_CALLS, rounds: ROUNDS, budgetMs: LIGHT_BUDGET_MS }, figures.light)
    await measured(notes, cluster, { key: 'failing', label: 'one failing node', scenarios: ['throws', 'gone'], strategies: STRATEGIES, callers: CALLERS, calls: FAILING_CALLS, rounds: 1, budgetMs: FAILING_BUDGET_MS }, figures.failing)
  } finally {
    await nodes.stopAll()
  }
  return figures
}
