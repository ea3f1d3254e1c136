// NEIGHBOR requests in both directions: filling free active slots from the passive view, and answering peers' asks.
import { randomInt } from '../../membership/swim/random.ts'
import type { HyParViewConfig } from './hyparview-config.ts'
import type { NeighborPriority } from './messages.ts'
import type { Outbox } from './outbox.ts'
import type { Views } from './views.ts'
import type { Random } from '../../membership/swim/random.ts'

/**
 * Links at most, for a node's NEIGHBOR requests to be HIGH priority, which a full peer takes by evicting a link. The
 * paper says none; but two nodes linked only to each other are as cut off as one alone, and while nearly every view
 * is full their LOW requests are refused (at 10,000 simulated nodes one such pair stayed apart 40 s after bootstrap).
 */
const HIGH_PRIORITY_AT_MOST = 1

export interface NeighborRequestsInit {
  config: HyParViewConfig
  random: Random
  views: Views
  outbox: Outbox
}

interface Pending {
  sentAt: number
  priority: NeighborPriority
  /** asked to replace one of a full view's links (see rotate) */
  rotation?: true
}

/**
 * Repair keeps one request in flight per free active slot, each to a different passive peer, so a node that lost
 * half its links after a mass crash refills them in one round trip rather than one after another.
 *
 * A peer that rejected us, timed out or told us DISCONNECT rests for a promote interval before it is asked again:
 * it is full or slow now, and asking it at once would starve the other candidates. It stays in the passive view
 * all the same: only a failed dial removes a passive peer, never silence, since purging passive views on timeouts
 * drains them of the far side of a partition and leaves nothing to heal it with.
 */
export class NeighborRequests {
  private readonly config: HyParViewConfig
  private readonly random: Random
  private readonly views: Views
  private readonly outbox: Outbox
  private readonly pending = new Map<string, Pending>()
  /** peer → local time before which it is not asked again */
  private readonly resting = new Map<string, number>()

  constructor (init: NeighborRequestsInit) {
    this.config = init.config
    this.random = init.random
    this.views = init.views
    this.outbox = init.outbox
  }

  isPending (peer: string): boolean {
    return this.pending.has(peer)
  }

  /**
   * Asks passive peers to link until every free slot has a request in flight: HIGH, which the receiver must accept,
   * while this node has no link at all, LOW otherwise. All of an isolated node's requests are HIGH: were only the
   * first, the LOW ones would be turned down by full peers at once while the HIGH one waits on a dead peer, and
   * would leave every live candidate resting by the time it times out. With no rested candidate left, a node with
   * no link asks a resting one anyway: any link beats none.
   */
  fill (now: number): void {
    while (this.views.activeCount + this.pending.size < this.config.activeViewSize) {
      const peer = this.candidate(now)
      if (peer == null) { return }
      const priority = this.views.activeCount <= HIGH_PRIORITY_AT_MOST ? 'high' : 'low'
      this.pending.set(peer, { sentAt: now, priority })
      this.outbox.send(peer, { type: 'neighbor', priority })
    }
  }

  /**
   * Swaps one link of a full view for a passive peer: asked with HIGH priority, which a full peer takes by evicting
   * one of its own, and on acceptance this node evicts one of its links at random. Groups whose views are all full
   * meet this way; the evicted peers, now with a free slot, refill from their passive views.
   */
  rotate (now: number, member?: string): void {
    if (this.views.freeSlots > 0 || this.pending.size > 0) { return }
    const peer = member != null && member !== this.views.self && !this.views.isActive(member) ? member : this.candidate(now)
    if (peer == null) { return }
    this.pending.set(peer, { sentAt: now, priority: 'high', rotation: true })
    this.outbox.send(peer, { type: 'neighbor', priority: 'high' })
  }

  /**
   * Asks `member` to link now with HIGH priority, full view or not: a full view evicts one of its links on
   * acceptance, as after a rotation, and a view with a slot free takes it there.
   */
  reach (now: number, member: string | undefined): void {
    if (member == null || member === this.views.self || this.views.isActive(member) || this.pending.has(member)) { return }
    this.pending.set(member, this.views.freeSlots === 0 ? { sentAt: now, priority: 'high', rotation: true } : { sentAt: now, priority: 'high' })
    this.outbox.send(member, { type: 'neighbor', priority: 'high' })
  }

