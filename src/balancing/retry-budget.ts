// A retry budget: retries may add at most a share of the calls made lately, plus a small reserve, so that when a
// service fails, retries cannot multiply the load on what is left of it.

/** The defaults, documented in the README (those of Finagle's RetryBudget). */
export const RETRY_BUDGET_DEFAULTS = {
  /** retries may add this share of the calls of the last `ttl` ms */
  ratio: 0.2,
  /** plus this many retries per second, so a quiet service can still retry */
  minPerSecond: 10,
  /** ms a call counts towards the budget */
  ttl: 10_000
}

export type RetryBudgetSettings = typeof RETRY_BUDGET_DEFAULTS

/** one slot per second of the window */
const SLOT = 1000

export class RetryBudget {
  private readonly settings: RetryBudgetSettings
  private readonly requests: number[]
  private readonly retries: number[]
  /** the second (ms / SLOT) the newest slot stands for */
  private current: number

  constructor (now: number, settings: RetryBudgetSettings = RETRY_BUDGET_DEFAULTS) {
    this.settings = settings
    const slots = Math.max(1, Math.ceil(settings.ttl / SLOT))
    this.requests = new Array(slots).fill(0)
    this.retries = new Array(slots).fill(0)
    this.current = Math.floor(now / SLOT)
  }

  /** A call was made (its first try). */
  deposit (now: number): void {
    this.requests[this.slot(now)]++
  }

  /** Takes one retry from the budget: false when it is spent. */
  tryWithdraw (now: number): boolean {
    const slot = this.slot(now)
    const { ratio, minPerSecond, ttl } = this.settings
    const allowed = ratio * sum(this.requests) + minPerSecond * ttl / SLOT
    if (sum(this.retries) + 1 > allowed) { return false }
    this.retries[slot]++
    return true
  }

  /** the index of now's slot, emptying the slots of seconds that left the window */
  private slot (now: number): number {
    const second = Math.floor(now / SLOT)
    const slots = this.requests.length
    const passed = Math.min(slots, second - this.current)
    for (let i = 1; i <= passed; i++) {
      const index = (this.current + i) % slots
      this.requests[index] = 0
      this.retries[index] = 0
    }
    if (second > this.current) { this.current = second }
    return this.current % slots
  }
}

function sum (values: number[]): number {
  let total = 0
  for (const value of values) { total += value }
  return total
}
