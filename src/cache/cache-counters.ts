// One node's counters for one cache, and the events that go with them: both modes count the same way.
import type { CacheStats } from './index.ts'

/** The counters that only grow; entries, bytes and rebalancing are read live from the store. */
export type CacheCounts = Pick<CacheStats, 'hits' | 'misses' | 'writes' | 'deletes' | 'evictions' | 'expirations' | 'moves'>

export function newCacheCounts (): CacheCounts {
  return { hits: 0, misses: 0, writes: 0, deletes: 0, evictions: 0, expirations: 0, moves: 0 }
}

/** Counts a read of one entry: found or not. */
export function countRead (counts: CacheCounts, found: boolean): void {
  if (found) {
    counts.hits++
  } else {
    counts.misses++
  }
}
