// Calls waiting for an answer: settled by a reply or failure from the node they went to, a timeout, an abort, or the
// loss of their node.
import { AbortError, CallTimeoutError, NodeDownError } from '../errors.ts'

interface PendingCall {
  node: string
  /** performance.now() when opened, when an observer times calls */
  opened: number
  resolve(value: unknown): void
  reject(err: Error): void
  cleanup(): void
}

export interface CallOptions {
  timeout: number
  signal?: AbortSignal
}

/** How a call ended, for the latency observer. */
export type CallOutcome = 'ok' | 'error' | 'timeout'

/** Told how long each call took, in ms, once it settles. */
export type CallObserver = (outcome: CallOutcome, ms: number) => void

/** How a reply or failure that came in was taken. */
export type Settled = 'settled' | 'unknown' | 'wrong-sender'

/** random ids drawn at once: one call to the system's random source per this many calls */
const ID_BATCH = 1024

export class PendingCalls {
  private readonly calls = new Map<number, PendingCall>()
  /**
   * Call ids are random 32-bit numbers, not a count: a peer that reaches this node cannot guess the ids of its calls
   * in flight to others. The sender check below is what keeps a reply from another node out; random ids also keep
   * one node's call ids from telling how many calls it made.
   */
  private readonly ids = new Uint32Array(ID_BATCH)
  private nextIdAt = ID_BATCH
  private readonly observer: CallObserver | undefined

  /** Without an observer no call is timed: nothing is read or recorded per call. */
  constructor (observer?: CallObserver) {
    this.observer = observer
  }

  get size (): number {
    return this.calls.size
  }

  /** Registers a call and returns its id with the promise of its answer. */
  open (node: string, target: string, options: CallOptions): { id: number, answer: Promise<unknown> } {
    const id = this.newId()
    const answer = new Promise<unknown>((resolve, reject) => {
      if (options.signal?.aborted === true) {
        reject(new AbortError(options.signal.reason))
        return
      }
      const timer = setTimeout(() => { this.reject(id, new CallTimeoutError(target, options.timeout)) }, options.timeout)
      const onAbort = (): void => { this.reject(id, new AbortError(options.signal?.reason)) }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      this.calls.set(id, {
        node,
        opened: this.observer != null ? performance.now() : 0,
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

  /**
   * Settles a call with the reply `from` sent. A reply from any node but the one the call went to settles nothing:
   * it is a forgery or a bug, and the call still waits for its own answer.
   */
  answer (id: number, from: string, value: unknown): Settled {
    return this.settleFrom(id, from, () => this.resolve(id, value))
  }

  /** Fails a call with the failure `from` sent; as answer(), only from the node the call went to. */
  refuse (id: number, from: string, err: Error): Settled {
    return this.settleFrom(id, from, () => this.reject(id, err))
  }

  resolve (id: number, value: unknown): boolean {
    const call = this.settle(id)
    if (call == null) { return false }
    if (this.observer != null) { this.observer('ok', performance.now() - call.opened) }
    call.resolve(value)
    return true
  }

  reject (id: number, err: Error): boolean {
    const call = this.settle(id)
    if (call == null) { return false }
    if (this.observer != null) { this.observer(err instanceof CallTimeoutError ? 'timeout' : 'error', performance.now() - call.opened) }
    call.reject(err)
    return true
  }

  /** Fails every call in flight to a node that is gone. */
  failNode (node: string, cause?: Error): void {
    for (const [id, call] of this.calls) {
      if (call.node === node) { this.reject(id, new NodeDownError(node, { cause })) }
    }
  }

  /** Adds the nodes that calls are waiting on to `nodes`. */
  addNodes (nodes: Set<string>): void {
    for (const call of this.calls.values()) { nodes.add(call.node) }
  }

  failAll (err: () => Error): void {
    for (const id of [...this.calls.keys()]) { this.reject(id, err()) }
  }

  private newId (): number {
    for (;;) {
      if (this.nextIdAt === ID_BATCH) {
        crypto.getRandomValues(this.ids)
        this.nextIdAt = 0
      }
      const id = this.ids[this.nextIdAt++]
      // 0 is not a valid id on the wire; a clash with a call in flight is drawn again
      if (id !== 0 && !this.calls.has(id)) { return id }
    }
  }

  private settleFrom (id: number, from: string, settle: () => void): Settled {
    const call = this.calls.get(id)
    if (call == null) { return 'unknown' }
    if (call.node !== from) { return 'wrong-sender' }
    settle()
    return 'settled'
  }

  private settle (id: number): PendingCall | undefined {
    const call = this.calls.get(id)
    if (call == null) { return undefined }
    this.calls.delete(id)
    call.cleanup()
    return call
  }
}
