// What waits for one peer on one channel stream before it is handed to the stream: bounded in bytes, in publish order,
// and on a latest-wins channel a newer copy for a topic and key takes the place of the one still waiting.

interface Waiting {
  bytes: Uint8Array
  slot: string | undefined
}

/** What became of a copy offered to the queue. */
export type Enqueued = 'queued' | 'replaced' | 'full'

/** Past this many taken entries at the head, and half the array, the array is cut: shifting each would copy it all. */
const COMPACT_AFTER = 1024

export class OutboundQueue {
  private readonly limit: number
  private items: Waiting[] = []
  private head = 0
  /** the waiting copy of each topic and key, on a latest-wins channel */
  private readonly slots = new Map<string, Waiting>()
  private total = 0

  /** `limit`: the bytes that may wait; a copy that would pass it is refused */
  constructor (limit: number) {
    this.limit = limit
  }

  get bytes (): number {
    return this.total
  }

  get length (): number {
    return this.items.length - this.head
  }

  /**
   * Queues a copy at the tail or, with a `slot` (see slotOf) another copy already waits in, in that copy's place: the
   * newer value goes out where the older would have, so a key updated often is not pushed back behind the others. A
   * replacement that would pass the limit is refused, and the older copy stays.
   */
  add (bytes: Uint8Array, slot?: string): Enqueued {
    const waiting = slot === undefined ? undefined : this.slots.get(slot)
    if (waiting !== undefined) {
      const total = this.total - waiting.bytes.byteLength + bytes.byteLength
      if (total > this.limit) { return 'full' }
      this.total = total
      waiting.bytes = bytes
      return 'replaced'
    }
    if (this.total + bytes.byteLength > this.limit) { return 'full' }
    const entry = { bytes, slot }
    this.items.push(entry)
    if (slot !== undefined) { this.slots.set(slot, entry) }
    this.total += bytes.byteLength
    return 'queued'
  }

  /** The copy that goes next, still queued. */
  peek (): Uint8Array | undefined {
    return this.items[this.head]?.bytes
  }

  /** Takes the copy at the head out: it was handed to the stream. */
  shift (): void {
    const entry = this.items[this.head]
    if (entry === undefined) { return }
    this.items[this.head] = undefined as unknown as Waiting
    this.head++
    this.total -= entry.bytes.byteLength
    if (entry.slot !== undefined) { this.slots.delete(entry.slot) }
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
  }

  /** Empties the queue; returns how many copies were in it. */
  clear (): number {
    const count = this.length
    this.items = []
    this.head = 0
    this.slots.clear()
    this.total = 0
    return count
  }
}

/** One slot per topic and key: the topic's length first, so no topic and key can read as another pair. */
export function slotOf (topic: string, key: string): string {
  return `${topic.length}:${topic}${key}`
}
