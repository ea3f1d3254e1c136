// What one try of a chunk came to, decided from the member's answer or the call's failure: a pure function, so
// every case is tested without a network.
import { fromWireTaskError, validateRunAnswer } from './compute-wire.ts'

/** What becomes of the member that ran the try. */
export type WorkerFate =
  /** it takes more chunks */
  | 'keep'
  /** it cannot be reached for now: no chunk until it answers an offer again */
  | 'bench'
  /** it will not run the job: no more chunks of it */
  | 'remove'

export type ChunkOutcome =
  | { kind: 'result', value: unknown, worker: 'keep' }
  /** tried again on any member, when tries are left; `cancel`: the member may still run it, and is told to stop */
  | { kind: 'retry', cause: Error, worker: WorkerFate, cancel: boolean }
  /** fails the job */
  | { kind: 'fail', cause: Error, worker: WorkerFate }
  /** the member did not run it: sent elsewhere, and the try does not count */
  | { kind: 'refused', reason: string, worker: 'remove' }

/** Failures that say the member cannot be reached for now; it may be lost, and the cluster not know it yet. */
const UNREACHABLE = new Set(['NodeDownError', 'PeerOverloadedError'])

export function outcomeOfAnswer (raw: unknown): ChunkOutcome {
  let answer
  try {
    answer = validateRunAnswer(raw)
  } catch (err: any) {
    // a member that answers garbage gets no more chunks of the job; the chunk is not at fault
    return { kind: 'retry', cause: err, worker: 'remove', cancel: false }
  }
  if ('result' in answer) { return { kind: 'result', value: answer.result, worker: 'keep' } }
  if ('refused' in answer) { return { kind: 'refused', reason: answer.refused, worker: 'remove' } }
  const cause = fromWireTaskError(answer.error)
  return cause.retryable ? { kind: 'retry', cause, worker: 'keep', cancel: false } : { kind: 'fail', cause, worker: 'keep' }
}

export function outcomeOfCallError (err: Error): ChunkOutcome {
  if (UNREACHABLE.has(err.name)) { return { kind: 'retry', cause: err, worker: 'bench', cancel: false } }
  // the member may still be running it: it is told to stop, and the chunk goes elsewhere
  if (err.name === 'CallTimeoutError') { return { kind: 'retry', cause: err, worker: 'keep', cancel: true } }
  // its compute endpoint is gone: the member is stopping
  if (err.name === 'ActorNotFoundError') { return { kind: 'retry', cause: err, worker: 'remove', cancel: false } }
  // the chunk's answer could not travel (MessageTooLargeError), or the member refused the message itself: another
  // try would fail alike
  return { kind: 'fail', cause: err, worker: 'keep' }
}
