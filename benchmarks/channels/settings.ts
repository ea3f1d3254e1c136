// What the channels benchmark's parts share: the channels every node runs, the links and the load on the bulk
// channel, how many round trips and publications are timed, and each part's budget. Counts can be lowered from the
// environment for a quick run.
import { env } from '../cache/settings.ts'
import { OBSERVABILITY_OFF } from '../lib/foundation-configs.ts'
import type { ChannelInit } from '../../src/messaging/channels/index.ts'
import type { LinkShape } from '../lib/shaped-transports.ts'

export { count, env } from '../cache/settings.ts'

/**
 * the channels of every node: a control channel, and two bulk ones with room for the backlog kept on them, one of
 * normal priority and one of low priority (it gives way to the others while they carry frames)
 */
export const CHANNELS: Record<string, ChannelInit> = {
  control: {},
  bulk: { maxQueuedBytes: 32 * 1024 * 1024 },
  'bulk-low': { maxQueuedBytes: 32 * 1024 * 1024, priority: 'low' }
}
export const BULK_CHANNELS = ['bulk', 'bulk-low'] as const
export type BulkChannel = typeof BULK_CHANNELS[number]

/** the link the headline is measured on: the link, not the CPU, is what the bulk channel saturates, as between hosts */
export const SHAPED_LINK: LinkShape = { bytesPerSecond: env('BENCH_CHANNELS_LINK_MBPS', 50) * 1e6, oneWayDelayMs: 0.5 }

/** bytes of each bulk message, and the backlog the saturating publisher keeps queued on the bulk channel */
export const BULK_MESSAGE_BYTES = 64 * 1024
export const BULK_BACKLOG_BYTES = 8 * 1024 * 1024
/** ms the bulk channel runs saturated before round trips are timed beside it: its streams at full flow */
export const SATURATE_WARMUP_MS = 1_000
/**
 * ms the low-priority bulk channel's throughput is measured with the control channel quiet, after waiting out
 * QUIET_AFTER (the window it is given back then)
 */
export const QUIET_MEASURE_MS = 1_500

/** round trips timed per round, idle and on the control channel beside a saturated bulk one */
export const ROUND_TRIPS = env('BENCH_CHANNELS_ROUND_TRIPS', 300)
/** round trips timed per round on the saturated bulk channel itself: each waits out the backlog, so few */
export const BULK_ROUND_TRIPS = env('BENCH_CHANNELS_BULK_ROUND_TRIPS', 3)
/** ms between two round trips: a sample now and then, not a load of its own */
export const ROUND_TRIP_GAP_MS = 2
/** rounds of the three latency figures, each round all three in turn */
export const LATENCY_ROUNDS = 2

/** throughput: cluster sizes, one publisher and every other node a subscriber */
export const THROUGHPUT_SIZES = [3, 25]
export const THROUGHPUT_OPTIONS = {
  rounds: 3,
  throughputSeconds: env('BENCH_CHANNELS_THROUGHPUT_SECONDS', 2),
  window: 64,
  latencyMessages: 100,
  lossTimeoutMs: 10_000
}

/**
 * every node: observability off as production sets it, and the production profile's failure detector timings (25
 * nodes in one busy process must not suspect each other)
 */
export const NODE_INIT = { ...OBSERVABILITY_OFF.init, membership: { probeTimeout: 500, suspectTimeout: 10_000 }, messaging: { channels: CHANNELS } }

export const FORM_TIMEOUT_MS = 90_000
/** no throughput cluster is started once the suite has run this long */
export const THROUGHPUT_START_BY_MS = 240_000
