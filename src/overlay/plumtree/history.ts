// The ids this node received and the payloads it can still hand out, both forgotten after a while.
import type { PlumtreePayload } from './messages.ts'

/** What is remembered of a message while its id is retained. */
export interface Received {
  /**
   * the round of the best path known: the one the payload came with (its sender's distance from the origin), or
   * the one of a closer IHAVE the tree was since rewired to; -1 for our own broadcast
   */
  round: number
  /** the neighbour on that path; undefined for our own broadcast */
  from?: string
  /** the payload came first over a link this node had pruned: a copy its sender pushed before the PRUNE reached it */
  straggler?: true
  /** local time after which the id is forgotten */
  forgetAt: number
}

/** A payload kept to answer GRAFTs. */
export interface Cached {
  payload: PlumtreePayload
  origin: string
  /** this node's own distance from the origin: the round it sends the payload with */
  round: number
  expireAt: number
}

/**
 * Both maps expire in insertion order: every entry of one map lives equally long and time only moves forward, so
 * the oldest entry is always first and expiring costs only the entries that expire.
 */
export class History {
  private readonly received = new Map<string, Received>()
  private readonly cache = new Map<string, Cached>()
  private readonly cacheTtl: number
  private readonly idRetention: number

  constructor (init: { cacheTtl: number, idRetention: number }) {
    this.cacheTtl = init.cacheTtl
    this.idRetention = init.idRetention
  }

  get receivedCount (): number {
    return this.received.size
  }

  get cachedCount (): number {
    return this.cache.size
  }

  has (id: string): boolean {
    return this.received.has(id)
  }

  get (id: string): Received | undefined {
    return this.received.get(id)
  }

  payload (id: string): Cached | undefined {
    return this.cache.get(id)
  }

  /**
   * Records a message delivered at `now`. `round` is what it arrived with, `hops` this node's own distance;
   * its payload is kept for GRAFTs.
   */
  add (id: string, message: { payload: PlumtreePayload, origin: string, round: number, hops: number, from?: string, straggler?: boolean }, now: number): void {
    const received: Received = { round: message.round, from: message.from, forgetAt: now + this.idRetention }
    if (message.straggler === true) { received.straggler = true }
    this.received.set(id, received)
    this.cache.set(id, { payload: message.payload, origin: message.origin, round: message.hops, expireAt: now + this.cacheTtl })
  }

  /** The ids whose payloads arrived (or were sent) at `since` or later and are still kept, with this node's round. */
  cachedSince (since: number): Array<{ id: string, round: number }> {
    const recent: Array<{ id: string, round: number }> = []
    for (const [id, entry] of this.cache) {
      if (entry.expireAt - this.cacheTtl >= since) { recent.push({ id, round: entry.round }) }
    }
    return recent
  }

  expire (now: number): void {
    for (const [id, entry] of this.cache) {
      if (entry.expireAt > now) { break }
      this.cache.delete(id)
    }
    for (const [id, entry] of this.received) {
      if (entry.forgetAt > now) { break }
      this.received.delete(id)
    }
  }
}
