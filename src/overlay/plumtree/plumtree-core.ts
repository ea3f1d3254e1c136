// Plumtree epidemic broadcast trees as a pure state machine: feed it neighbours, messages and time; send what it returns.
import { History } from './history.ts'
import { LazyQueue } from './lazy-queue.ts'
import { PLUMTREE_LIMITS } from './messages.ts'
import { Missing } from './missing.ts'
import { Outbox } from './outbox.ts'
import { Peers } from './peers.ts'
import type { GossipMessage, GraftMessage, IHaveEntry, PlumtreeMessage, PlumtreePayload } from './messages.ts'
import type { BroadcastOutput, PlumtreeCounters } from './outbox.ts'
import type { PlumtreeConfig } from './plumtree-config.ts'

export interface PlumtreeCoreInit {
  /** this node's id, as its neighbours name it */
  self: string
  config: PlumtreeConfig
  /** the caller's clock at creation; no timer runs before the first message, so it only fixes the time base */
  now: number
}

/** How much state the core holds, to check that memory stays bounded. */
export interface PlumtreeSizes {
  /** ids remembered, so a late copy is known as a duplicate */
  received: number
  /** payloads kept to answer GRAFTs */
  cached: number
  /** ids announced to us and not received yet */
  missing: number
  /** announcements waiting for the next IHAVE flush */
  queuedIhaves: number
}

/**
 * Leitão, Pereira and Rodrigues, "Epidemic Broadcast Trees" (SRDS 2007), over the active view of an overlay such as
 * HyParView. Payloads travel eagerly along a spanning tree that duplicates prune out of the overlay; every other
 * link carries IHAVEs, and a node that hears of a message it does not get in time GRAFTs the link it heard it on,
 * which repairs the tree where it broke. Delivery is best effort: a message whose payload has left every cache
 * before a node asks is not repaired.
 *
 * Only neighbours the caller announced with neighborUp shape the tree. A payload from anyone else is still
 * delivered and forwarded (it may come from a link that just closed), but no other message of theirs is acted on.
 *
 * Every entry point takes the caller's time in ms, as the SWIM core's do, even those that need none today.
 */
export class PlumtreeCore {
  private readonly self: string
  private readonly config: PlumtreeConfig
  private readonly outbox = new Outbox()
  private readonly peers = new Peers()
  private readonly history: History
  private readonly missing: Missing
  private readonly lazyQueue: LazyQueue

  constructor (init: PlumtreeCoreInit) {
    const { config } = init
    this.self = init.self
    this.config = config
    this.history = new History(config)
    this.missing = new Missing(config)
    // a peer rejects a longer IHAVE, so never send one
    this.lazyQueue = new LazyQueue({ interval: config.ihaveInterval, maxIds: Math.min(config.maxIhaveIds, PLUMTREE_LIMITS.ihaveEntries) })
  }

  eager (): string[] {
    return this.peers.eager()
  }

  lazy (): string[] {
    return this.peers.lazy()
  }

  counters (): PlumtreeCounters {
    return structuredClone(this.outbox.counters)
  }

  sizes (): PlumtreeSizes {
    return {
      received: this.history.receivedCount,
      cached: this.history.cachedCount,
      missing: this.missing.size,
      queuedIhaves: this.lazyQueue.size
    }
  }

  /**
   * A peer entered the overlay's active view: it starts eager, and the first duplicate it sends prunes it. Starting
   * new links lazy instead (the node is in the tree already) was measured worse: the tree then keeps the shape of the
   * join order, deep and slow, and IHAVEs overtaking payloads down its long paths cost more GRAFTs and duplicates
   * than the pruning of new eager links does.
   */
  neighborUp (peer: string, now: number): BroadcastOutput {
    if (peer !== this.self) { this.peers.makeEager(peer) }
    return this.outbox.drain()
  }

  /** A peer left the active view: it neither gets nor is asked for anything any more. */
  neighborDown (peer: string, now: number): BroadcastOutput {
    this.peers.remove(peer)
    this.missing.forget(peer)
    this.lazyQueue.drop(peer)
    return this.outbox.drain()
  }

  /**
   * Delivers a message of this node's own and pushes it down the tree. `id` must be unique in the cluster for
   * longer than idRetention (e.g. this node's id and a sequence number); an id already seen is not sent again.
   */
  broadcast (id: string, payload: PlumtreePayload, now: number): BroadcastOutput {
    if (!this.history.has(id)) {
      this.history.add(id, { payload, origin: this.self, round: -1, hops: 0 }, now)
      this.outbox.deliver({ id, payload, origin: this.self, hops: 0 })
      this.push({ type: 'gossip', id, payload, round: 0, origin: this.self })
    }
    return this.outbox.drain()
  }

