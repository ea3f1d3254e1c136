// Events per second over a sliding window of one-second buckets: the measured message rate of a node.
import { SECOND } from '../config/units.ts'

const DEFAULT_WINDOW_SECONDS = 5

export class RateMeter {
  private readonly buckets: number[]
  private readonly now: () => number
  private currentSecond: number

  constructor (windowSeconds = DEFAULT_WINDOW_SECONDS, now: () => number = Date.now) {
    this.buckets = new Array(windowSeconds).fill(0)
    this.now = now
    this.currentSecond = Math.floor(now() / SECOND)
  }

  mark (count = 1): void {
    this.advance()
    this.buckets[this.currentSecond % this.buckets.length] += count
  }

  /** Average per second over the last full window, the running second excluded so a fresh second reads no dip. */
  perSecond (): number {
    this.advance()
    let sum = 0
    for (let i = 1; i <= this.buckets.length - 1; i++) {
      sum += this.buckets[(this.currentSecond - i + this.buckets.length * 2) % this.buckets.length]
    }
    return sum / (this.buckets.length - 1)
  }

  private advance (): void {
    const second = Math.floor(this.now() / SECOND)
    if (second === this.currentSecond) { return }
    const steps = Math.min(second - this.currentSecond, this.buckets.length)
    for (let i = 1; i <= steps; i++) { this.buckets[(this.currentSecond + i) % this.buckets.length] = 0 }
    this.currentSecond = second
  }
}
