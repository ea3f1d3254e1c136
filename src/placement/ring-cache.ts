// Recently built hash rings, by member list: building a ring hashes every virtual node, so placing many keys
// over the same members should build it once.
import { InvalidPlacementOptionError } from './errors.ts'
import { checkVnodes, DEFAULT_VNODES, HashRing } from './hash-ring.ts'

/** Member sets change rarely; a few rings cover the current one, the one before and per-role subsets. */
export const DEFAULT_RING_CACHE_SIZE = 8

export interface RingCacheInit {
  /** rings kept, least recently used dropped first (default 8) */
  size?: number
  /** virtual nodes per member in each ring (default 128) */
  vnodes?: number
}

/**
 * A small least-recently-used cache of hash rings by member list. A list matches one cached when it holds the
 * same ids in the same order, which is cheaper to check than sorting ids for every key placed: the same members
 * listed in another order build an equal ring (a ring depends only on the set), at the cost of one more build.
 *
 * @example
 * ```ts
 * const rings = new RingCache({ size: 4 })
 * rings.ring(['a', 'b']) === rings.ring(['a', 'b']) // true: built once
 * ```
 */
export class RingCache {
  private readonly size: number
  private readonly vnodes: number
  /** most recently used first; a handful of entries, so a scan beats building a key string per lookup */
  private readonly entries: Array<{ nodes: readonly string[], ring: HashRing }> = []

  constructor (init: RingCacheInit = {}) {
    this.size = init.size ?? DEFAULT_RING_CACHE_SIZE
    this.vnodes = init.vnodes ?? DEFAULT_VNODES
    if (!Number.isInteger(this.size) || this.size < 1) {
      throw new InvalidPlacementOptionError('size', `must be a positive integer, got ${String(init.size)}`)
    }
    checkVnodes(this.vnodes)
  }

  /** The ring over `nodes`, built now or reused. */
  ring (nodes: readonly string[]): HashRing {
    const found = this.entries.findIndex(entry => sameList(entry.nodes, nodes))
    if (found === 0) { return this.entries[0].ring }
    if (found > 0) {
      const [entry] = this.entries.splice(found, 1)
      this.entries.unshift(entry)
      return entry.ring
    }
    // A copy: the caller may reuse its array for the next member list.
    const entry = { nodes: [...nodes], ring: new HashRing(nodes, this.vnodes) }
    this.entries.unshift(entry)
    if (this.entries.length > this.size) { this.entries.pop() }
    return entry.ring
  }
}

function sameList (a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) { return false }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) { return false }
  }
  return true
}
