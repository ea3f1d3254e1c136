// HyParView (Leitão et al., DSN 2007) as a pure state machine: feed it time, messages and link failures, send what it returns.
import { Joins } from './joins.ts'
import { NeighborRequests } from './neighbor-requests.ts'
import { Outbox } from './outbox.ts'
import { Shuffler } from './shuffler.ts'
import { Views } from './views.ts'
import type { HyParViewConfig } from './hyparview-config.ts'
import type { HyParViewMessage } from './messages.ts'
import type { OverlayOutput } from './outbox.ts'
import type { Random } from '../../membership/swim/random.ts'

/** the longest wait between promotions, in promote intervals */
const MAX_PROMOTION_BACKOFF = 8
/** promotions in a row that may find a slot free before the wait grows */
const FREE_PROMOTIONS = 4

export interface HyParViewCoreInit {
  self: string
  /** checked by resolveHyParViewConfig */
  config: HyParViewConfig
  random: Random
  now: number
  /**
   * A random sample of `count` live members this node knows from elsewhere (membership), itself excluded. A
   * promotion that finds a slot free adds config.membersPerPromotion of them to the passive view, and a rotation
   * asks one of them. Without it, a group whose walks and shuffles stayed among themselves during a bootstrap knows
   * no one else, and every repair and rotation it makes links inside the group: at 10,000 simulated nodes one seed
   * of 20 kept a closed group of 27 nodes. Only a view with a free slot takes them into its passive view: added to
   * every view, they displaced the peers that walks and shuffles had put there.
   */
  members?(count: number): Iterable<string>
  /**
   * True for an active peer whose link carries traffic of a layer above, such as an edge of a broadcast tree. A
   * full view that must make room evicts a link without traffic if it has one: an evicted tree edge leaves a subtree
   * to GRAFT its way back, message by message, until the tree is repaired. A view whose every link is in use also
   * skips its rotation. At 10,000 simulated nodes, in a burst of 90 messages 10 ms apart, payloads per node and
   * message above one (RMR) were 0.019-0.023 over 2 seeds with evictions at random, 0.003 with these two rules.
   */
  inUse?(peer: string): boolean
}

/**
 * Routes time, messages and link failures to the part that handles them; every part writes what it produces to
 * one outbox.
 *
 * The active view is symmetric: every path that links one end tells the other (JOIN, NEIGHBOR and its reply), and
 * every path that unlinks a live peer tells it (DISCONNECT). The adapter opens a link on `up` and closes it on
 * `down`, after delivering the DISCONNECT that may precede it, and reports a broken link or a failed dial with
 * linkFailed: the transport is the failure detector, as in the paper. It must deliver messages to one peer in the
 * order they were returned, and call tick at least a few times per neighborTimeout. A node whose active view stays
 * empty knows no live peer (after a mass crash its passive view may hold only dead ones): HyParView cannot bring
 * it back, so the adapter should join again through a member it knows from elsewhere (membership, discovery).
 */
export class HyParViewCore {
  private readonly config: HyParViewConfig
  private readonly outbox = new Outbox()
  private readonly views: Views
  private readonly requests: NeighborRequests
  private readonly joins: Joins
  private readonly shuffler: Shuffler
  private nextPromoteAt: number
  /** promotions in a row that found a slot free: past FREE_PROMOTIONS, each doubles the wait (see schedulePromotion) */
  private fruitlessPromotions = 0
  private nextRotateAt: number
  private readonly members: ((count: number) => Iterable<string>) | undefined
  private left = false

  constructor (init: HyParViewCoreInit) {
    const { self, config, random, now } = init
    const outbox = this.outbox
    this.config = config
    this.members = init.members
    this.views = new Views({ self, config, random, outbox, inUse: init.inUse })
    this.requests = new NeighborRequests({ config, random, views: this.views, outbox })
    this.joins = new Joins({ config, views: this.views, requests: this.requests, outbox })
    // the shuffler draws its phase before the promoter: another order changes every seeded run
    this.shuffler = new Shuffler({ config, random, views: this.views, outbox, now })
    this.nextPromoteAt = now + random() * config.promoteInterval
    // a random phase, so a cluster started at once does not rotate at once
    this.nextRotateAt = config.rotateInterval > 0 ? now + random() * config.rotateInterval : Infinity
  }

  get self (): string {
    return this.views.self
  }

  active (): string[] {
    return this.views.active()
  }

  passive (): string[] {
    return this.views.passive()
  }

  /** the number of active links, without copying the view */
  get activeCount (): number {
    return this.views.activeCount
  }

  isActive (peer: string): boolean {
    return this.views.isActive(peer)
  }

  get hasLeft (): boolean {
    return this.left
  }

  /** Joins the overlay through `contact`, a node already in it; joining again through another is allowed. */
  join (contact: string, now: number): OverlayOutput {
    if (!this.left) { this.joins.join(contact) }
    return this.outbox.drain()
  }

  /** Handles one validated message; `from` must be the authenticated sender, never a field of the message. */
  receive (from: string, message: HyParViewMessage, now: number): OverlayOutput {
    if (this.left || from === this.views.self) { return this.outbox.drain() }
    switch (message.type) {
      case 'join':
        this.joins.joined(from)
        break
      case 'forward-join':
        this.joins.forwarded(from, message.peer, message.ttl)
        break
      case 'neighbor':
        this.requests.answer(from, message.priority)
        break
      case 'neighbor-reply':
        this.requests.replied(from, message.accepted, now)
        break
      case 'disconnect':
        this.disconnected(from, message.leaving === true, now)
        break
      case 'shuffle':
        this.shuffler.received(from, message)
        break
      case 'shuffle-reply':
        this.shuffler.replied(message)
        break
      default:
        // the validator lets no other type through
        break
    }
    return this.outbox.drain()
  }

