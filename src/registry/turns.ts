// At most a fixed number of tasks at once: the rest wait in line, the urgent ones first, and the others (guesses) fewer
// at a time, and only while nothing urgent runs.

interface Waiter {
  urgent(): boolean
  go(guess: boolean): void
}

export interface TurnsInit {
  /** tasks at once */
  size: number
  /** of which tasks that are not urgent, when no urgent one runs */
  maxGuesses: number
}

export class Turns {
  private readonly init: TurnsInit
  private running = 0
  private guessing = 0
  /** in the order they came */
  private readonly line = new Set<Waiter>()

  constructor (init: TurnsInit) {
    this.init = init
  }

  /**
   * Resolves with a function that gives the turn back once the caller has one. `urgent` is asked whenever turns are
   * handed out, so a waiter can become urgent while it waits (then call `recheck`). Rejects with the signal's reason
   * if it aborts first.
   */
  async take (signal: AbortSignal, urgent: () => boolean): Promise<() => void> {
    signal.throwIfAborted()
    return new Promise<() => void>((resolve, reject) => {
      const onAbort = (): void => {
        this.line.delete(waiter)
        reject(signal.reason)
      }
      const waiter: Waiter = {
        urgent,
        go: (guess) => {
          signal.removeEventListener('abort', onAbort)
          resolve(this.release(guess))
        }
      }
      this.line.add(waiter)
      signal.addEventListener('abort', onAbort, { once: true })
      this.recheck()
    })
  }

  /** Hands out the turns that are free to the waiters that may have them: some may have become urgent. */
  recheck (): void {
    while (this.running < this.init.size) {
      const next = this.next()
      if (next == null) { return }
      this.line.delete(next.waiter)
      this.running++
      if (next.guess) { this.guessing++ }
      next.waiter.go(next.guess)
    }
  }

  /** The first urgent waiter, else the first in line if another guess may run. */
  private next (): { waiter: Waiter, guess: boolean } | undefined {
    let first: Waiter | undefined
    for (const waiter of this.line) {
      if (waiter.urgent()) { return { waiter, guess: false } }
      first ??= waiter
    }
    const urgentRunning = this.running > this.guessing
    return first != null && !urgentRunning && this.guessing < this.init.maxGuesses ? { waiter: first, guess: true } : undefined
  }

  private release (guess: boolean): () => void {
    let given = false
    return () => {
      if (given) { return }
      given = true
      this.running--
      if (guess) { this.guessing-- }
      this.recheck()
    }
  }
}
