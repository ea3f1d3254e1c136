// The two kinds of links to the overlay's active view: eager ones carry payloads, lazy ones only announcements.

/**
 * Every neighbour is in exactly one of the two sets. A new neighbour starts eager, so a fresh overlay floods, and
 * the duplicates flooding produces prune it into a spanning tree; lazy links stay as the tree's repair paths.
 */
export class Peers {
  private readonly eagerSet = new Set<string>()
  private readonly lazySet = new Set<string>()

  has (peer: string): boolean {
    return this.eagerSet.has(peer) || this.lazySet.has(peer)
  }

  isEager (peer: string): boolean {
    return this.eagerSet.has(peer)
  }

  isLazy (peer: string): boolean {
    return this.lazySet.has(peer)
  }

  makeEager (peer: string): void {
    this.lazySet.delete(peer)
    this.eagerSet.add(peer)
  }

  makeLazy (peer: string): void {
    this.eagerSet.delete(peer)
    this.lazySet.add(peer)
  }

  remove (peer: string): void {
    this.eagerSet.delete(peer)
    this.lazySet.delete(peer)
  }

  eager (): string[] {
    return [...this.eagerSet]
  }

  lazy (): string[] {
    return [...this.lazySet]
  }
}
