// What the overlay simulations measure: the shape of the active views (components, symmetric links) and what one
// broadcast cost (reliability, relative message redundancy, last delivery hop), over Plumtree or plain flooding.
import { randomInt } from '../membership/swim/random.ts'
import type { OverlayNode, OverlaySim } from './overlay-sim.ts'

/**
 * Connected components among the nodes that are up, over active links taken both ways; with `counted`, only the
 * components holding a node it accepts (such as one past joining) are counted, every node up still linking them.
 */
export function components (nodes: readonly OverlayNode[], byId: (id: string) => OverlayNode | undefined, counted?: (node: OverlayNode) => boolean): number {
  const parent = new Map<OverlayNode, OverlayNode>()
  const find = (node: OverlayNode): OverlayNode => {
    let root = node
    while (parent.get(root) !== root) { root = parent.get(root) as OverlayNode }
    let step = node
    while (step !== root) {
      const next = parent.get(step) as OverlayNode
      parent.set(step, root)
      step = next
    }
    return root
  }
  const up = nodes.filter(node => node.up)
  for (const node of up) { parent.set(node, node) }
  let count = up.length
  for (const node of up) {
    for (const id of node.overlay.active()) {
      const peer = byId(id)
      if (peer == null || !peer.up) { continue }
      const a = find(node)
      const b = find(peer)
      if (a !== b) {
        parent.set(a, b)
        count--
      }
    }
  }
  return counted == null ? count : new Set(up.filter(counted).map(find)).size
}

/** The share of active links between nodes that are up whose other end holds the link too. */
export function symmetricShare (nodes: readonly OverlayNode[], byId: (id: string) => OverlayNode | undefined): number {
  let links = 0
  let symmetric = 0
  for (const node of nodes) {
    if (!node.up) { continue }
    for (const id of node.overlay.active()) {
      const peer = byId(id)
      if (peer == null || !peer.up) { continue }
      links++
      if (peer.overlay.isActive(node.id)) { symmetric++ }
    }
  }
  return links === 0 ? 1 : symmetric / links
}

export interface BroadcastFigures {
  /** share of the nodes up that delivered it */
  reliability: number
  /** payload messages received over the nodes up minus one, less one: 0 when each node got the payload once */
  rmr: number
  /** hops to the node reached last */
  lastDeliveryHop: number
}

/**
 * Broadcasts from each origin in turn, `spacing` ms apart, and runs until every node up delivered all of them or
 * `ms` passed, then a little longer for repairs under way; the figures of each broadcast, in order.
 */
export function plumtreeBroadcasts (sim: OverlaySim, origins: readonly OverlayNode[], prefix: string, spacing = 100, ms = 30_000): BroadcastFigures[] {
  const ids = origins.map((origin, i) => {
    const id = `${prefix}-${i}`
    sim.broadcastFrom(origin, id)
    sim.run(spacing)
    return id
  })
  const alive = sim.up().length
  sim.runUntil(() => ids.every(id => sim.tallyOf(id).delivered >= alive), ms)
  // IHAVE repairs and GRAFTs still under way count towards these broadcasts
  sim.run(1000)
  return ids.map(id => {
    const tally = sim.tallyOf(id)
    const reached = sim.up().filter(node => node.delivered.has(id)).length
    return {
      reliability: reached / alive,
      rmr: alive > 1 ? tally.payloads / (alive - 1) - 1 : 0,
      lastDeliveryHop: tally.lastHop
    }
  })
}

/** Broadcasts one message over Plumtree from `origin` and runs until it settles. */
export function plumtreeBroadcast (sim: OverlaySim, origin: OverlayNode, id: string): BroadcastFigures {
  return plumtreeBroadcasts(sim, [origin], id)[0]
}

/**
 * The baseline: flooding over the same active views from `origin`, every node passing a message it sees first to
 * every active peer but the one it came from, each copy after a seeded delay in the same latency range.
 */
export function floodBroadcast (sim: OverlaySim, origin: OverlayNode, latency: [number, number] = [10, 100]): BroadcastFigures {
  const hops = new Map<OverlayNode, number>([[origin, 0]])
  let received = 0
  // copies in flight by the whole ms they arrive at: delays are whole ms, so a bucket per ms keeps arrival order
  const arriving: Array<Array<{ to: OverlayNode, from: OverlayNode, hop: number }> | undefined> = []
  const random = sim.scheduler.random
  const forward = (node: OverlayNode, from: OverlayNode | undefined, hop: number, at: number): void => {
    for (const id of node.overlay.active()) {
      const peer = sim.node(id)
      if (peer == null || peer === from || !peer.up) { continue }
      const when = at + latency[0] + randomInt(random, latency[1] - latency[0] + 1)
      const bucket = arriving[when] ?? (arriving[when] = [])
      bucket.push({ to: peer, from: node, hop: hop + 1 })
    }
  }
  forward(origin, undefined, 0, 0)
  for (let at = 0; at < arriving.length; at++) {
    for (const copy of arriving[at] ?? []) {
      received++
      if (hops.has(copy.to)) { continue }
      hops.set(copy.to, copy.hop)
      forward(copy.to, copy.from, copy.hop, at)
    }
  }
  const alive = sim.up().length
  return {
    reliability: hops.size / alive,
    rmr: alive > 1 ? received / (alive - 1) - 1 : 0,
    lastDeliveryHop: Math.max(...hops.values())
  }
}
