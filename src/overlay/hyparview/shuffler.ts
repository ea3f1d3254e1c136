// SHUFFLE: the periodic random walk that trades passive ids, so passive views stay fresh and spread over the cluster.
import { sample } from '../../membership/swim/random.ts'
import type { HyParViewConfig } from './hyparview-config.ts'
import type { ShuffleMessage } from './messages.ts'
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
   * otherwise answers the origin directly, with passive ids it does not already hold, and merges what came.
   */
  received (from: string, message: ShuffleMessage): void {
    const { origin, peers, ttl } = message
    if (origin === this.views.self) { return }
    const next = this.views.activeCount > 1 ? this.views.randomActive([from, origin]) : undefined
    if (ttl > 0 && next != null) {
      this.outbox.send(next, { ...message, peers: [...peers], ttl: ttl - 1 })
      return
    }
    const offered = new Set(peers)
    const candidates = this.views.passive().filter(peer => peer !== origin && !offered.has(peer))
    const reply = sample(this.random, candidates, peers.length)
    this.outbox.send(origin, { type: 'shuffle-reply', peers: reply })
    this.merge(peers, new Set(reply))
  }

  /** The answer to our last shuffle (or a late one: ids of live peers are welcome either way). */
  replied (peers: readonly string[]): void {
    this.merge(peers, this.sent)
  }

  private merge (peers: readonly string[], evictFirst: ReadonlySet<string>): void {
    for (const peer of new Set(peers)) { this.views.addPassive(peer, evictFirst) }
  }
}
