// A FIFO queue with O(1) push and shift: the mailbox of one actor.

export class Mailbox<T> {
  private items: Array<T | undefined> = []
  private head = 0

  get size (): number {
    return this.items.length - this.head
  }

  push (item: T): void {
    this.items.push(item)
  }

  shift (): T | undefined {
    if (this.head >= this.items.length) { return undefined }
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
    const rest = this.items.slice(this.head) as T[]
    this.items = []
    this.head = 0
    return rest
  }
}
