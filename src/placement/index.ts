// Placement: which node runs a distributed actor. Pure functions of the key and the member view, no I/O.

/** A node placement may choose: a member with its roles and, when known, its gossiped load. */
export interface PlacementCandidate {
  /** peer id */
  id: string
  /** the node's name */
  name: string
  /** roles the node has, matched against the roles an actor asks for */
  roles: readonly string[]
  /** the node's load as last gossiped; missing counts as an empty node */
  load?: { processes: number, messageRate: number }
}

/**
 * A custom placement: given the key and the eligible candidates (those with the roles asked for, sorted by id,
 * frozen), returns the id of one of them, or undefined when none fits. It must be deterministic: every node
 * calls it with the same arguments and must get the same answer, or an actor may start twice.
 *
 * @example
 * ```ts
 * const nearest: PlacementFunction = (key, nodes) => nodes.find(n => n.name.startsWith('eu-'))?.id
 * ```
 */
export type PlacementFunction = (key: string, candidates: readonly PlacementCandidate[]) => string | undefined

/**
 * A built-in strategy: 'rendezvous' (highest random weight hashing), 'hash-ring' (consistent hashing with
 * virtual nodes) or 'least-loaded' (fewest actors, ties by rendezvous rank).
 */
export type PlacementStrategyName = 'rendezvous' | 'hash-ring' | 'least-loaded'

/**
 * How to choose the node for a key: a built-in strategy by name, or a custom function.
 *
 * @example
 * ```ts
 * const placement: Placement = 'least-loaded'
 * ```
 */
export type Placement = PlacementStrategyName | PlacementFunction

export { eligible, place, Placer } from './place.ts'
export type { PlaceOptions } from './place.ts'
export { rankFor } from './rendezvous.ts'
export { HashRing, DEFAULT_VNODES, MAX_VNODES } from './hash-ring.ts'
export { RingCache, DEFAULT_RING_CACHE_SIZE } from './ring-cache.ts'
export type { RingCacheInit } from './ring-cache.ts'
export { hash53 } from './hash.ts'
export { PlacementError, InvalidPlacementOptionError } from './errors.ts'
