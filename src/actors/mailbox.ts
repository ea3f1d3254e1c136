// A FIFO queue with O(1) push and shift: the mailbox of one actor.

export class Mailbox<T> {
  /** made on the first message: most actors wait with an empty mailbox, and an empty array costs 32 bytes each */
  private items: Array<T | undefined> | undefined
  private head = 0

  get size (): number {
    return this.items == null ? 0 : this.items.length - this.head
  }

  push (item: T): void {
    if (this.items == null) { this.items = [item] } else { this.items.push(item) }
  }

  shift (): T | undefined {
    if (this.items == null || this.head >= this.items.length) { return undefined }
    const item = this.items[this.head]
    this.items[this.head++] = undefined
    // compact once the consumed prefix dominates, so memory follows the live size
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  drain (): T[] {
    const rest = (this.items?.slice(this.head) ?? []) as T[]
    this.items = undefined
    this.head = 0
    return rest
  }
}