  /** Handles one validated message; `from` must be the authenticated sender, never a field of the message. */
  receive (from: string, message: PlumtreeMessage, now: number): BroadcastOutput {
    this.outbox.counters.received[message.type]++
    if (from === this.self) { return this.outbox.drain() }
    if (message.type === 'gossip') {
      this.onGossip(from, message, now)
    } else if (this.peers.has(from)) {
      switch (message.type) {
        case 'ihave':
          this.onIHave(from, message.entries, now)
          break
        case 'graft':
          this.onGraft(from, message)
          break
        case 'prune':
          this.peers.makeLazy(from)
          break
        default:
          // the validator lets no other type through
          break
      }
    }
    return this.outbox.drain()
  }

  /**
   * Advances timers: flushes due IHAVEs, GRAFTs the next announcer of each message that is late, and forgets
   * payloads and ids past their time. Call it every few tens of ms (no less often than ihaveInterval).
   */
  tick (now: number): BroadcastOutput {
    for (const { to, message } of this.lazyQueue.flush(now)) {
      if (this.peers.has(to)) { this.outbox.send(to, message) }
    }
    for (const { id, announcer } of this.missing.due(now)) {
      this.graft(announcer.peer, { type: 'graft', id, round: announcer.round })
    }
    this.history.expire(now)
    return this.outbox.drain()
  }

  private onGossip (from: string, message: GossipMessage, now: number): void {
    const { id, payload, round, origin } = message
    const neighbour = this.peers.has(from)
    if (this.history.has(id)) {
      this.outbox.counters.duplicates++
      // a second copy means two eager paths reach us: cut the one that was slower
      if (neighbour) {
        this.peers.makeLazy(from)
        this.outbox.send(from, { type: 'prune' })
      }
      return
    }
    const hops = Math.min(round + 1, PLUMTREE_LIMITS.round)
    this.history.add(id, { payload, origin, round, hops, from }, now)
    this.outbox.deliver({ id, payload, origin, hops, from })
    const closest = this.missing.closest(id)
    this.missing.received(id)
    // whoever brought the payload first is on the fastest path we know: keep that link in the tree. A payload pushed
    // over a link we had pruned was sent before our PRUNE arrived, and the sender has made us lazy since: tell it the
    // link is in the tree again, or each side would count on the other for a parent neither has
    if (neighbour) {
      if (this.peers.isLazy(from)) {
        this.graft(from, { type: 'graft', round: hops })
      } else {
        this.peers.makeEager(from)
      }
    }
    this.push({ type: 'gossip', id, payload, round: hops, origin }, from)
    // the paper's optimisation, for IHAVEs that came before the payload
    if (closest != null) { this.optimize(id, closest.peer, closest.round) }
  }

  private onIHave (from: string, entries: IHaveEntry[], now: number): void {
    for (const { id, round } of entries) {
      if (this.history.has(id)) {
        this.optimize(id, from, round)
      } else {
        this.missing.announce(id, from, round, now)
      }
    }
  }

  private onGraft (from: string, message: GraftMessage): void {
    this.peers.makeEager(from)
    if (message.id == null) { return }
    const cached = this.history.payload(message.id)
    if (cached != null) {
      this.outbox.send(from, { type: 'gossip', id: message.id, payload: cached.payload, round: cached.round, origin: cached.origin })
    }
  }

  /**
   * The paper's tree optimisation: a lazy neighbour announced the message from `optimizationThreshold` hops closer
   * to the origin than the eager one that brought it, so the tree has grown a long detour. Make the short link
   * eager (without asking for the payload again, which would come back a duplicate) and prune the long one. The
   * threshold keeps the tree from rewiring at every jitter; the id's round is updated so it is done once.
   */
  private optimize (id: string, announcer: string, announcedRound: number): void {
    const received = this.history.get(id)
    const sender = received?.from
    if (received == null || sender == null || sender === announcer) { return }
    if (announcedRound + this.config.optimizationThreshold >= received.round) { return }
    if (!this.peers.isEager(sender) || !this.peers.has(announcer)) { return }
    received.round = announcedRound
    received.from = announcer
    this.graft(announcer, { type: 'graft', round: announcedRound })
    this.peers.makeLazy(sender)
    this.outbox.send(sender, { type: 'prune' })
  }

  private graft (peer: string, message: GraftMessage): void {
    if (!this.peers.has(peer)) { return }
    this.peers.makeEager(peer)
    this.outbox.send(peer, message)
  }

  /** Eager push of the payload, lazy push of its id, to every neighbour but the one it came from. */
  private push (gossip: GossipMessage, except?: string): void {
    for (const peer of this.peers.eager()) {
      if (peer !== except) { this.outbox.send(peer, gossip) }
    }
    for (const peer of this.peers.lazy()) {
      if (peer !== except) { this.lazyQueue.add(peer, { id: gossip.id, round: gossip.round }) }
    }
  }
}
