// Lifeguard's local health multiplier: a node that sees signs of its own slowness stretches its probe timing.

/**
 * A score from 0 to `max - 1` (memberlist's awareness). It rises on evidence that this node, not the member it
 * judged, is the problem: a probe failed and the members asked to help did not even nack; this node had to refute
 * a doubt about itself; its own timers ran late. It falls by one per probe answered in time. Probe timeouts and
 * the time between probes are multiplied by `score + 1`, so a slow node waits longer before it blames others and
 * adds less load while it is slow.
 */
export class LocalHealth {
  private readonly max: number
  private value = 0

  constructor (max: number) {
    this.max = Math.max(1, Math.floor(max))
  }

  get score (): number {
    return this.value
  }

  raise (by = 1): void {
    this.value = Math.min(this.max - 1, this.value + by)
  }

  lower (by = 1): void {
    this.value = Math.max(0, this.value - by)
  }

  /** A timeout or interval stretched by this node's doubt in itself. */
  scale (ms: number): number {
    return ms * (this.value + 1)
  }
}
