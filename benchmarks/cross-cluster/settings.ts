// What the cross-cluster benchmark's parts share: the counts (lowered from the environment for a quick run), the
// payload and the nodes' options.
import { env } from '../cache/settings.ts'
import { OBSERVABILITY_OFF } from '../lib/foundation-configs.ts'

export { count } from '../cache/settings.ts'

/** bytes of every call's message, and of its answer (the actors echo it) */
export const PAYLOAD_BYTES = 1024
/** calls per subject per round, one in flight */
export const LATENCY_CALLS = env('BENCH_CROSS_CLUSTER_LATENCY_CALLS', 1_000)
/** calls per subject per round, THROUGHPUT_IN_FLIGHT at once */
export const THROUGHPUT_CALLS = env('BENCH_CROSS_CLUSTER_THROUGHPUT_CALLS', 3_000)
export const THROUGHPUT_IN_FLIGHT = 16
/** rounds, the subjects alternating within each */
export const ROUNDS = 3
/** unmeasured calls per subject first: code compiled, connections and name caches warm */
export const WARMUP_CALLS = 500
export const CALL_TIMEOUT_MS = 5_000
export const FORM_TIMEOUT_MS = 30_000

/** observability off as production sets it */
export const NODE_INIT = OBSERVABILITY_OFF.init
/** the production profile's failure detector timings, probeInterval at its default (1 s) */
export const MEMBERSHIP = { probeTimeout: 500, suspectTimeout: 5000 }
