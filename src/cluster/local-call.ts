// A call to an actor of this node: the same timeout and abort rules as a remote call, without the network.
import { AbortError, CallTimeoutError } from '../messaging/errors.ts'
import type { ActorCell } from '../actors/actor-cell.ts'
import type { MessageTrace } from '../observability/tracing/trace-context.ts'

export async function callLocal<Reply> (cell: ActorCell, message: unknown, timeout: number, signal?: AbortSignal, trace?: MessageTrace): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => { done(); reject(new CallTimeoutError(cell.ref.id, timeout)) }, timeout)
    const onAbort = (): void => { done(); reject(new AbortError(signal?.reason)) }
    const done = (): void => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort) }
    signal?.addEventListener('abort', onAbort, { once: true })
    cell.deliver(message, {
      resolve: (value) => { done(); resolve(value as Reply) },
      reject: (err) => { done(); reject(err) }
    }, trace)
  })
}
