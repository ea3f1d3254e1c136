// Resolves actor names through the registry, one lookup per name at a time, in the order they were asked.
import { AbortError } from '../messaging/errors.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { Registry } from '../registry/index.ts'

/**
 * Sends to one name share the lookup in flight, so they are delivered in the order they were made. The shared
 * lookup carries no caller's signal: one caller giving up must not fail the others.
 */
export class NameResolver {
  private readonly registry: Registry
  private readonly inflight = new Map<string, Promise<ActorRef | undefined>>()

  constructor (registry: Registry) {
    this.registry = registry
  }

  async resolve (name: string, signal?: AbortSignal): Promise<ActorRef | undefined> {
    let lookup = this.inflight.get(name)
    if (lookup == null) {
      lookup = this.registry.lookup(name).finally(() => { this.inflight.delete(name) })
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
