// Deterministic members and orderings for placement tests: every run sees the same ids, so a failure replays.
import { seededRandom } from '../../src/membership/swim/random.ts'
import type { PlacementCandidate } from '../../src/placement/index.ts'

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

/** A small seeded generator (mulberry32): numbers in [0, 1). */
export const seeded = seededRandom

/** `count` members with ids shaped like Ed25519 peer ids, drawn from `seed`. */
export function members (count: number, seed = 1, roles: readonly string[] = []): PlacementCandidate[] {
  const random = seeded(seed)
  return Array.from({ length: count }, (_, i) => {
    let id = '12D3KooW'
    for (let c = 0; c < 44; c++) { id += BASE58[Math.floor(random() * BASE58.length)] }
    return { id, name: `node-${i}`, roles }
  })
}

/** A shuffled copy of `items` (Fisher-Yates over the seeded generator). */
export function shuffled <T> (items: readonly T[], seed: number): T[] {
  const random = seeded(seed)
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const tmp = out[i]
    out[i] = out[j]
    out[j] = tmp
  }
  return out
}

/** `count` keys shaped like actor names. */
export function keys (count: number, prefix = 'actor'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}/${i}`)
}

/** How many keys each node owns, by id (every candidate listed, even with none). */
export function spread (owners: ReadonlyArray<string | undefined>, candidates: readonly PlacementCandidate[]): Map<string, number> {
  const counts = new Map(candidates.map(c => [c.id, 0]))
  for (const owner of owners) {
    if (owner != null) { counts.set(owner, (counts.get(owner) ?? 0) + 1) }
  }
  return counts
}
