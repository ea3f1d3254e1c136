// SHUFFLE: the periodic random walk that trades passive ids, so passive views stay fresh and spread over the cluster.
import { sample } from '../../membership/swim/random.ts'
import { HYPARVIEW_LIMITS } from './messages.ts'
import type { HyParViewConfig } from './hyparview-config.ts'
import type { ShuffleMessage, ShuffleReplyMessage } from './messages.ts'
import type { Outbox } from './outbox.ts'
import type { Views } from './views.ts'
import type { Random } from '../../membership/swim/random.ts'

export interface ShufflerInit {
  config: HyParViewConfig
  random: Random
  views: Views
  outbox: Outbox
  now: number
}

/**
 * Shuffles touch only passive views: a walk names live peers (the origin itself among them) to whoever it ends
 * at, and that node sends back as many of its own passive ids. Each side makes room by evicting first the ids it
 * sent, since the other side now holds them.
 *
 * The answer goes back along the walk's own hops, not straight to the origin as in the paper: the origin is rarely
 * linked to where the walk ends, and over libp2p a message to it is a dial, a handshake and identify on both ends
 * for one message. At 100 nodes in one process nearly every answer needed one, most of the connections a settled
 * cluster opened. A hop whose link broke meanwhile drops the answer; the next shuffle comes a shuffleInterval later.
 */
export class Shuffler {
  private readonly config: HyParViewConfig
  private readonly random: Random
  private readonly views: Views
  private readonly outbox: Outbox
  private nextShuffleAt: number
  /** the ids our last SHUFFLE carried, evicted first when its reply is merged */
  private sent: ReadonlySet<string> = new Set()

  constructor (init: ShufflerInit) {
    this.config = init.config
    this.random = init.random
    this.views = init.views
    this.outbox = init.outbox
    // a random phase, so nodes started together do not shuffle in lockstep
    this.nextShuffleAt = init.now + init.random() * init.config.shuffleInterval
  }

  tick (now: number): void {
    if (now < this.nextShuffleAt) { return }
    this.nextShuffleAt = now + this.config.shuffleInterval
    const target = this.views.randomActive()
    if (target == null) { return }
    const active = this.views.active().filter(peer => peer !== target)
    const peers = [
      this.views.self,
      ...sample(this.random, active, this.config.shuffleActiveCount),
      ...sample(this.random, this.views.passive(), this.config.shufflePassiveCount)
    ]
    this.sent = new Set(peers)
    this.outbox.send(target, { type: 'shuffle', origin: this.views.self, peers, ttl: this.config.shuffleTtl })
  }

  /**
   * Passes the walk on while it has hops left and somewhere to go other than back to the sender or the origin;
   * otherwise answers the origin, with passive ids it does not already hold, and merges what came.
   */
  received (from: string, message: ShuffleMessage): void {
    const { origin, peers, ttl } = message
    const path = message.path ?? []
    if (origin === this.views.self) { return }
    const next = this.views.activeCount > 1 ? this.views.randomActive([from, origin]) : undefined
    if (ttl > 0 && next != null && path.length < HYPARVIEW_LIMITS.ttl) {
      this.outbox.send(next, { type: 'shuffle', origin, peers: [...peers], ttl: ttl - 1, path: [...path, this.views.self] })
      return
    }
    const offered = new Set(peers)
    const candidates = this.views.passive().filter(peer => peer !== origin && !offered.has(peer))
    const reply = sample(this.random, candidates, peers.length)
    // straight to the origin when linked to it; else back the way the walk came, the origin last
    const back = this.views.isActive(origin) ? [origin] : [...path].reverse().concat(origin)
    this.outbox.send(back[0], answer(reply, back.slice(1)))
    this.merge(peers, new Set(reply))
  }

  /**
   * An answer on its way back is passed to the next hop if this node is still linked to it, and dropped otherwise;
   * one with no hops left is the answer to our last shuffle (or a late one: ids of live peers are welcome either way).
   */
  replied (message: ShuffleReplyMessage): void {
    const route = message.route ?? []
    if (route.length === 0) {
      this.merge(message.peers, this.sent)
    } else if (this.views.isActive(route[0])) {
      this.outbox.send(route[0], answer([...message.peers], route.slice(1)))
    }
  }

  private merge (peers: readonly string[], evictFirst: ReadonlySet<string>): void {
    for (const peer of new Set(peers)) { this.views.addPassive(peer, evictFirst) }
  }
}

/** A SHUFFLE_REPLY; a route only while hops are left, so the origin's copy is as the paper's. */
function answer (peers: string[], route: string[]): ShuffleReplyMessage {
  return route.length > 0 ? { type: 'shuffle-reply', peers, route } : { type: 'shuffle-reply', peers }
}
