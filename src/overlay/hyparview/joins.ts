// Joining: the newcomer's JOIN to its contact, and the FORWARD_JOIN walks that find it its other active peers.
import type { HyParViewConfig } from './hyparview-config.ts'
import type { NeighborRequests } from './neighbor-requests.ts'
import type { Outbox } from './outbox.ts'
import type { Views } from './views.ts'

export interface JoinsInit {
  config: HyParViewConfig
  views: Views
  requests: NeighborRequests
  outbox: Outbox
}

/**
 * Symmetry: every node that links to the newcomer tells it. The newcomer links to its contact as it sends JOIN,
 * and the contact links back on receipt. A node that accepts a FORWARD_JOIN links to the newcomer and sends it
 * NEIGHBOR(high), which the newcomer must accept (evicting with DISCONNECT if it is full): it cannot refuse a
 * link the other end already holds. Its NEIGHBOR_REPLY finds the link in place and changes nothing; if the link
 * was evicted meanwhile, the reply is answered with DISCONNECT (see NeighborRequests.replied).
 */
export class Joins {
  private readonly config: HyParViewConfig
  private readonly views: Views
  private readonly requests: NeighborRequests
  private readonly outbox: Outbox

  constructor (init: JoinsInit) {
    this.config = init.config
    this.views = init.views
    this.requests = init.requests
    this.outbox = init.outbox
  }

  /** Links to the contact at once; if the contact is unreachable the adapter reports linkFailed. */
  join (contact: string): void {
    if (contact === this.views.self) { return }
    this.requests.forget(contact)
    this.views.addActive(contact)
    this.outbox.send(contact, { type: 'join' })
  }

  /** The contact always links to the newcomer, and starts one walk through each of its other active peers. */
  joined (newcomer: string): void {
    this.requests.forget(newcomer)
    this.views.addActive(newcomer)
    const ttl = this.config.activeRandomWalkLength
    for (const peer of this.views.active()) {
      if (peer !== newcomer) { this.outbox.send(peer, { type: 'forward-join', peer: newcomer, ttl }) }
    }
  }

  /**
   * One hop of a walk. It ends here when its ttl ran out or no active peer is left to pass it to (the paper's
   * "only the sender is active"); on the way, the hop at the passive walk length keeps the newcomer as a
   * candidate. The walk never goes back to the sender nor to the newcomer itself, and stops at a node already
   * linked to the newcomer (another walk got there first).
   */
  forwarded (sender: string, newcomer: string, ttl: number): void {
    if (newcomer === this.views.self || this.views.isActive(newcomer)) { return }
    const next = this.views.randomActive([sender, newcomer])
    if (ttl === 0 || next == null) {
      this.requests.forget(newcomer)
      this.views.addActive(newcomer)
      this.outbox.send(newcomer, { type: 'neighbor', priority: 'high' })
      return
    }
    if (ttl === this.config.passiveRandomWalkLength) { this.views.addPassive(newcomer) }
    this.outbox.send(next, { type: 'forward-join', peer: newcomer, ttl: ttl - 1 })
  }
}
