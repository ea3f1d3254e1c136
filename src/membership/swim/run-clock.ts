// This node's own time: wall time less the stretches it was not running, so its stalls are never blamed on others.

export interface RunClockInit {
  /** ms between two ticks when the node runs normally */
  tickInterval: number
  /** ms of lateness past one tick that count as a missed deadline */
  lateAfter: number
  now: number
}

/** What one reading of the clock found. */
export interface ClockReading {
  /** time for every protocol timer: it stood still while this node did not run */
  local: number
  /** true when this node was not running for longer than it may be late: a missed deadline */
  stalled: boolean
}

/**
 * The core is entered at least once per tick while its process runs. A longer gap between two entries means the
 * event loop was blocked or starved (a long GC, a saturated CPU, a suspended VM): the answers other members sent
 * during it are queued unread, so that time must not count against them. Gaps up to two ticks count in full;
 * beyond that the clock advances by two ticks only. A wall clock stepping back is absorbed the same way.
 */
export class RunClock {
  private readonly allowance: number
  private readonly lateAfter: number
  private lastWall: number
  private skipped = 0
  /** gaps count only once ticks are being driven: a core built well before its node starts is not stalled */
  private ticking = false

  constructor (init: RunClockInit) {
    this.allowance = 2 * init.tickInterval
    this.lateAfter = init.tickInterval + init.lateAfter
    this.lastWall = init.now
  }

  /** Local time at wall time `now`; `tick` tells a timer's call from a message's. */
  read (now: number, tick: boolean): ClockReading {
    const gap = now - this.lastWall
    this.lastWall = now
    const armed = this.ticking
    if (tick) { this.ticking = true }
    if (gap < 0) {
      this.skipped += gap
      return { local: now - this.skipped, stalled: false }
    }
    if (!armed) { return { local: now - this.skipped, stalled: false } }
    if (gap > this.allowance) { this.skipped += gap - this.allowance }
    return { local: now - this.skipped, stalled: gap > this.lateAfter }
  }
}
