// Calls waiting for an answer: settled by a reply, a failure, a timeout, an abort, or the loss of their node.
import { AbortError, CallTimeoutError, NodeDownError } from '../errors.ts'

interface PendingCall {
  node: string
  resolve(value: unknown): void
  reject(err: Error): void
  cleanup(): void
}

export interface CallOptions {
  timeout: number
  signal?: AbortSignal
}

export class PendingCalls {
  private readonly calls = new Map<number, PendingCall>()
  private nextId = 1

  get size (): number {
    return this.calls.size
  }

  /** Registers a call and returns its id with the promise of its answer. */
  open (node: string, target: string, options: CallOptions): { id: number, answer: Promise<unknown> } {
    const id = this.nextId++
    const answer = new Promise<unknown>((resolve, reject) => {
      if (options.signal?.aborted === true) {
        reject(new AbortError(options.signal.reason))
        return
      }
      const timer = setTimeout(() => { this.settle(id)?.reject(new CallTimeoutError(target, options.timeout)) }, options.timeout)
      const onAbort = (): void => { this.settle(id)?.reject(new AbortError(options.signal?.reason)) }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      this.calls.set(id, {
        node,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer)
          options.signal?.removeEventListener('abort', onAbort)
        }
      })
    })
    return { id, answer }
  }

  resolve (id: number, value: unknown): boolean {
    const call = this.settle(id)
    call?.resolve(value)
    return call != null
  }

  reject (id: number, err: Error): boolean {
    const call = this.settle(id)
    call?.reject(err)
    return call != null
  }

  /** Fails every call in flight to a node that is gone. */
  failNode (node: string, cause?: Error): void {
    for (const [id, call] of this.calls) {
      if (call.node === node) { this.settle(id)?.reject(new NodeDownError(node, { cause })) }
    }
  }

  failAll (err: () => Error): void {
    for (const id of [...this.calls.keys()]) { this.settle(id)?.reject(err()) }
  }

  private settle (id: number): PendingCall | undefined {
    const call = this.calls.get(id)
    if (call == null) { return undefined }
    this.calls.delete(id)
    call.cleanup()
    return call
  }
}
