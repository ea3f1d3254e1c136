// A discrete-event scheduler: virtual time, seeded randomness and one queue of timed callbacks for every simulated
// node. Between two callbacks every promise they settled runs to completion, so code written with async/await runs
// in the same order on every run of a seed, and the trace of a run hashes to the same value.
import { createHash } from 'node:crypto'
import { seededRandom } from '../membership/swim/random.ts'
import type { Random } from '../membership/swim/random.ts'
import type { Clock, Timer } from '../time/clock.ts'

interface Scheduled {
  at: number
  order: number
  run(): void
  cancelled: boolean
}

export class Scheduler {
  readonly seed: number
  readonly random: Random
  private time = 0
  private order = 0
  /** a binary heap ordered by time, then by the order callbacks were scheduled in */
  private readonly heap: Scheduled[] = []
  private readonly hash = createHash('sha256')
  private readonly lines: string[] = []
  private readonly keepTrace: number

  /** `keepTrace`: how many of the latest trace lines to keep readable, for the report of a failing run */
  constructor (seed: number, keepTrace = 2000) {
    this.seed = seed
    this.random = seededRandom(seed)
    this.keepTrace = keepTrace
  }

  get now (): number {
    return this.time
  }

  /** Runs `fn` at virtual time `now + ms`; callbacks due at the same time run in the order they were scheduled. */
  after (ms: number, fn: () => void): Timer {
    const item: Scheduled = { at: this.time + Math.max(0, ms), order: this.order++, run: fn, cancelled: false }
    this.push(item)
    return { cancel: () => { item.cancelled = true } }
  }

  /**
   * A Clock for one node: its timers run only while `running()` holds, so a crashed node's timers fire into
   * nothing, as a killed process's would.
   */
  clock (running: () => boolean = () => true): Clock {
    const after = (ms: number, fn: () => void): Timer => this.after(ms, () => { if (running()) { fn() } })
    return {
      now: () => this.time,
      after,
      soon: (fn) => after(0, fn),
      every: (ms, fn) => {
        let timer: Timer | undefined
        let cancelled = false
        const repeat = (): void => {
          timer = after(ms, () => {
            if (cancelled) { return }
            repeat()
            fn()
          })
        }
        repeat()
        return { cancel: () => { cancelled = true; timer?.cancel() } }
      }
    }
  }

  /** Adds a line to the run's trace: what happened, at what virtual time. Same seed, same lines. */
  trace (line: string): void {
    const stamped = `${this.time} ${line}`
    this.hash.update(stamped).update('\n')
    this.lines.push(stamped)
    if (this.lines.length > this.keepTrace * 2) { this.lines.splice(0, this.lines.length - this.keepTrace) }
  }

  /** The hash of every trace line so far: two runs of one seed print the same. */
  traceHash (): string {
    return this.hash.copy().digest('hex').slice(0, 16)
  }

  /** The latest trace lines. */
  recentTrace (count = 200): string[] {
    return this.lines.slice(-count)
  }

  /** Runs every callback due within `ms` of virtual time, each followed by the promises it settled. */
  async run (ms: number): Promise<void> {
    await this.runUntil(() => false, ms)
  }

  /**
   * Runs callbacks until `done()` holds (checked between two of them) or `ms` of virtual time passed; answers
   * whether it held. `maxSteps` bounds a run whose callbacks keep scheduling more at the same time.
   */
  async runUntil (done: () => boolean, ms: number, maxSteps = 10_000_000): Promise<boolean> {
    const end = this.time + ms
    await settle()
    for (let step = 0; step < maxSteps && !done() && this.runNext(end); step++) { await settle() }
    return this.finish(done, end)
  }

  /**
   * As runUntil, without waiting for promises between callbacks: for parts that are plain state machines (the
   * overlay and broadcast cores), where a simulation of ten thousand nodes runs millions of callbacks.
   */
  runUntilSync (done: () => boolean, ms: number, maxSteps = 100_000_000): boolean {
    const end = this.time + ms
    let steps = 0
    while (steps < maxSteps && !done() && this.runNext(end)) { steps++ }
    return this.finish(done, end)
  }

  runSync (ms: number): void {
    this.runUntilSync(() => false, ms)
  }

  /** Runs the next callback due by `end`; false when there is none. */
  private runNext (end: number): boolean {
    for (;;) {
      const next = this.heap[0]
      if (next == null || next.at > end) { return false }
      this.pop()
      if (next.cancelled) { continue }
      this.time = next.at
      next.run()
      return true
    }
  }

  /** Unless `done()` holds already, time moves on to `end` once nothing is due before it. */
  private finish (done: () => boolean, end: number): boolean {
    if (done()) { return true }
    if (this.time < end && (this.heap[0] == null || this.heap[0].at > end)) { this.time = end }
    return done()
  }

  private push (item: Scheduled): void {
    const heap = this.heap
    heap.push(item)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i], heap[parent])) { break }
      [heap[i], heap[parent]] = [heap[parent], heap[i]]
      i = parent
    }
  }

  private pop (): void {
    const heap = this.heap
    const last = heap.pop()
    if (heap.length === 0 || last == null) { return }
    heap[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < heap.length && before(heap[left], heap[smallest])) { smallest = left }
      if (right < heap.length && before(heap[right], heap[smallest])) { smallest = right }
      if (smallest === i) { break }
      [heap[i], heap[smallest]] = [heap[smallest], heap[i]]
      i = smallest
    }
  }
}

function before (a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order)
}

/** Resolves once every promise callback queued so far, and those they queue, has run. */
async function settle (): Promise<void> {
  await new Promise<void>(resolve => { setImmediate(resolve) })
}
