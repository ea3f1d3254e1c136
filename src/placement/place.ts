// Choosing the node for a key: role constraints first, then the strategy, over the eligible candidates only.
import { PlacementError } from './errors.ts'
import { HashRing } from './hash-ring.ts'
import { hash32 } from './hash.ts'
import { leastLoaded } from './least-loaded.ts'
import { bestFor, rankWith } from './rendezvous.ts'
import { RingCache } from './ring-cache.ts'
import type { Placement, PlacementCandidate, PlacementFunction, PlacementStrategyName } from './index.ts'
import type { SeedOf } from './rendezvous.ts'
import type { RingCacheInit } from './ring-cache.ts'

const STRATEGIES: ReadonlySet<string> = new Set<PlacementStrategyName>(['rendezvous', 'hash-ring', 'least-loaded'])
/** How much of a bad return value to quote in an error */
const QUOTE_LIMIT = 80
/** Node seeds a placer remembers: far more than a cluster has members, and well under a MiB. */
const MAX_SEEDS = 4096

export interface PlaceOptions {
  /** roles a node must have, every one of them (default none) */
  roles?: readonly string[]
}

/** What a placer keeps between calls; the free functions start without it. */
interface Memo {
  rings?: RingCache
  seedOf: SeedOf
}

/**
 * The candidates that have every one of `roles`, in their given order. No roles: all of them.
 *
 * @example
 * ```ts
 * eligible(members, ['gpu', 'eu'])   // only members with both roles
 * ```
 */
export function eligible (candidates: readonly PlacementCandidate[], roles: readonly string[]): PlacementCandidate[] {
  if (roles.length === 0) { return [...candidates] }
  return candidates.filter(c => roles.every(role => c.roles.includes(role)))
}

/**
 * The id of the node for `key`, or undefined when no candidate has the roles asked for (or a custom function
 * finds none fits). Deterministic: the same key, strategy and candidates (in any order, with the same loads for
 * 'least-loaded') give the same node on every node of the cluster.
 *
 * - 'rendezvous': highest random weight; a node leaving moves only its keys, and replicas follow `rankFor`.
 * - 'hash-ring': consistent hashing with 128 virtual nodes per node (a `Placer` reuses the ring across calls).
 * - 'least-loaded': the fewest `load.processes` (missing load counts as 0), ties broken by rendezvous rank.
 * - a function: called with the key and the eligible candidates only, sorted by id; it returns one of their ids.
 *
 * Throws PlacementError when `placement` is no known strategy, or a custom function throws or returns something
 * that is not an eligible candidate's id.
 *
 * @example
 * ```ts
 * place('cart/7', 'rendezvous', members)                        // 'QmB…'
 * place('model/en', 'least-loaded', members, { roles: ['gpu'] }) // the gpu node running the fewest actors
 * place('tenant/3', (key, nodes) => nodes.find(n => n.name.startsWith('eu-'))?.id, members)
 * ```
 */
export function place (key: string, placement: Placement, candidates: readonly PlacementCandidate[], options: PlaceOptions = {}): string | undefined {
  return placeWith(key, placement, candidates, options.roles ?? [], { seedOf: hash32 })
}

function placeWith (key: string, placement: Placement, candidates: readonly PlacementCandidate[], roles: readonly string[], memo: Memo): string | undefined {
  if (typeof key !== 'string') {
    throw new PlacementError(String(key), describeStrategy(placement), 'the key is not a string')
  }
  if (typeof placement !== 'function' && !STRATEGIES.has(placement)) {
    throw new PlacementError(key, describeStrategy(placement), 'no such strategy: use rendezvous, hash-ring, least-loaded or a function')
  }
  const pool = eligible(candidates, roles)
  if (pool.length === 0) { return undefined }
  if (typeof placement === 'function') { return placeCustom(key, placement, pool, candidates) }
  switch (placement) {
    case 'rendezvous': return bestFor(key, pool, memo.seedOf)?.id
    case 'least-loaded': return leastLoaded(key, pool, memo.seedOf)?.id
    default: {
      const ids = pool.map(c => c.id)
      return (memo.rings?.ring(ids) ?? new HashRing(ids)).owner(key)
    }
  }
}

/**
 * Placement that keeps its hash rings and node hashes between calls, for one cluster (or supervisor) placing
 * many keys over the same members: the same answers as `place` and `rankFor`, several times faster.
 *
 * @example
 * ```ts
 * const placer = new Placer()
 * for (const name of names) placer.place(name, 'hash-ring', members, { roles: ['worker'] })
 * ```
 */
export class Placer {
  private readonly memo: Required<Memo>
  private readonly seeds = new Map<string, number>()

  constructor (init: RingCacheInit = {}) {
    this.memo = { rings: new RingCache(init), seedOf: id => this.seedOf(id) }
  }

  /** As `place`, with this placer's rings and node hashes. */
  place (key: string, placement: Placement, candidates: readonly PlacementCandidate[], options: PlaceOptions = {}): string | undefined {
    return placeWith(key, placement, candidates, options.roles ?? [], this.memo)
  }

  /** As `rankFor`, over the candidates that have every one of `roles`. */
  rank (key: string, candidates: readonly PlacementCandidate[], options: PlaceOptions = {}): PlacementCandidate[] {
    return rankWith(key, eligible(candidates, options.roles ?? []), this.memo.seedOf)
  }

  /** The ring over these node ids, built now or reused: for `successors` with hash-ring placement. */
  ring (nodes: readonly string[]): HashRing {
    return this.memo.rings.ring(nodes)
  }

  private seedOf (id: string): number {
    let seed = this.seeds.get(id)
    if (seed == null) {
      // Members come and go over a long life: start over rather than grow without bound.
      if (this.seeds.size >= MAX_SEEDS) { this.seeds.clear() }
      seed = hash32(id)
      this.seeds.set(id, seed)
    }
    return seed
  }
}

function placeCustom (key: string, fn: PlacementFunction, pool: PlacementCandidate[], all: readonly PlacementCandidate[]): string | undefined {
  const strategy = describeStrategy(fn)
  // Sorted and frozen: the function cannot depend on the order members were listed in, nor change the list.
  const offered = Object.freeze(distinctById(pool))
  let chosen: unknown
  try {
    chosen = fn(key, offered)
  } catch (err) {
    throw new PlacementError(key, strategy, 'the function threw', { cause: err })
  }
  if (chosen === undefined) { return undefined }
  if (typeof chosen === 'string' && offered.some(c => c.id === chosen)) { return chosen }
  if (typeof chosen === 'string' && all.some(c => c.id === chosen)) {
    throw new PlacementError(key, strategy, `it returned "${quote(chosen)}", a candidate without the roles asked for`)
  }
  throw new PlacementError(key, strategy, `it returned ${typeof chosen === 'string' ? `"${quote(chosen)}"` : quote(String(chosen))}, which is not the id of any candidate`)
}

function distinctById (candidates: readonly PlacementCandidate[]): PlacementCandidate[] {
  const byId = new Map<string, PlacementCandidate>()
  for (const c of candidates) {
    if (!byId.has(c.id)) { byId.set(c.id, c) }
  }
  // Ids are distinct here, so two never compare equal.
  return [...byId.values()].sort((a, b) => a.id < b.id ? -1 : 1)
}

function describeStrategy (placement: unknown): string {
  if (typeof placement === 'function') {
    return placement.name === '' ? 'a custom function' : `custom function ${placement.name}`
  }
  return typeof placement === 'string' ? `strategy "${quote(placement)}"` : `strategy ${quote(String(placement))}`
}

function quote (text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text
}
