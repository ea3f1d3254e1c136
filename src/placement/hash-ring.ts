// A consistent-hash ring with virtual nodes: a key belongs to the first node point at or after its hash.
import { InvalidPlacementOptionError } from './errors.ts'
import { hash53 } from './hash.ts'

/** Points per node: enough that each of a handful of nodes owns within about 10% of an even share. */
export const DEFAULT_VNODES = 128
/** A ring of many nodes with this many points each would cost more memory than it saves in evenness. */
export const MAX_VNODES = 4096

/** Throws InvalidPlacementOptionError unless `vnodes` is an integer from 1 to MAX_VNODES. */
export function checkVnodes (vnodes: number): void {
  if (!Number.isInteger(vnodes) || vnodes < 1 || vnodes > MAX_VNODES) {
    throw new InvalidPlacementOptionError('vnodes', `must be an integer from 1 to ${MAX_VNODES}, got ${String(vnodes)}`)
  }
}

/**
 * A consistent-hash ring over node ids. Each node sits at `vnodes` points; a key is owned by the node of the
 * first point at or after the key's hash, wrapping around. Removing a node hands only its keys to the nodes
 * after its points; adding one takes about 1/(N+1) of the keys. The ring depends only on the set of ids, not on
 * their order. Immutable: build a new ring when the members change (a `RingCache` keeps recent ones).
 *
 * @example
 * ```ts
 * const ring = new HashRing(['node-a', 'node-b', 'node-c'])
 * ring.owner('orders/42')           // 'node-b', on every node that has the same three members
 * ring.successors('orders/42', 2)   // ['node-b', 'node-a']: the owner, then the next distinct node
 * ```
 */
export class HashRing {
  /** the distinct node ids, sorted */
  readonly nodes: readonly string[]
  /** point positions, ascending */
  private readonly points: Float64Array
  /** the index in `nodes` of the node at each point */
  private readonly owners: Uint32Array

  constructor (nodes: readonly string[], vnodes: number = DEFAULT_VNODES) {
    checkVnodes(vnodes)
    this.nodes = [...new Set(nodes)].sort()
    const count = this.nodes.length * vnodes
    const positions = new Float64Array(count)
    const nodeOf = new Uint32Array(count)
    for (let n = 0; n < this.nodes.length; n++) {
      for (let v = 0; v < vnodes; v++) {
        positions[n * vnodes + v] = hash53(this.nodes[n], v)
        nodeOf[n * vnodes + v] = n
      }
    }
    // Two points at one position (odds near 2^-53) go to the lower id, as every node sorts the same way.
    const order = Array.from({ length: count }, (_, i) => i)
    order.sort((a, b) => positions[a] - positions[b] || nodeOf[a] - nodeOf[b])
    this.points = new Float64Array(count)
    this.owners = new Uint32Array(count)
    for (let i = 0; i < count; i++) {
      this.points[i] = positions[order[i]]
      this.owners[i] = nodeOf[order[i]]
    }
  }

  /** The node that owns `key`, or undefined when the ring is empty. */
  owner (key: string): string | undefined {
    if (this.points.length === 0) { return undefined }
    return this.nodes[this.owners[this.pointFor(key)]]
  }

  /**
   * Up to `n` distinct nodes for `key` walking clockwise from its point: the owner first, then where its keys
   * go when it leaves, and so on. Fewer when the ring has fewer nodes.
   */
  successors (key: string, n: number): string[] {
    const wanted = Math.min(Math.max(0, Math.floor(n)), this.nodes.length)
    const found: string[] = []
    if (wanted === 0) { return found }
    const seen = new Set<number>()
    const start = this.pointFor(key)
    for (let step = 0; step < this.points.length && found.length < wanted; step++) {
      const node = this.owners[(start + step) % this.points.length]
      if (seen.has(node)) { continue }
      seen.add(node)
      found.push(this.nodes[node])
    }
    return found
  }

  /** The index of the first point at or after the key's hash, wrapping to 0 past the last point. */
  private pointFor (key: string): number {
    const h = hash53(key)
    let low = 0
    let high = this.points.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.points[mid] < h) { low = mid + 1 } else { high = mid }
    }
    return low === this.points.length ? 0 : low
  }
}
