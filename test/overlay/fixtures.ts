// Readings of a running cluster's overlay for the tests: components of the active views and their symmetry. Alive
// counts and connections per node come from the memory cluster's own readings.
export { aliveCounts, linkedCounts as connectionCounts } from '../../benchmarks/lib/memory-cluster.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

/** Connected components of the graph the nodes' active views form, biggest first (links taken as undirected). */
export function overlayComponents (nodes: readonly FoundationNode[]): number[] {
  const neighbours = new Map<string, Set<string>>()
  const link = (a: string, b: string): void => {
    let set = neighbours.get(a)
    if (set == null) { neighbours.set(a, set = new Set()) }
    set.add(b)
  }
  for (const node of nodes) {
    for (const peer of node.overlay.overlay.active()) {
      link(node.id, peer)
      link(peer, node.id)
    }
  }
  const seen = new Set<string>()
  const sizes: number[] = []
  for (const node of nodes) {
    if (seen.has(node.id)) { continue }
    let size = 0
    const stack = [node.id]
    seen.add(node.id)
    while (stack.length > 0) {
      const id = stack.pop() as string
      size++
      for (const next of neighbours.get(id) ?? []) {
        if (!seen.has(next)) {
          seen.add(next)
          stack.push(next)
        }
      }
    }
    sizes.push(size)
  }
  return sizes.sort((a, b) => b - a)
}

/** The share of active links whose other end holds the link too. */
export function symmetricShare (nodes: readonly FoundationNode[]): number {
  const byId = new Map(nodes.map(n => [n.id, n]))
  let links = 0
  let symmetric = 0
  for (const node of nodes) {
    for (const peer of node.overlay.overlay.active()) {
      links++
      if (byId.get(peer)?.overlay.overlay.isActive(node.id) === true) { symmetric++ }
    }
  }
  return links === 0 ? 1 : symmetric / links
}
