// What the three parts of the cache benchmark share: how their nodes start, how long they wait for a cluster to
// settle, and the batch sizes of their bulk writes and reads.
import { OBSERVABILITY_OFF } from '../lib/foundation-configs.ts'
import type { CacheOptions } from '../../src/cache/index.ts'

/** A positive number from the environment, else the fallback: the counts a quick run may lower. */
export function env (name: string, fallback: number): number {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

/** 100000 as 100,000: the notes and errors name counts a reader compares at a glance. */
export function count (n: number): string {
  return n.toLocaleString('en-US')
}

/** every node: observability off as production sets it (no HTTP port per node, no metrics wrapping the streams) */
export const NODE_INIT = OBSERVABILITY_OFF.init

/** the default distributed cache (partitioned, one backup): what the rebalance and the rolling restart move */
export const DEFAULT_DISTRIBUTED: CacheOptions = { mode: 'partitioned', replicas: 1 }

export const FORM_TIMEOUT_MS = 30_000
export const SETTLE_TIMEOUT_MS = 60_000
export const POLL_MS = 50

/** entries per mset when a part writes its keys before measuring */
export const POPULATE_BATCH = 1_000
/** keys per mget when a part reads every key back */
export const VERIFY_BATCH = 5_000
