// Gossip rounds: news that waits for probes to carry it spreads too slowly for a suspicion's confirmations to meet.
import { sample } from './random.ts'
import type { Gossip } from './gossip.ts'
import type { Random } from './random.ts'
import type { SwimConfig } from './swim-config.ts'
import type { View } from './view.ts'

export interface GossipRoundsInit {
  config: Pick<SwimConfig, 'gossipInterval' | 'gossipFanout'>
  random: Random
  view: View
  gossip: Gossip
}

/**
 * memberlist's gossip interval: while news waits in the queue, every `gossipInterval` ms it goes to `gossipFanout`
 * random neighbours in messages of their own. Probes alone carry news to one member per probe interval, so the
 * members that saw a crash would learn of each other's suspicions only after about a second, and the shortest
 * suspicion timeout needs those confirmations. An idle cluster has no news and sends nothing here.
 */
export class GossipRounds {
  private readonly config: GossipRoundsInit['config']
  private readonly random: Random
  private readonly view: View
  private readonly gossip: Gossip
  private nextRoundAt = -Infinity

  constructor (init: GossipRoundsInit) {
    this.config = init.config
    this.random = init.random
    this.view = init.view
    this.gossip = init.gossip
  }

  tick (now: number): void {
    if (this.config.gossipInterval <= 0 || now < this.nextRoundAt || !this.gossip.hasNews) { return }
    this.nextRoundAt = now + this.config.gossipInterval
    for (const to of sample(this.random, this.view.eligible(), this.config.gossipFanout)) {
      this.gossip.send(to)
    }
  }
}
