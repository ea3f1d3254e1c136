// The active and passive views, and the rules both keep: never self, never both, never above their sizes.
import { randomInt } from '../../membership/swim/random.ts'
import type { HyParViewConfig } from './hyparview-config.ts'
import type { Outbox } from './outbox.ts'
import type { Random } from '../../membership/swim/random.ts'

export interface ViewsInit {
  self: string
  config: HyParViewConfig
  random: Random
  outbox: Outbox
  /** see HyParViewCoreInit.inUse */
  inUse?(peer: string): boolean
}

function pick (random: Random, items: readonly string[]): string {
  return items[randomInt(random, items.length)]
}

/**
 * Every change to the active view goes through here, so that each one is announced (`up`/`down`) and every
 * eviction tells the evicted peer (DISCONNECT): that message is what keeps a link symmetric when one end drops it
 * to make room. Sets keep insertion order, so a seeded run picks the same peers every time.
 */
export class Views {
  readonly self: string
  private readonly config: HyParViewConfig
  private readonly random: Random
  private readonly outbox: Outbox
  private readonly inUse: ((peer: string) => boolean) | undefined
  private readonly activeSet = new Set<string>()
  private readonly passiveSet = new Set<string>()

  constructor (init: ViewsInit) {
    this.self = init.self
    this.config = init.config
    this.random = init.random
    this.outbox = init.outbox
    this.inUse = init.inUse
  }

  active (): string[] {
    return [...this.activeSet]
  }

  passive (): string[] {
    return [...this.passiveSet]
  }

  isActive (peer: string): boolean {
    return this.activeSet.has(peer)
  }

  isPassive (peer: string): boolean {
    return this.passiveSet.has(peer)
  }

  get activeCount (): number {
    return this.activeSet.size
  }

  get freeSlots (): number {
    return Math.max(0, this.config.activeViewSize - this.activeSet.size)
  }

  /** True if some active link carries no traffic of the layers above (or the adapter does not say). */
  hasIdleLink (): boolean {
    return this.inUse == null || this.active().some(peer => this.inUse?.(peer) !== true)
  }

  /** A random active peer other than those in `except`, if there is one. */
  randomActive (except: readonly string[] = []): string | undefined {
    const candidates = this.active().filter(peer => !except.includes(peer))
    return candidates.length > 0 ? pick(this.random, candidates) : undefined
  }

  /**
   * Links to `peer`, first evicting a random active peer if the view is full (one whose link carries no traffic of
   * the layers above, if there is one): the evicted peer is told with DISCONNECT and kept in the passive view, as it
   * is alive. Returns false for self or a peer already active.
   */
  addActive (peer: string): boolean {
    if (peer === this.self || this.activeSet.has(peer)) { return false }
    if (this.activeSet.size >= this.config.activeViewSize) {
      const active = this.active()
      const idle = this.inUse == null ? active : active.filter(p => this.inUse?.(p) !== true)
      const evicted = pick(this.random, idle.length > 0 ? idle : active)
      this.outbox.send(evicted, { type: 'disconnect' })
      this.dropActive(evicted, true)
    }
    this.passiveSet.delete(peer)
    this.activeSet.add(peer)
    this.outbox.emit('up', peer)
    return true
  }

  /**
   * Unlinks `peer` without telling it: the caller sent DISCONNECT, or the link is already gone. A peer that is
   * alive goes to the passive view (`keep`); a failed or leaving one is forgotten.
   */
  dropActive (peer: string, keep: boolean): boolean {
    if (!this.activeSet.delete(peer)) { return false }
    this.outbox.emit('down', peer)
    if (keep) { this.addPassive(peer) }
    return true
  }

  /**
   * Remembers `peer` as a candidate for repair. A full view makes room by evicting first one of `evictFirst` (the
   * ids this node just sent away in a shuffle, which its partner now holds), else a random entry.
   */
  addPassive (peer: string, evictFirst: ReadonlySet<string> = new Set()): void {
    if (peer === this.self || this.activeSet.has(peer) || this.passiveSet.has(peer)) { return }
    if (this.passiveSet.size >= this.config.passiveViewSize) {
      const entries = this.passive()
      const victim = entries.find(entry => evictFirst.has(entry)) ?? pick(this.random, entries)
      this.passiveSet.delete(victim)
    }
    this.passiveSet.add(peer)
  }

  removePassive (peer: string): void {
    this.passiveSet.delete(peer)
  }

  /** Empties both views, announcing every active peer as down; the caller told them. */
  clear (): void {
    for (const peer of this.active()) { this.dropActive(peer, false) }
    this.passiveSet.clear()
  }
}
