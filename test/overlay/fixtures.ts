// Nodes on the memory transport that switch shape, and readings of a running cluster's overlay for the tests:
// components of the active views and their symmetry. Alive counts and connections per node come from the memory
// cluster's own readings.
import { randomBytes } from 'node:crypto'
import { memory } from '@libp2p/memory'
import { startFoundationNode } from '../../src/cluster/start-node.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { FAST_MEMBERSHIP } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { OverlayConfigInit } from '../../src/config/index.ts'
import type { TopologyChange } from '../../src/overlay/topology-policy.ts'
export { aliveCounts, linkedCounts as connectionCounts } from '../../benchmarks/lib/memory-cluster.ts'

/**
 * A cluster of nodes on the memory transport with the given overlay options, each joining through the first, and the
 * shape changes each node announced.
 */
export class MemoryCluster {
  readonly name: string
  readonly nodes: FoundationNode[] = []
  readonly changes = new Map<string, TopologyChange[]>()
  private readonly overlay: OverlayConfigInit

  constructor (prefix: string, overlay: OverlayConfigInit) {
    this.name = `${prefix}-${randomBytes(4).toString('hex')}`
    this.overlay = overlay
  }

  async start (index: number): Promise<FoundationNode> {
    const node = await startFoundationNode(resolveConfig({
      clusterName: this.name,
      name: `node-${index}`,
      listen: [`/memory/${this.name}-${index}`],
      discovery: { mdns: false, ...(index > 0 ? { static: [`/memory/${this.name}-0`] } : {}) },
      http: { enabled: false },
      membership: FAST_MEMBERSHIP,
      overlay: this.overlay
    }), { transports: [memory()] })
    const changes: TopologyChange[] = []
    this.changes.set(node.id, changes)
    node.addEventListener('topology:change', (evt) => { changes.push(evt.detail) })
    this.nodes.push(node)
    return node
  }

  async stopAll (): Promise<void> {
    await Promise.allSettled(this.nodes.map(async n => n.stop()))
  }
}

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
