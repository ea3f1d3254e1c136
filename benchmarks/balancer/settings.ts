// What the balancer benchmark's parts share: the cluster's size and options, the backends' delays, the offered load,
// the strategies compared and each part's budget. The counts can be lowered from the environment for a quick run.
import { env } from '../cache/settings.ts'
import { OBSERVABILITY_OFF } from '../lib/foundation-configs.ts'
import type { BalancingStrategy } from '../../src/balancing/index.ts'

export { count, env } from '../cache/settings.ts'

/** nodes of the latency and failure scenarios, each with one actor serving the service */
export const NODES = 5
/** ms the actors of the fast nodes take per call (a timer: a backend's time, not this process's CPU) */
export const FAST_MS = 10
/** ms the slow node's actor takes: 10x */
export const SLOW_MS = 100
/** the node made slow, or failing: never a caller */
export const ODD_NODE = NODES - 1
/** the nodes the callers run on; each also serves */
export const CALLER_NODES = [0, 1]
/** callers in all, each making one call at a time, spread evenly over the caller nodes */
export const CALLERS = env('BENCH_BALANCER_CALLERS', 16)
/** measured calls per strategy and scenario, split evenly over the rounds */
export const CALLS = env('BENCH_BALANCER_CALLS', 2_000)
/** each round runs every scenario and strategy once, on fresh actors under a fresh service name */
export const ROUNDS = 2
/** the same, slow scenario and its baseline, at a light load: a few callers, so that the fast actors seldom queue */
export const LIGHT_CALLERS = 4
export const LIGHT_STRATEGIES: readonly BalancingStrategy[] = ['round-robin', 'least-latency']
/** fewer: round robin with a slow actor makes about 50 calls a second at this load */
export const LIGHT_CALLS = env('BENCH_BALANCER_LIGHT_CALLS', 1_000)
/**
 * calls per strategy when one actor fails, one run from the service's first call: enough at this rate (about 350 a
 * second) to outlast the first 10 s ejection, so the failing actor's return is in the run
 */
export const FAILING_CALLS = env('BENCH_BALANCER_FAILING_CALLS', 4_000)
/** one unmeasured run before the others, all fast: the code paths compiled and the connections warm */
export const WARMUP_CALLS = 1_000
/** every routed call's timeout, its retries included (the route option; retries stay at their default, 2) */
export const TIMEOUT_MS = 1_000

export const STRATEGIES: readonly BalancingStrategy[] = ['round-robin', 'random', 'least-connections', 'least-latency']

/**
 * The production profile's failure detector timings (the test fixtures' 100 ms probe timeout would suspect members of
 * a one-process cluster kept busy by the load; this replaces the fixtures' membership whole, so probeInterval is the
 * default 1 s), observability off as production sets it.
 */
export const MEMBERSHIP = { probeTimeout: 500, suspectTimeout: 10_000 }
export const NODE_INIT = { ...OBSERVABILITY_OFF.init, membership: MEMBERSHIP }

export const FORM_TIMEOUT_MS = 60_000
/** until every caller node sees every actor of a fresh service */
export const SERVE_TIMEOUT_MS = 15_000
export const POLL_MS = 20

export const SCENARIOS_BUDGET_MS = 150_000
export const LIGHT_BUDGET_MS = 90_000
export const FAILING_BUDGET_MS = 150_000
/** the throughput part starts a cluster size only while the suite has run less than this (run.ts kills it at 10 minutes) */
export const THROUGHPUT_START_BY_MS = 360_000