  /**
   * The link to `peer` broke, or a dial to it failed. An active peer is dropped, not kept as passive (it may be
   * dead), and its slot is refilled at once; a peer we were asking to link is dropped from the passive view and
   * the next one asked. A passive peer otherwise stays: the closing of a link we no longer use says nothing.
   */
  linkFailed (peer: string, now: number): OverlayOutput {
    if (this.left) { return this.outbox.drain() }
    if (this.views.dropActive(peer, false)) {
      this.requests.forget(peer)
      this.linkLost(now)
      this.requests.fill(now)
    } else {
      this.requests.dialFailed(peer, now)
    }
    return this.outbox.drain()
  }

  /**
   * Times out NEIGHBOR requests, starts a SHUFFLE every shuffleInterval, fills free slots every promoteInterval (with
   * members known from elsewhere added to the passive view first) and swaps one link of a full view every
   * rotateInterval.
   */
  tick (now: number): OverlayOutput {
    if (this.left) { return this.outbox.drain() }
    this.requests.expire(now)
    this.shuffler.tick(now)
    // an isolated node keeps asking: its requests are rate-limited, and one tick apart is soon enough to relink
    if (now >= this.nextPromoteAt || this.views.activeCount === 0) {
      if (now >= this.nextPromoteAt) {
        this.schedulePromotion(now)
        if (this.views.freeSlots > 0) { this.suggest(this.knownMembers(this.config.membersPerPromotion)) }
      }
      this.requests.fill(now)
    }
    // a view whose every link is in use skips its turn: the link it would evict is a tree edge, and the subtree
    // under it would take each message by GRAFT until the tree is repaired
    if (now >= this.nextRotateAt) {
      this.nextRotateAt = now + this.config.rotateInterval
      if (this.views.hasIdleLink()) { this.requests.rotate(now, this.knownMembers(1)[0]) }
    }
    return this.outbox.drain()
  }

  /** Asks a member from the adapter's source to link now, as a rotation does (see NeighborRequests.reach). */
  reachMember (now: number): OverlayOutput {
    if (!this.left) { this.requests.reach(now, this.knownMembers(1)[0]) }
    return this.outbox.drain()
  }

  /**
   * Peers learnt from elsewhere (membership, discovery) as candidates for repair: each goes into the passive view,
   * where a full view makes room at random, so the view stays a random sample of the peers heard of. A node whose
   * walks met only its contact would otherwise know no one else to link to.
   */
  suggest (peers: Iterable<string>): void {
    if (this.left) { return }
    for (const peer of peers) { this.views.addPassive(peer) }
  }

  /** Up to `count` members from the adapter's source (membership), none if it has none or membersPerPromotion is 0. */
  private knownMembers (count: number): string[] {
    if (this.members == null || this.config.membersPerPromotion === 0) { return [] }
    return [...this.members(count)]
  }

  /** A peer known to be gone (declared dead, or left): out of both views, and never asked again. */
  forget (peer: string, now: number): OverlayOutput {
    if (this.left) { return this.outbox.drain() }
    this.views.removePassive(peer)
    return this.linkFailed(peer, now)
  }

  /** Tells every active peer this node is leaving, and stops: every later call returns nothing. */
  leave (now: number): OverlayOutput {
    if (this.left) { return this.outbox.drain() }
    this.left = true
    for (const peer of this.views.active()) { this.outbox.send(peer, { type: 'disconnect', leaving: true }) }
    this.views.clear()
    this.requests.clear()
    return this.outbox.drain()
  }

  /**
   * A peer unlinked from us: kept as passive unless it is leaving. Its slot is refilled at once from the other
   * passive peers; the one that just dropped us rests first, as it is full (or gone).
   */
  private disconnected (from: string, leaving: boolean, now: number): void {
    const wasActive = this.views.dropActive(from, !leaving)
    if (leaving) {
      this.views.removePassive(from)
      this.requests.forget(from)
    } else {
      this.requests.rest(from, now)
    }
    if (wasActive) { this.linkLost(now) }
    if (wasActive || leaving) { this.requests.fill(now) }
  }

  /**
   * The next promotion comes a promoteInterval later; after FREE_PROMOTIONS in a row that found a slot free, each
   * further one doubles the wait, up to MAX_PROMOTION_BACKOFF times. A node whose view stays short asks passive
   * peers that are all full, and each LOW ask of a peer without a link costs a connection that the rejection closes
   * again: in a settled cluster of 100 nodes in one process the few short views asked 4 times a second, for
   * nothing. Backing off from the first promotion slowed the overlay's settling instead: in the simulator at 1,000
   * nodes, slots filled while broadcasts ran, and redundancy went from 0.034 to 0.049 over 8 seeds.
   */
  private schedulePromotion (now: number): void {
    this.fruitlessPromotions = this.views.freeSlots > 0 ? this.fruitlessPromotions + 1 : 0
    const backoff = Math.min(MAX_PROMOTION_BACKOFF, 2 ** Math.max(0, this.fruitlessPromotions - FREE_PROMOTIONS))
    this.nextPromoteAt = now + backoff * this.config.promoteInterval
  }

  /** A link went: the view changed, so promotion is worth its plain period again. */
  private linkLost (now: number): void {
    this.fruitlessPromotions = 0
    this.nextPromoteAt = Math.min(this.nextPromoteAt, now + this.config.promoteInterval)
  }
}
