// libp2p's component logger, without the cost of loggers nobody enabled.
import { enabled, logger } from '@libp2p/logger'
import type { ComponentLogger, Logger } from '@libp2p/interface'

const silent = (): void => {}

/**
 * libp2p scopes a new logger to every connection, stream and protocol negotiation, and each one builds three
 * `debug` instances, which test the terminal for colours: 4% of the CPU of 100 nodes forming in one process, with
 * logging off. A namespace that DEBUG enables (itself, its errors or its trace) gets libp2p's logger as before;
 * any other gets one that does nothing, and whose scopes are checked again. DEBUG is read when a logger is made: a
 * namespace enabled later, through `enable()`, shows for connections and streams opened after it.
 */
export function scopedLogger (name: string): Logger {
  if (enabled(name) || enabled(`${name}:error`) || enabled(`${name}:trace`)) { return logger(name) }
  return Object.assign(() => {}, {
    enabled: false,
    error: silent,
    trace: silent,
    newScope: (scope: string) => scopedLogger(`${name}:${scope}`)
  })
}

export function quietLogger (): ComponentLogger {
  return { forComponent: scopedLogger }
}
