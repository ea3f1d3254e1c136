// Least-loaded placement: the node running the fewest actors, ties broken by rendezvous rank so that nodes
// with the same view of the loads choose the same node, and equal loads still spread keys evenly.
import { hash32 } from './hash.ts'
import { ranksBefore, score } from './rendezvous.ts'
import type { PlacementCandidate } from './index.ts'
import type { SeedOf } from './rendezvous.ts'

/** A node's actor count: missing counts as empty; a negative or NaN count (a bug elsewhere) too. */
export function processesOf (candidate: PlacementCandidate): number {
  const processes = candidate.load?.processes
  return typeof processes === 'number' && processes > 0 ? processes : 0
}

/** The candidate with the fewest processes for `key`, or undefined when there is none. */
export function leastLoaded (key: string, candidates: readonly PlacementCandidate[], seedOf: SeedOf = hash32): PlacementCandidate | undefined {
  let best: PlacementCandidate | undefined
  let bestLoad = 0
  let bestScore = -1
  for (const candidate of candidates) {
    const load = processesOf(candidate)
    const s = score(key, seedOf(candidate.id))
    if (best == null || load < bestLoad || (load === bestLoad && ranksBefore(s, candidate.id, bestScore, best.id))) {
      best = candidate
      bestLoad = load
      bestScore = s
    }
  }
  return best
}
