// What the failover and handoff benchmarks share: the cluster they run on and how hard they drive it.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const NODE_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node.ts')
export const NODES = 5
export const ACTORS = 10_000
/** the node that spawns, looks up and calls; never the one killed or stopped */
export const DRIVER = 0
/** the node killed or stopped */
export const VICTIM = NODES - 1
/** distributed spawns in flight at once while the actors are set up */
export const SPAWN_CONCURRENCY = 100
/** calls in flight at once while probing */
export const PROBE_CONCURRENCY = 500
/** time for the cluster to form, and for each setup step */
export const SETUP_TIMEOUT_MS = 60_000

/**
 * Failure detection for a LAN of processes on one machine, faster than the defaults (1 s / 250 ms / 1 s),
 * which are for real networks: a dead member is suspected after one missed probe and its indirect probes, and
 * declared dead when it has not refuted within suspectTimeout.
 */
export const BENCH_MEMBERSHIP = { probeInterval: 200, probeTimeout: 100, suspectTimeout: 800 }

export function describeMembership (): string {
  return `membership probeInterval ${BENCH_MEMBERSHIP.probeInterval} ms, probeTimeout ${BENCH_MEMBERSHIP.probeTimeout} ms, suspectTimeout ${BENCH_MEMBERSHIP.suspectTimeout} ms (the defaults are 1000 / 250 / 1000 ms)`
}
