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

const NO_ONE: ReadonlySet<string> = new Set()
/**
 * ms a link counts as a tree edge after a payload last crossed it: long enough to span the gaps between messages
 * of a steady flow, short enough that a tree that changed shape frees its old edges within a rotation or two
 */
const TREE_LINK_MEMORY = 30_000

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
  /** when a payload last went to or came first from each neighbour */
  private readonly payloadAt = new Map<string, number>()

  constructor (init: PlumtreeCoreInit) {
    const { config } = init
    this.self = init.self
    this.config = config
    this.history = new History(config)
    this.missing = new Missing(config)
    // a peer rejects a longer IHAVE, so never send one
    this.lazyQueue = new LazyQueue({ interval: config.ihaveInterval, maxIds: Math.min(config.maxIhaveIds, PLUMTREE_LIMITS.ihaveEntries) })
  }

  /** the neighbours this node pushes payloads to: every one that has not asked it to stop (with PRUNE) */
  eager (): string[] {
    return this.peers.eager()
  }

  /** the neighbours this node only announces payloads to (IHAVE) */
  lazy (): string[] {
    return this.peers.lazy()
  }

  /** the neighbours this node has not asked to stop pushing payloads to it (with PRUNE) */
  pushers (): string[] {
    return [...this.peers.eager(), ...this.peers.lazy()].filter(peer => this.peers.isPusher(peer))
  }

  /**
   * True for a neighbour a payload crossed to or from within the last TREE_LINK_MEMORY ms: an edge of the tree
   * while messages flow. A quiet cluster has no such links, and losing one costs nothing there.
   */
  carriesPayloads (peer: string, now: number): boolean {
    const at = this.payloadAt.get(peer)
    return at != null && now - at <= TREE_LINK_MEMORY
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
    if (peer === this.self) { return this.outbox.drain() }
    this.peers.makeEager(peer)
    // the new neighbour hears of what passed lately: a node whose links changed while a payload went by (a switch
    // of shape closes many) had no link to be told of it on, and asks for it now
    for (const entry of this.history.cachedSince(now - this.config.announceOnLinkUp)) { this.lazyQueue.add(peer, entry) }
    return this.outbox.drain()
  }

  /** A peer left the active view: it neither gets nor is asked for anything any more. */
  neighborDown (peer: string, now: number): BroadcastOutput {
    this.peers.remove(peer)
    this.payloadAt.delete(peer)
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
      this.push({ type: 'gossip', id, payload, round: 0, origin: this.self }, now)
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
          this.onGraft(from, message, now)
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

  /**
   * A payload from a neighbour this node pruned within an ihaveTimeout (a few round trips) is a straggler: its
   * sender pushed it before the PRUNE reached it. It is delivered and announced, not pushed: a push would reach the
   * parent as a duplicate. The parent's copy that follows is then pushed on down the tree, and prunes no one.
   */
  private onGossip (from: string, message: GossipMessage, now: number): void {
    const { id, payload, round, origin } = message
    const neighbour = this.peers.has(from)
    const received = this.history.get(id)
    if (received != null) {
      this.outbox.counters.duplicates++
      if (!neighbour) { return }
      if (received.straggler === true && this.peers.isPusher(from)) {
        received.straggler = undefined
        const cached = this.history.payload(id)
        if (cached != null) {
          // on down the tree: not back to the parent, nor to the straggler's sender, which has it
          this.pushEager({ type: 'gossip', id, payload: cached.payload, round: cached.round, origin: cached.origin }, now, from, new Set([received.from ?? from]))
        }
        return
      }
      // a second copy means two paths push to us: stop the slower one, unless its PRUNE is still on its way
      if (!this.recentlyPruned(from, now)) { this.prune(from, now) }
      return
    }
    const straggler = neighbour && this.recentlyPruned(from, now)
    // one that pushes long after our PRUNE has started over (the PRUNE was lost with its stream): a pusher again
    if (neighbour && !straggler) {
      this.peers.grafted(from)
      this.payloadAt.set(from, now)
    }
    const hops = Math.min(round + 1, PLUMTREE_LIMITS.round)
    this.history.add(id, { payload, origin, round, hops, from, straggler }, now)
    this.outbox.deliver({ id, payload, origin, hops, from })
    const closest = this.missing.closest(id)
    // neighbours that announced it hold it already
    const holders = this.missing.holders(id)
    this.missing.received(id)
    if (straggler) {
      this.announce({ id, round: hops }, from, holders)
      return
    }
    this.push({ type: 'gossip', id, payload, round: hops, origin }, now, from, holders)
    // the paper's optimisation, for IHAVEs that came before the payload
    if (closest != null) { this.optimize(id, closest.peer, closest.round, now) }
  }

  private recentlyPruned (peer: string, now: number): boolean {
    const at = this.peers.prunedWhen(peer)
    return at != null && now - at <= this.config.ihaveTimeout
  }

  private onIHave (from: string, entries: IHaveEntry[], now: number): void {
    for (const { id, round } of entries) {
      if (this.history.has(id)) {
        this.optimize(id, from, round, now)
      } else {
        this.missing.announce(id, from, round, now)
      }
    }
  }

  private onGraft (from: string, message: GraftMessage, now: number): void {
    this.peers.makeEager(from)
    if (message.id == null) { return }
    const cached = this.history.payload(message.id)
    if (cached != null) {
      this.outbox.send(from, { type: 'gossip', id: message.id, payload: cached.payload, round: cached.round, origin: cached.origin })
      this.payloadAt.set(from, now)
    }
  }

  /**
   * The paper's tree optimisation: a lazy neighbour announced the message from `optimizationThreshold` hops closer
   * to the origin than the eager one that brought it, so the tree has grown a long detour. Make the short link
   * eager (without asking for the payload again, which would come back a duplicate) and prune the long one. The
   * threshold keeps the tree from rewiring at every jitter; the id's round is updated so it is done once.
   */
  private optimize (id: string, announcer: string, announcedRound: number, now: number): void {
    const received = this.history.get(id)
    const sender = received?.from
    if (received == null || sender == null || sender === announcer) { return }
    if (announcedRound + this.config.optimizationThreshold >= received.round) { return }
    if (!this.peers.isPusher(sender) || !this.peers.has(announcer)) { return }
    received.round = announcedRound
    received.from = announcer
    this.graft(announcer, { type: 'graft', round: announcedRound })
    this.prune(sender, now)
  }

  /** Asks `peer` to stop pushing payloads to this node; this node's own pushes to it stop only at its PRUNE. */
  private prune (peer: string, now: number): void {
    this.peers.pruned(peer, now)
    this.outbox.send(peer, { type: 'prune' })
  }

  /** Asks `peer` to push payloads to this node (and the payload of `message.id`, if any). */
  private graft (peer: string, message: GraftMessage): void {
    if (!this.peers.has(peer)) { return }
    this.peers.grafted(peer)
    this.outbox.send(peer, message)
  }

  /** Eager push of the payload, lazy push of its id, to every neighbour but `from` and the `holders` of it. */
  private push (gossip: GossipMessage, now: number, from?: string, holders: ReadonlySet<string> = NO_ONE): void {
    this.pushEager(gossip, now, from, holders)
    for (const peer of this.peers.lazy()) {
      if (peer !== from && !holders.has(peer)) { this.lazyQueue.add(peer, { id: gossip.id, round: gossip.round }) }
    }
  }

  private pushEager (gossip: GossipMessage, now: number, from: string | undefined, holders: ReadonlySet<string>): void {
    for (const peer of this.peers.eager()) {
      if (peer === from || holders.has(peer)) { continue }
      this.outbox.send(peer, gossip)
      this.payloadAt.set(peer, now)
    }
  }

  /** An IHAVE to every neighbour but `from` and the `holders` of it, eager ones included. */
  private announce (entry: IHaveEntry, from: string, holders: ReadonlySet<string>): void {
    for (const peer of [...this.peers.eager(), ...this.peers.lazy()]) {
      if (peer !== from && !holders.has(peer)) { this.lazyQueue.add(peer, entry) }
    }
  }
}
