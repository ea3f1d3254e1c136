// Readings of a running cluster's overlay for the tests: components of the active views, symmetry, connections.
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

/** How many other peers each node holds an open connection to. */
export function connectionCounts (nodes: readonly FoundationNode[]): number[] {
  return nodes.map(n => new Set(n.host.getConnections().filter(c => c.status === 'open').map(c => c.remotePeer.toString())).size)
}

/** Alive members each node counts. */
export function aliveCounts (nodes: readonly FoundationNode[]): number[] {
  return nodes.map(n => n.membership.members().filter(m => m.status === 'alive').length)
}
