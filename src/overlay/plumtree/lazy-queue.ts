// IHAVE announcements waiting for the next flush, batched per lazy neighbour.
import type { IHaveEntry, IHaveMessage } from './messages.ts'

/**
 * Lazy push is batched: announcements queued within one `ihaveInterval` leave together, one message per
 * neighbour (split at `maxIds`), so a burst of broadcasts costs each lazy link a few messages rather than one per
 * broadcast. A quiet queue flushes at the next tick, so a lone broadcast's announcements are not held back.
 */
export class LazyQueue {
  private readonly queued = new Map<string, IHaveEntry[]>()
  private readonly interval: number
  private readonly maxIds: number
  private lastFlushAt = -Infinity

  constructor (init: { interval: number, maxIds: number }) {
    this.interval = init.interval
    this.maxIds = Math.max(1, init.maxIds)
  }

  get size (): number {
    let ids = 0
    for (const entries of this.queued.values()) { ids += entries.length }
    return ids
  }

  add (peer: string, entry: IHaveEntry): void {
    const entries = this.queued.get(peer)
    if (entries == null) {
      this.queued.set(peer, [entry])
    } else {
      entries.push(entry)
    }
  }

  /** A neighbour left: its announcements have nowhere to go. */
  drop (peer: string): void {
    this.queued.delete(peer)
  }

  /** The messages due at `now`, if a flush is due; the queue is empty afterwards. */
  flush (now: number): Array<{ to: string, message: IHaveMessage }> {
    if (this.queued.size === 0 || now < this.lastFlushAt + this.interval) { return [] }
    this.lastFlushAt = now
    const out: Array<{ to: string, message: IHaveMessage }> = []
    for (const [to, entries] of this.queued) {
      for (let start = 0; start < entries.length; start += this.maxIds) {
        out.push({ to, message: { type: 'ihave', entries: entries.slice(start, start + this.maxIds) } })
      }
    }
    this.queued.clear()
    return out
  }
}
