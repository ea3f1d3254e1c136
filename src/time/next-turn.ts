// Work put off until the current turn of the event loop is done, on any platform.
import type { Timer } from './clock.ts'

/** Runs `fn` once the current turn's other work is done, ahead of timers: setImmediate where there is one (Node). */
export function nextTurn (fn: () => void): Timer {
  if (typeof setImmediate !== 'function') { return nextTurnByMessage(fn) }
  const immediate = setImmediate(fn)
  return { cancel: () => { clearImmediate(immediate) } }
}

/**
 * Where there is no setImmediate (a browser): a message posted to a fresh channel runs as soon as the turn ends,
 * where setTimeout(fn, 0) is clamped to 4 ms once nested and to 1 s in a hidden tab.
 */
export function nextTurnByMessage (fn: () => void): Timer {
  const channel = new MessageChannel()
  let cancelled = false
  channel.port1.onmessage = () => {
    // closed at once: an open port would keep Node's event loop alive
    channel.port1.close()
    if (!cancelled) { fn() }
  }
  channel.port2.postMessage(null)
  return {
    cancel: () => {
      // a message already queued may still arrive after close, as the platforms differ on it
      cancelled = true
      channel.port1.close()
    }
  }
}
