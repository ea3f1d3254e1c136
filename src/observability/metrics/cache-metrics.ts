// The caches' metrics, by cache: each node's counters as `cache.stats()` gives them, read at scrape time. Reads,
// writes and deletes count where they were made; evictions, expirations, moves, entries and bytes where the copies
// are kept. Prometheus works out the hit ratio from the two counters
// (`rate(foundation_cache_hits_total[5m]) / (rate(foundation_cache_hits_total[5m]) + rate(foundation_cache_misses_total[5m]))`),
// as it does every other ratio of these metrics.
import { counter, gauge } from './scraped-metrics.ts'
import type { NamedCacheStats } from './index.ts'
import type { CacheStats } from '../../cache/index.ts'
import type { Registry } from 'prom-client'

type Counted = 'hits' | 'misses' | 'writes' | 'deletes' | 'evictions' | 'expirations' | 'moves'
type Measured = 'entries' | 'bytes' | 'rebalancing'

const COUNTERS: ReadonlyArray<[name: string, field: Counted, help: string]> = [
  ['foundation_cache_hits_total', 'hits', 'Reads made on this node that found an entry, one per key (get, has, mget, getOrLoad), by cache'],
  ['foundation_cache_misses_total', 'misses', 'Reads made on this node that found no entry, one per key (a getOrLoad miss runs the loader), by cache'],
  ['foundation_cache_writes_total', 'writes', 'Entries written from this node by set, mset, incr and getOrLoad\'s loads, by cache'],
  ['foundation_cache_deletes_total', 'deletes', 'Entries removed by deletes made on this node (and by clearing a local cache), by cache'],
  ['foundation_cache_evictions_total', 'evictions', 'Entries this node dropped, least recently used first, to stay within the cache\'s maxEntries or maxBytes, by cache'],
  ['foundation_cache_expirations_total', 'expirations', 'Entries this node dropped because their ttl passed, by cache'],
  ['foundation_cache_moves_total', 'moves', 'Entries sent from or received by this node as the members keeping a partition changed, by cache']
]

const GAUGES: ReadonlyArray<[name: string, field: Measured, help: string]> = [
  ['foundation_cache_entries', 'entries', 'Entries this node holds now, as owner or backup, by cache (expired ones not yet swept included)'],
  ['foundation_cache_bytes', 'bytes', 'Encoded bytes of the values this node holds now, by cache (a local cache without maxBytes does not measure its values, and reads 0)'],
  ['foundation_cache_rebalancing_partitions', 'rebalancing', 'Partitions of the cache being sent from or received by this node now, as members join or leave: 0 once rebalanced, by cache']
]

/** `caches`: each cache this node opened, with its counters here. */
export function registerCacheMetrics (registry: Registry, caches: () => NamedCacheStats[]): void {
  const each = (field: keyof CacheStats) => (set: (value: number, labels: Record<string, string>) => void): void => {
    for (const { name, stats } of caches()) { set(stats[field], { cache: name }) }
  }
  for (const [name, field, help] of COUNTERS) { counter(registry, name, help, ['cache'], each(field)) }
  for (const [name, field, help] of GAUGES) { gauge(registry, name, help, ['cache'], each(field)) }
}