  /**
   * Requests unanswered for neighborTimeout count as rejected: their peers rest. An isolated node asks others at
   * once; one with links waits for the next promotion, as after a rejection: on a loaded machine every request
   * times out, and asking again at each timeout made a connection per free slot per second.
   */
  expire (now: number): void {
    let expired = false
    for (const [peer, { sentAt }] of this.pending) {
      if (now - sentAt >= this.config.neighborTimeout) {
        this.pending.delete(peer)
        this.rest(peer, now)
        expired = true
      }
    }
    if (expired && this.views.activeCount === 0) { this.fill(now) }
  }

  /** A peer asks to link: accepted if already linked, if HIGH (evicting), or into a free slot. */
  answer (from: string, priority: NeighborPriority): void {
    const accepted = this.views.isActive(from) || priority === 'high' || this.views.freeSlots > 0
    if (accepted) {
      this.views.addActive(from)
      // our own request to it, if any, is answered by this link
      this.pending.delete(from)
    }
    this.outbox.send(from, { type: 'neighbor-reply', accepted })
  }

  /**
   * The answer to a NEIGHBOR. Replies name no request, so one may answer an earlier NEIGHBOR than the one pending
   * (the NEIGHBOR(high) of a FORWARD_JOIN whose link was evicted, then asked for again). Each reply tells how the
   * replier stood when it sent it, and what we send after it arrives reaches the replier after everything it
   * sent earlier; so the rule is to make our side match the reply, and to tell the replier when we cannot:
   * - accepted, while our request is pending and a slot is free (or it was a rotation, which evicts a link): link;
   * - accepted otherwise (after our timeout, into a view that filled meanwhile): DISCONNECT undoes its link;
   * - rejected, from a peer we hold: it did not hold us then, so we unlink with DISCONNECT, which also undoes any
   * link our own earlier messages make it open later.
   */
  replied (from: string, accepted: boolean, now: number): void {
    const request = this.pending.get(from)
    const asked = this.pending.delete(from)
    if (accepted) {
      if (this.views.isActive(from)) { return }
      if (asked && (this.views.freeSlots > 0 || request?.rotation === true)) {
        // a rotation's link takes the place of a random one, which is told with DISCONNECT
        this.views.addActive(from)
        return
      }
      this.outbox.send(from, { type: 'disconnect' })
      this.views.addPassive(from)
    } else {
      this.rest(from, now)
      if (this.views.isActive(from)) {
        this.outbox.send(from, { type: 'disconnect' })
        this.views.dropActive(from, true)
        this.fill(now)
        return
      }
    }
    // a node with links asks the next peer at the next promotion, not at once: a free slot in a cluster of full
    // views would otherwise ask its whole passive view in turn, each ask a connection
    if (asked && this.views.activeCount === 0) { this.fill(now) }
  }

  /** A dial for a pending request failed: the peer is gone from the passive view too, and another is asked. */
  dialFailed (peer: string, now: number): void {
    if (!this.pending.delete(peer)) { return }
    this.views.removePassive(peer)
    this.resting.delete(peer)
    this.fill(now)
  }

  /** Keeps `peer` from being asked again for a promote interval. */
  rest (peer: string, now: number): void {
    this.resting.set(peer, now + this.config.promoteInterval)
  }

  forget (peer: string): void {
    this.pending.delete(peer)
    this.resting.delete(peer)
  }

  clear (): void {
    this.pending.clear()
    this.resting.clear()
  }

  private candidate (now: number): string | undefined {
    for (const [peer, until] of this.resting) {
      if (until <= now || !this.views.isPassive(peer)) { this.resting.delete(peer) }
    }
    const open = this.views.passive().filter(peer => !this.pending.has(peer))
    const rested = open.filter(peer => !this.resting.has(peer))
    if (rested.length > 0 || this.views.activeCount > 0 || this.pending.size > 0) {
      return rested.length > 0 ? rested[randomInt(this.random, rested.length)] : undefined
    }
    // an isolated node asks a resting peer only once it rested a neighborTimeout: when the one peer it knows just
    // evicted it to take another isolated node's HIGH request, asking back at once would evict that one, which
    // asks back in turn, and the nodes would trade the link as fast as messages go
    const restedAWhile = open.filter(peer => (this.resting.get(peer) ?? 0) - this.config.promoteInterval + this.config.neighborTimeout <= now)
    return restedAWhile.length > 0 ? restedAWhile[randomInt(this.random, restedAWhile.length)] : undefined
  }
}
