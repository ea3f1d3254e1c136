// A decaying latency estimate that jumps to a slow answer at once and forgets it over `decay` ms: a member that
// turns slow is avoided from its first slow answer, and one that was slow is tried again once the estimate has decayed.

/** how long a slow answer weighs: the estimate falls to 1/e of its excess in this many ms */
export const DEFAULT_LATENCY_DECAY = 10_000

export class PeakEwma {
  private readonly decay: number
  /** ms; 0 until the first answer */
  private estimate = 0
  private stamp: number

  constructor (now: number, decay = DEFAULT_LATENCY_DECAY) {
    this.decay = decay
    this.stamp = now
  }

  /** Takes one answer's latency in ms. */
  observe (latency: number, now: number): void {
    // the peak: a slower answer replaces the estimate outright, a faster one only pulls it down with time
    if (latency > this.estimate) {
      this.estimate = latency
    } else {
      const weight = this.weight(now)
      this.estimate = this.estimate * weight + latency * (1 - weight)
    }
    this.stamp = now
  }

  /** The estimate now (ms): it decays towards 0 while no answer comes, so an idle member is tried again. */
  value (now: number): number {
    return this.estimate * Math.exp(-Math.max(0, now - this.stamp) / this.decay)
  }

  /** whether any answer was seen yet */
  get known (): boolean {
    return this.estimate > 0
  }

  private weight (now: number): number {
    return Math.exp(-Math.max(0, now - this.stamp) / this.decay)
  }
}
