// One measured run: a scenario's actors served under a fresh group name, the offered load routed to them with one
// strategy from the caller nodes from the service's first call, and what the callers' balancers counted.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { serve } from './backend.ts'
import { offer } from './offer.ts'
import { CALLER_NODES, FAST_MS, ODD_NODE, SLOW_MS, TIMEOUT_MS } from './settings.ts'
import type { Behaviour } from './backend.ts'
import type { Offered } from './offer.ts'
import type { BalancingStrategy } from '../../src/balancing/index.ts'
import type { InstanceState } from '../../src/balancing/service-balance.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

/**
 * - `fast`: every actor takes FAST_MS (the baseline)
 * - `slow`: one takes SLOW_MS, the others FAST_MS
 * - `throws`: one fails every call with an error of its own, the others take FAST_MS
 * - `gone`: one is listed by the group but gone (ActorNotFoundError), the others take FAST_MS
 */
export type Scenario = 'fast' | 'slow' | 'throws' | 'gone'

export function behaviourOf (scenario: Scenario, node: number): Behaviour {
  if (node !== ODD_NODE || scenario === 'fast') { return { kind: 'delay', ms: FAST_MS } }
  if (scenario === 'slow') { return { kind: 'delay', ms: SLOW_MS } }
  return { kind: scenario }
}

export interface BalancerCounts {
  requests: number
  retries: number
  retriesRefused: number
  ejections: number
}

export interface RunFigures {
  scenario: Scenario
  strategy: BalancingStrategy
  run: string
  offered: Offered
  /** what the caller nodes' balancers counted for the run's service */
  counts: BalancerCounts
  /** actors ejected on either caller node when the run ended */
  ejectedAtEnd: number
  /**
   * least-latency's latency estimate (per call in flight, ms) of each actor on the first caller node when the run ended, by
   * the actor's node name: what its choices weighed
   */
  estimatesMs?: Record<string, number>
  /** this process's event-loop delay over the run, ms: the stalls every call in flight shares */
  loopDelayMs: { p99: number, max: number }
}

/** what of a node's balancer the estimates are read from (private: the balancer reports no estimate) */
interface BalancerInternals {
  services: Map<string, { instances: Map<string, InstanceState> }>
}

function estimates (caller: FoundationNode, nodes: readonly FoundationNode[], service: string): Record<string, number> {
  const balance = (caller.balancer as unknown as BalancerInternals).services.get(service)
  const out: Record<string, number> = {}
  const now = Date.now()
  for (const state of balance?.instances.values() ?? []) {
    const name = nodes.find(n => n.id === state.ref.node)?.name ?? state.ref.node
    out[name] = Math.round(state.latency.value(now) * 10) / 10
  }
  return out
}

function counts (callers: readonly FoundationNode[], service: string): BalancerCounts {
  const total: BalancerCounts = { requests: 0, retries: 0, retriesRefused: 0, ejections: 0 }
  for (const node of callers) {
    const s = node.balancer.stats(service)
    total.requests += s.requests
    total.retries += s.retries
    total.retriesRefused += s.retriesRefused
    total.ejections += s.ejections
  }
  return total
}

/** `callerCount` callers spread evenly over the caller nodes make `calls` routed calls, from the service's first */
export async function runOnce (nodes: readonly FoundationNode[], scenario: Scenario, strategy: BalancingStrategy, run: string, calls: number, callerCount: number): Promise<RunFigures> {
  const callers = CALLER_NODES.map(i => nodes[i])
  const service = `bal-${scenario}-${strategy}-${run}`
  const served = await serve(nodes, callers, service, (i) => behaviourOf(scenario, i))
  try {
    const route = async (c: number): Promise<unknown> => callers[c % callers.length].route(service, {}, { strategy, timeout: TIMEOUT_MS })
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const offered = await offer(calls, callerCount, route)
    loop.disable()
    return {
      scenario,
      strategy,
      run,
      offered,
      counts: counts(callers, service),
      ejectedAtEnd: callers.reduce((n, node) => n + node.balancer.stats(service).ejected.length, 0),
      loopDelayMs: { p99: Math.round(loop.percentile(99) / 1e5) / 10, max: Math.round(loop.max / 1e5) / 10 },
      ...(strategy === 'least-latency' ? { estimatesMs: estimates(callers[0], nodes, service) } : {})
    }
  } finally {
    await served.retire()
  }
}
