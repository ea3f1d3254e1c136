// Counts restarts in a sliding window: past the limit, a supervisor stops trying and fails upward.
import { DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_WINDOW } from './index.ts'

export interface RestartIntensityInit {
  /** default DEFAULT_MAX_RESTARTS (3) */
  maxRestarts?: number
  /** default DEFAULT_RESTART_WINDOW (5 s) */
  withinMs?: number
  /** clock in ms (default Date.now) */
  now?(): number
}

export class RestartIntensity {
  readonly maxRestarts: number
  readonly withinMs: number
  private readonly now: () => number
  /** times of the restarts still inside the window, oldest first */
  private times: number[] = []

  constructor (init: RestartIntensityInit = {}) {
    this.maxRestarts = init.maxRestarts ?? DEFAULT_MAX_RESTARTS
    this.withinMs = init.withinMs ?? DEFAULT_RESTART_WINDOW
    this.now = init.now ?? Date.now
  }

  /** Counts one restart now; false when it is one too many for the window. */
  record (): boolean {
    const now = this.now()
    this.times.push(now)
    this.times = this.times.filter(t => t > now - this.withinMs).slice(-(this.maxRestarts + 1))
    return this.times.length <= this.maxRestarts
  }

  /** restarts counted inside the window ending now */
  recent (): number {
    const now = this.now()
    return this.times.filter(t => t > now - this.withinMs).length
  }

  /** forgets every restart: a supervisor that starts again starts afresh */
  reset (): void {
    this.times = []
  }
}
