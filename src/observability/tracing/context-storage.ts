// Where the current trace context lives while code runs. Node carries it across awaits and callbacks with
// AsyncLocalStorage; a browser has no such thing, and holds it for the synchronous run of a handler only: a message
// sent from a handler's first turn is traced, one sent after an await starts its own trace (or none).

/** The part of AsyncLocalStorage tracing uses. */
export interface ContextStorage<T> {
  getStore(): T | undefined
  run<R, A extends unknown[]>(store: T, fn: (...args: A) => R, ...args: A): R
  exit<R, A extends unknown[]>(fn: (...args: A) => R, ...args: A): R
}

/** A context held for the synchronous run of `fn` only, for platforms without async context. */
export class TurnContextStorage<T> implements ContextStorage<T> {
  private store: T | undefined

  getStore (): T | undefined {
    return this.store
  }

  run<R, A extends unknown[]> (store: T, fn: (...args: A) => R, ...args: A): R {
    return this.within(store, fn, args)
  }

  exit<R, A extends unknown[]> (fn: (...args: A) => R, ...args: A): R {
    return this.within(undefined, fn, args)
  }

  private within<R, A extends unknown[]> (store: T | undefined, fn: (...args: A) => R, args: A): R {
    const outer = this.store
    this.store = store
    try {
      return fn(...args)
    } finally {
      this.store = outer
    }
  }
}
