// Membership news waiting to be piggybacked: each update rides a bounded number of messages, least-sent first.
import { copyMember } from './member-table.ts'
import type { MemberRecord } from '../index.ts'

interface Pending {
  update: MemberRecord
  transmits: number
  order: number
}

/**
 * Infection-style dissemination: an update is sent about `limit` times (a multiple of log n), which reaches
 * every member with high probability, then dropped. Newer news about a member replaces the older entry.
 */
export class DisseminationQueue {
  private readonly pending = new Map<string, Pending>()
  private counter = 0

  get size (): number {
    return this.pending.size
  }

  enqueue (update: MemberRecord): void {
    this.pending.set(update.id, { update: copyMember(update), transmits: 0, order: this.counter++ })
  }

  /** Takes up to `max` updates, fewest transmissions first, skipping members in `skip`. */
  take (max: number, limit: number, skip?: ReadonlySet<string>): MemberRecord[] {
    if (max <= 0 || this.pending.size === 0) { return [] }
    const chosen = [...this.pending.values()]
      .filter(p => skip?.has(p.update.id) !== true)
      .sort((a, b) => a.transmits - b.transmits || a.order - b.order)
      .slice(0, max)
    for (const p of chosen) {
      p.transmits++
      if (p.transmits >= limit) { this.pending.delete(p.update.id) }
    }
    return chosen.map(p => copyMember(p.update))
  }
}
