// Rendezvous (highest random weight) hashing: each node scores each key and the best score owns it, so a node
// leaving moves only its own keys and a node joining takes an even share from every other.
import { hash32, hash53 } from './hash.ts'
import type { PlacementCandidate } from './index.ts'

/** A node's rendezvous seed by id: `hash32`, or a memo of it when many keys are placed over the same nodes. */
export type SeedOf = (id: string) => number

/** The score of `key` on the node whose seed is `seed`: higher wins. */
export function score (key: string, seed: number): number {
  return hash53(key, seed)
}

/** Whether (scoreA, idA) ranks before (scoreB, idB): equal scores fall back to the id, so order never matters. */
export function ranksBefore (scoreA: number, idA: string, scoreB: number, idB: string): boolean {
  return scoreA > scoreB || (scoreA === scoreB && idA < idB)
}

/** The candidate ranked first for `key`, in one pass, or undefined when there is none. */
export function bestFor (key: string, candidates: readonly PlacementCandidate[], seedOf: SeedOf = hash32): PlacementCandidate | undefined {
  let best: PlacementCandidate | undefined
  let bestScore = -1
  for (const candidate of candidates) {
    const s = score(key, seedOf(candidate.id))
    if (best == null || ranksBefore(s, candidate.id, bestScore, best.id)) {
      best = candidate
      bestScore = s
    }
  }
  return best
}

/**
 * Candidates ordered by rendezvous score for `key`, best first: the owner, then the nodes to use as replicas in
 * order. Every node computes the same order from the same member set, whatever order it lists members in. Ids
 * are expected to be unique; a repeated id is listed once (its first entry).
 *
 * @example
 * ```ts
 * const [owner, ...replicas] = rankFor('cart/7', members).slice(0, 3)
 * ```
 */
export function rankFor (key: string, candidates: readonly PlacementCandidate[]): PlacementCandidate[] {
  return rankWith(key, candidates, hash32)
}

/** `rankFor` with the seeds from `seedOf`. */
export function rankWith (key: string, candidates: readonly PlacementCandidate[], seedOf: SeedOf): PlacementCandidate[] {
  const seen = new Set<string>()
  const scored: Array<{ candidate: PlacementCandidate, score: number }> = []
  for (const candidate of candidates) {
    if (seen.has(candidate.id)) { continue }
    seen.add(candidate.id)
    scored.push({ candidate, score: score(key, seedOf(candidate.id)) })
  }
  scored.sort((a, b) => ranksBefore(a.score, a.candidate.id, b.score, b.candidate.id) ? -1 : 1)
  return scored.map(s => s.candidate)
}
