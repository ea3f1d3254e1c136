// Resolves actor names through the name table: at once when the table knows the name, else by a lookup that waits
// for members still being read, one lookup per name at a time, in the order they were asked.
import { AbortError } from '../messaging/errors.ts'
import type { NameEntry } from '../names/index.ts'

/** The name system, as routing reads it. */
export interface NameLookups {
  /** the live entry of a name now, without waiting */
  resolve(name: string): NameEntry | undefined
  /** the live entry, once members that joined have been read (at most the lookup timeout) */
  lookup(name: string, signal?: AbortSignal): Promise<NameEntry | undefined>
}

/**
 * Sends to one name share the lookup in flight, so they are delivered in the order they were made. The shared
 * lookup carries no caller's signal: one caller giving up must not fail the others.
 */
export class NameResolver {
  private readonly names: NameLookups
  private readonly inflight = new Map<string, Promise<NameEntry | undefined>>()

  constructor (names: NameLookups) {
    this.names = names
  }

  /** The entry now, when it is known and no lookup of the name is still waiting (a later send must not pass it). */
  now (name: string): NameEntry | undefined {
    return this.inflight.has(name) ? undefined : this.names.resolve(name)
  }

  async resolve (name: string, signal?: AbortSignal): Promise<NameEntry | undefined> {
    let lookup = this.inflight.get(name)
    if (lookup == null) {
      lookup = this.names.lookup(name).finally(() => { this.inflight.delete(name) })
      this.inflight.set(name, lookup)
    }
    return signal == null ? lookup : abortable(lookup, signal)
  }
}

async function abortable<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) { throw new AbortError(signal.reason) }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(new AbortError(signal.reason)) }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}
