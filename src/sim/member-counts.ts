// How many members the cluster had when: each simulated node reads the count as its membership has it, a lag behind
// the truth, so members count a change a few seconds apart as they do over SWIM's gossip.
export class MemberCounts {
  private readonly times: number[] = []
  private readonly counts: number[] = []

  /** The count from `at` on; times must not go back. */
  record (at: number, count: number): void {
    if (this.times.length > 0 && this.times[this.times.length - 1] === at) {
      this.counts[this.counts.length - 1] = count
      return
    }
    this.times.push(at)
    this.counts.push(count)
  }

  /** The count at time `at`: 0 before the first record. */
  at (at: number): number {
    let low = 0
    let high = this.times.length
    // the first record after `at`
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.times[mid] <= at) { low = mid + 1 } else { high = mid }
    }
    return low === 0 ? 0 : this.counts[low - 1]
  }
}
