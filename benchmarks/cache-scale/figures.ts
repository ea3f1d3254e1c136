// The cache-scale suite's settings and the figures it reports for one cluster size: idle windows, batches of
// operations, spans of traffic (a sync, a join), per cache mode, and the rebalance when one node joins.
import type { CacheOptions } from '../../src/cache/index.ts'

export interface CacheScaleSettings {
  /** sets, then gets, per mode, one in flight, from node 0 (after a warm-up of a tenth as many) */
  ops: number
  /** idle window per cache opened, and the window before any */
  idleMs: number
  baselineMs: number
  /** the rebalance: entries of entryBytes held by the N nodes before one joins */
  entries: number
  entryBytes: number
  formTimeoutMs: number
  /** after full membership (and the full mesh): fixed part, and per node */
  settleMs: number
  settlePerNodeMs: number
  /** each step's budget: a cache's sync after it is opened, a batch of operations, the load, the rebalance */
  syncBudgetMs: number
  opsBudgetMs: number
  loadBudgetMs: number
  rebalanceBudgetMs: number
}

export const MODES = [
  { label: 'partitioned r1', cache: 'scale-p1', options: { mode: 'partitioned', replicas: 1 } },
  { label: 'replicated', cache: 'scale-replicated', options: { mode: 'replicated' } }
] as const satisfies ReadonlyArray<{ label: string, cache: string, options: CacheOptions }>
export type ModeLabel = typeof MODES[number]['label']

export interface Window {
  seconds: number
  /** cluster-wide per second */
  messagesPerSecond: number
  bytesPerSecond: number
  /** '$cache' requests (calls and sends, not their replies) by cache and kind, cluster-wide per second */
  requestsPerSecond: Record<string, number>
  /** this process's CPU over the window / nodes */
  cpuPercentPerNode: number
}

export interface OpsFigures {
  count: number
  failed: number
  errors?: Record<string, number>
  ms: number
  /** cluster-wide direct messages and bytes per operation, less the background (see timedOps) */
  messagesPerOp: number
  bytesPerOp: number
  /** the same without that correction */
  rawMessagesPerOp: number
  rawBytesPerOp: number
  /** '$cache' requests per operation by cache and kind (each call's reply is a message too) */
  requestsPerOp: Record<string, number>
  /** '$cache' requests during the batch not of the operations (vouching, the other caches' duties) */
  backgroundRequests: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

/** Traffic over a span of time (a sync, a join): cluster-wide totals, not rates. */
export interface Span {
  ms: number
  messages: number
  bytes: number
  /** '$cache' requests by cache and kind */
  requests: Record<string, number>
}

export interface ModeFigures {
  label: ModeLabel
  /** from opening the cache on every node (no entries) until every node reported caches.unsynced() 0 */
  sync?: Span
  /** the idle window once this cache was open, and what it added to the one before (this cache's own idle cost) */
  idle?: Window
  idleAdded?: { messagesPerNodePerSecond: number, bytesPerNodePerSecond: number, cpuPercentPerNode: number }
  sets?: OpsFigures
  gets?: OpsFigures
}

export interface JoinFigures extends Span {
  /** ms from the call that starts the joiner until every node counts the N + 1 active and reports unsynced 0 */
  syncedMs: number
  /** ms until every node counted the N + 1 */
  joinedMs: number
  loopDelayP99Ms: number
  /** while it lasted, every 500 ms when it changed: ms since the start, then each node's unsynced partitions (name: count) */
  unsyncedTimeline: string[]
}

export interface RebalanceFigures extends JoinFigures {
  /** ms until the entries held on the N + 1 added up to two copies of each (null: not within the budget) */
  twoCopiesMs: number | null
  loadMs: number
  entriesMoved: number
  joinerEntries: number
  entriesSentByTheOthers: number
  /** 2 × entries / (N + 1): the joiner's share of the copies */
  expectedMoved: number
  movedOverExpected: number
  /** the entries of the partitions the joiner ranks owner or backup of (rendezvous over the N + 1, as the engine ranks) */
  joinerShouldKeep: number
  /** the joiner stopped gracefully afterwards: its stop() and until the N are synced again */
  leaveStopMs: number
  leaveSyncedMs: number
}

export interface SizeFigures {
  nodes: number
  formedMs: number | null
  meshedMs: number | null
  /** direct messages before any cache was open (membership and the rest) */
  baseline?: Window
  /** rebalance: a node joins the N with only a partitioned cache of `entries` open */
  rebalance?: RebalanceFigures
  /** the idle window with that cache open, before the others */
  rebalanceIdle?: Window
  modes: ModeFigures[]
  /** at the end, one more node joins with the three caches open (the replicated one with its entries) */
  joinAll?: JoinFigures
  /** member:suspect and member:leave events while the cluster formed, and after (each one false, and disturbing) */
  formationSuspicions: number
  suspicions: number
  trouble: string
  notMeasured: string[]
}
