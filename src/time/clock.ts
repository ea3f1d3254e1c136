// Time as a part is handed it: the wall clock in production, a simulator's virtual clock in tests. A part that reads
// time and sets timers only through a Clock runs the same way in both, so a simulated run replays from its seed.
import { nextTurn } from './next-turn.ts'

export interface Timer {
  cancel(): void
}

export interface Clock {
  /** ms since the epoch, or since the start of a simulated run */
  now(): number
  /** runs `fn` once after `ms`; a pending timer never keeps the process alive */
  after(ms: number, fn: () => void): Timer
  /** runs `fn` every `ms` until cancelled */
  every(ms: number, fn: () => void): Timer
  /** runs `fn` once the current turn's other work is done, before any timer */
  soon(fn: () => void): Timer
}

/** The process's own clock and timers. */
export function systemClock (): Clock {
  return {
    now: () => Date.now(),
    after: (ms, fn) => {
      const timer = setTimeout(fn, ms)
      timer.unref?.()
      return { cancel: () => { clearTimeout(timer) } }
    },
    every: (ms, fn) => {
      const timer = setInterval(fn, ms)
      timer.unref?.()
      return { cancel: () => { clearInterval(timer) } }
    },
    soon: nextTurn
  }
}

/** Resolves after `ms` on the clock, or rejects with the signal's reason when it aborts first. */
export async function sleep (clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel()
      reject(signal?.reason)
    }
    const timer = clock.after(ms, () => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    })
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
