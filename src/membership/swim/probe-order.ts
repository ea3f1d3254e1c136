// Whom to probe next: round robin over a shuffled list bounds the time until any member is probed (SWIM section 4.3).
import { randomInt, shuffle } from './random.ts'
import type { Random } from './random.ts'
import type { View } from './view.ts'

export class ProbeOrder {
  private readonly random: Random
  private readonly view: View
  private order: string[] = []
  private index = 0

  constructor (random: Random, view: View) {
    this.random = random
    this.view = view
  }

  next (): string | undefined {
    for (;;) {
      if (this.index >= this.order.length) {
        this.order = shuffle(this.random, this.view.eligible())
        this.index = 0
        if (this.order.length === 0) { return undefined }
      }
      const id = this.order[this.index++]
      if (this.view.isEligible(id)) { return id }
    }
  }

  /** A newcomer goes at a random place in the rest of the round, so it is probed within this round. */
  add (id: string): void {
    const remaining = this.order.length - this.index
    this.order.splice(this.index + randomInt(this.random, remaining + 1), 0, id)
  }

  /** Ends the current round, so the next one is drawn from who is eligible now. */
  restart (): void {
    this.index = this.order.length
  }
}
