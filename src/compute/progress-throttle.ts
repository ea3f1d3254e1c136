// Tells a job's onProgress of its changes at most once per interval, and once more at its end: a job of 100,000
// chunks changes some 300,000 times, which no caller wants to hear one by one.
import type { JobProgress } from './index.ts'
import type { Logger } from '@libp2p/interface'

export const PROGRESS_INTERVAL = 100

export class ProgressThrottle {
  private readonly snapshot: () => JobProgress
  private readonly listener: ((progress: JobProgress) => void) | undefined
  private readonly log: Logger
  private readonly interval: number
  private last = -Infinity
  private timer: ReturnType<typeof setTimeout> | undefined
  private ended = false

  constructor (snapshot: () => JobProgress, listener: ((progress: JobProgress) => void) | undefined, log: Logger, interval = PROGRESS_INTERVAL) {
    this.snapshot = snapshot
    this.listener = listener
    this.log = log
    this.interval = interval
  }

  /** Something changed: told now if the last call is an interval old, else once the interval is over. */
  changed (): void {
    if (this.listener === undefined || this.ended || this.timer !== undefined) { return }
    const wait = this.last + this.interval - Date.now()
    if (wait <= 0) {
      this.tell()
      return
    }
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.tell()
    }, wait)
  }

  /** The job ended: its last state is told now, and nothing after it. */
  end (): void {
    if (this.ended) { return }
    clearTimeout(this.timer)
    this.timer = undefined
    this.tell()
    this.ended = true
  }

  private tell (): void {
    if (this.listener === undefined || this.ended) { return }
    this.last = Date.now()
    try {
      this.listener(this.snapshot())
    } catch (err: any) {
      // the caller's listener is not the job: its failure is logged and the job goes on
      this.log('onProgress threw - %e', err)
    }
  }
}
