// What a call to one actor can expect to take, per call in flight: an average of its answers' latencies, each divided
// by the calls this node had in flight to it when it was sent plus one. An actor handles one message at a time, so an
// answer's latency counts the calls queued ahead of it; divided so, it is the time one call adds, and the cost of a
// new call is that times the calls in flight now plus one.

/** ms over which an estimate no answer refreshes falls to 1/e of itself: an actor avoided for being slow is tried again */
export const DEFAULT_LATENCY_DECAY = 10_000
/**
 * The weight of each new answer. An average, not a peak: under load every actor's answers jitter, and a peak holds
 * each at its worst, which a slow actor then undercuts.
 */
const ANSWER_WEIGHT = 0.2

export class LatencyEstimate {
  private readonly decay: number
  /** ms; 0 until the first answer */
  private estimate = 0
  private stamp: number

  constructor (now: number, decay = DEFAULT_LATENCY_DECAY) {
    this.decay = decay
    this.stamp = now
  }

  /** Takes one answer's latency in ms, already divided by the calls that were in flight. */
  observe (latency: number, now: number): void {
    const current = this.value(now)
    this.estimate = this.known ? current + (latency - current) * ANSWER_WEIGHT : latency
    this.stamp = now
  }

  /** A failure: the estimate rises at once to `latency` (the whole timeout) when below it. */
  penalize (latency: number, now: number): void {
    this.estimate = Math.max(this.value(now), latency)
    this.stamp = now
  }

  /** The estimate now (ms): it decays towards 0 while no answer comes, so an avoided actor is tried again. */
  value (now: number): number {
    return this.estimate * Math.exp(-Math.max(0, now - this.stamp) / this.decay)
  }

  /** whether any answer was seen yet */
  get known (): boolean {
    return this.estimate > 0
  }
}
