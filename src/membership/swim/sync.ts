// Push-pull syncs of the whole view: how a joining node learns the cluster, and anti-entropy for views gossip left apart.
import { randomInt } from './random.ts'
import type { Outbox } from './outbox.ts'
import type { Random } from './random.ts'
import type { SwimConfig } from './swim-config.ts'
import type { View } from './view.ts'

/** memberlist's threshold: up to this many members, syncs keep their base interval */
export const SYNC_SCALE_THRESHOLD = 32

/**
 * memberlist's push-pull scaling: a full sync costs O(n) bytes, so above 32 members the interval grows with
 * log2(n): twice as long up to 64 members, three times up to 128, and so on; the cluster's total sync traffic
 * grows as n log n instead of n^2.
 */
export function syncInterval (base: number, n: number): number {
  if (n <= SYNC_SCALE_THRESHOLD) { return base }
  return base * (Math.ceil(Math.log2(n) - Math.log2(SYNC_SCALE_THRESHOLD)) + 1)
}

export interface SyncInit {
  config: Pick<SwimConfig, 'probeInterval' | 'syncInterval'>
  random: Random
  now: number
  view: View
  outbox: Outbox
}

export class Sync {
  private readonly config: SyncInit['config']
  private readonly random: Random
  private readonly view: View
  private readonly outbox: Outbox
  private readonly lastSyncTo = new Map<string, number>()
  private nextSyncAt: number

  constructor (init: SyncInit) {
    this.config = init.config
    this.random = init.random
    this.view = init.view
    this.outbox = init.outbox
    // spread over the interval, like the probes
    this.nextSyncAt = init.now + this.config.syncInterval + randomInt(this.random, Math.max(1, this.config.syncInterval))
  }

  /** Anti-entropy: now and then, a full exchange with one random alive member. */
  tick (now: number): void {
    if (this.config.syncInterval > 0 && now >= this.nextSyncAt) {
      this.nextSyncAt = now + syncInterval(this.config.syncInterval, this.view.table.activeCount() + 1)
      const alive = this.view.eligibleAlive()
      if (alive.length > 0) { this.with(alive[randomInt(this.random, alive.length)], now, true) }
    }
  }

  /** Sends our whole view to `peer`, which answers with its own. */
  with (peer: string, now: number, force: boolean): void {
    const last = this.lastSyncTo.get(peer)
    // both ends of a new connection may ask at once; one exchange per probe interval is plenty
    if (!force && last != null && now - last < this.config.probeInterval) { return }
    this.lastSyncTo.set(peer, now)
    this.outbox.send(peer, { type: 'sync', members: this.view.members() })
  }

  /** Answers a sync from `peer` with our whole view; that exchange counts as our sync with it. */
  answer (peer: string, now: number): void {
    this.outbox.send(peer, { type: 'sync-ack', members: this.view.members() })
    this.lastSyncTo.set(peer, now)
  }

  forget (id: string): void {
    this.lastSyncTo.delete(id)
  }
}
