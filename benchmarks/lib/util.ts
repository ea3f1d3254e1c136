// Timing and control-flow helpers shared by the suites.

export async function delay (ms: number): Promise<void> {
  await new Promise<void>(resolve => setTimeout(resolve, ms))
}

/** Let I/O callbacks run: used by tight send loops that would otherwise starve the event loop. */
export async function yieldToLoop (): Promise<void> {
  await new Promise<void>(resolve => setImmediate(resolve))
}

export class BenchTimeoutError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'BenchTimeoutError'
  }
}

/** Reject with a BenchTimeoutError when the promise does not settle within ms. */
export async function withTimeout<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new BenchTimeoutError(`${what}: no result within ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Settle with the promise's value, or with `false` when ms pass first; the timer never outlives the race. */
export async function within<T> (promise: Promise<T>, ms: number): Promise<T | false> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<false>(resolve => { timer = setTimeout(() => { resolve(false) }, ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Poll until the condition holds; throws a BenchTimeoutError after ms. */
export async function waitFor (condition: () => boolean | Promise<boolean>, ms: number, what: string, everyMs = 20): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new BenchTimeoutError(`${what}: not reached within ${ms} ms`)
    }
    await delay(everyMs)
  }
}

/** A promise with its resolve/reject functions, for "done when the receiver has counted N" signals. */
export interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(err: Error): void
}

export function deferred<T> (): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (err: Error) => void
  const promise = new Promise<T>((_resolve, _reject) => { resolve = _resolve; reject = _reject })
  return { promise, resolve, reject }
}

export function errorMessage (err: unknown): string {
  if (err instanceof Error) {
    return `${err.name}: ${err.message}`
  }
  return String(err)
}

/** A body of `size` bytes counting 0..255 over and over, so no layer can compress it to nothing. */
export function patternedBytes (size: number): Uint8Array {
  const body = new Uint8Array(size)
  for (let i = 0; i < body.length; i++) { body[i] = i & 0xff }
  return body
}

/** Runs fn over every item with at most `concurrency` running at once; resolves when all have settled. */
export async function forEachLimit<T> (items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      await fn(items[index], index)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
}
