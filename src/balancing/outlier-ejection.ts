// Per-actor outlier ejection, a circuit breaker per member of a service: one that keeps failing is left out for a while,
// then given calls again, and left out for twice as long if it fails again at once.

/** The defaults, documented in the README: close to Envoy's outlier detection and Moleculer's breaker. */
export const EJECTION_DEFAULTS = {
  /** failures in a row that eject an actor */
  consecutiveFailures: 5,
  /** or this share of failed calls within one window... */
  failureRatio: 0.5,
  /** ...once the window holds this many calls */
  minCalls: 20,
  /** ms: the window failures are counted over */
  window: 60_000,
  /** ms an actor stays out the first time; each ejection in a row doubles it */
  baseEjection: 10_000,
  /** ms: the longest an actor stays out */
  maxEjection: 300_000,
  /** at most this share of a service's actors is out at once (at least one): a fault common to all ejects no one */
  maxEjectedShare: 0.5
}

export type EjectionSettings = typeof EJECTION_DEFAULTS

export class OutlierState {
  private readonly settings: EjectionSettings
  private consecutive = 0
  private calls = 0
  private failures = 0
  private windowStart: number
  /** ejections in a row without a success between: the next lasts base × 2^(this) */
  private streak = 0
  private ejectedUntil = 0

  constructor (now: number, settings: EjectionSettings = EJECTION_DEFAULTS) {
    this.settings = settings
    this.windowStart = now
  }

  isEjected (now: number): boolean {
    return now < this.ejectedUntil
  }

  succeeded (now: number): void {
    this.roll(now)
    this.calls++
    this.consecutive = 0
    // a success after the ejection ended: the actor is back, and a later ejection starts from the base again
    if (!this.isEjected(now)) { this.streak = 0 }
  }

  /** Counts a failure; true when the actor should be ejected now (the caller decides whether the share allows it). */
  failed (now: number): boolean {
    this.roll(now)
    this.calls++
    this.failures++
    this.consecutive++
    if (this.isEjected(now)) { return false }
    // back from an ejection and failing at once: out again, for longer
    if (this.streak > 0 && this.consecutive === 1 && this.calls === 1) { return true }
    const { consecutiveFailures, failureRatio, minCalls } = this.settings
    return this.consecutive >= consecutiveFailures || (this.calls >= minCalls && this.failures / this.calls >= failureRatio)
  }

  /** Leaves the actor out from now; returns until when (ms). */
  eject (now: number): number {
    const { baseEjection, maxEjection } = this.settings
    this.ejectedUntil = now + Math.min(maxEjection, baseEjection * 2 ** this.streak)
    this.streak++
    // the counts start afresh for when it is back: its first call decides whether it stays
    this.consecutive = 0
    this.calls = 0
    this.failures = 0
    this.windowStart = this.ejectedUntil
    return this.ejectedUntil
  }

  private roll (now: number): void {
    if (now - this.windowStart < this.settings.window) { return }
    this.windowStart = now
    this.calls = 0
    this.failures = 0
  }
}
