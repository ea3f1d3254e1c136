// Placement: which member runs an actor. (minimal version; replaced by the full core)
import { createHash } from 'node:crypto'

export interface PlacementCandidate { id: string, name: string, roles: readonly string[], load?: { processes: number, messageRate: number } }
export type PlacementFunction = (key: string, candidates: readonly PlacementCandidate[]) => string | undefined
export type PlacementStrategyName = 'rendezvous' | 'hash-ring' | 'least-loaded'
export type Placement = PlacementStrategyName | PlacementFunction

export function eligible (candidates: readonly PlacementCandidate[], roles: readonly string[]): PlacementCandidate[] {
  return candidates.filter(c => roles.every(r => c.roles.includes(r)))
}

function score (key: string, id: string): string {
  return createHash('sha1').update(key).update('\0').update(id).digest('hex')
}

export function rankFor (key: string, candidates: readonly PlacementCandidate[]): PlacementCandidate[] {
  return [...candidates].map(c => ({ c, s: score(key, c.id) })).sort((a, b) => a.s < b.s ? 1 : a.s > b.s ? -1 : 0).map(x => x.c)
}

export function place (key: string, placement: Placement, candidates: readonly PlacementCandidate[], options: { roles?: readonly string[] } = {}): string | undefined {
  const fit = eligible(candidates, options.roles ?? [])
  if (fit.length === 0) { return undefined }
  if (typeof placement === 'function') { return placement(key, fit) }
  if (placement === 'least-loaded') {
    const ranked = rankFor(key, fit)
    return ranked.reduce((best, c) => (c.load?.processes ?? 0) < (best.load?.processes ?? 0) ? c : best, ranked[0]).id
  }
  return rankFor(key, fit)[0]?.id
}
