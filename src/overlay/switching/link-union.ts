// The links of two overlay cores running side by side, as one set: while a node switches shape, both cores hold
// links, and the layer above (Plumtree, the adapter's connections) must see a peer linked while either core links it.
import type { OverlayEvent } from '../hyparview/outbox.ts'

export type OverlayCoreName = 'hyparview' | 'client-server'

const BIT: Record<OverlayCoreName, number> = { hyparview: 1, 'client-server': 2 }

export class LinkUnion {
  /** per linked peer, which cores link it: a bit per core */
  private readonly cores = new Map<string, number>()

  get size (): number {
    return this.cores.size
  }

  peers (): string[] {
    return [...this.cores.keys()]
  }

  has (peer: string): boolean {
    return this.cores.has(peer)
  }

  /** A core's link event; the event the union sees, if the peer's linked state changed. */
  apply (core: OverlayCoreName, event: OverlayEvent): OverlayEvent | undefined {
    const before = this.cores.get(event.peer) ?? 0
    const after = event.type === 'up' ? before | BIT[core] : before & ~BIT[core]
    if (after === before) { return undefined }
    if (after === 0) {
      this.cores.delete(event.peer)
      return { type: 'down', peer: event.peer }
    }
    this.cores.set(event.peer, after)
    return before === 0 ? { type: 'up', peer: event.peer } : undefined
  }

  /** Drops every link of a core that stopped; the union's events for the peers no other core links. */
  dropCore (core: OverlayCoreName): OverlayEvent[] {
    const events: OverlayEvent[] = []
    for (const [peer, bits] of [...this.cores]) {
      if ((bits & BIT[core]) === 0) { continue }
      const event = this.apply(core, { type: 'down', peer })
      if (event != null) { events.push(event) }
    }
    return events
  }
}
