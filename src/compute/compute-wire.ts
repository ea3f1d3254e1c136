// The messages of map-reduce over the '$compute' system endpoint, and their checks on arrival: every message and
// answer from the network is checked here before use, a malformed one is a MalformedFrameError naming what was wrong.
import { MalformedFrameError } from '../wire/errors.ts'
import { MAX_TASK_NAME } from './errors.ts'
import { MAX_ATTEMPTS_LIMIT, MAX_CONCURRENCY } from './job-options.ts'

export const COMPUTE_ENDPOINT = '$compute'

/** job ids are made by the coordinator (a UUID); this bounds what another member may make us keep */
const MAX_JOB_ID = 64
const MAX_ERROR_TEXT = 4096

/** The coordinator asks whether the member has the task: answered with an OfferAnswer. */
export interface OfferMessage { offer: { job: string, task: string } }

/** One try of one chunk: `items` is the chunk's items as msgpack, answered with a RunAnswer. */
export interface RunMessage { run: { job: string, chunk: number, attempt: number, task: string, items: Uint8Array } }

/** The coordinator gave up the job, or one chunk's try (its timeout): its runs are aborted. Sent, not called. */
export interface CancelMessage { cancel: string, chunk?: number }

export type ComputeMessage = OfferMessage | RunMessage | CancelMessage

/** How many chunks of the task the member runs at once; 0: it has no such task. */
export interface OfferAnswer { capacity: number }

/** A task's error as it travels: its name and message, and whether another try may succeed. */
export interface WireTaskError { name: string, message: string, retryable: boolean }

export type RunAnswer =
  | { result: unknown }
  | { error: WireTaskError }
  /** the member does not run this chunk (task gone, node stopping): it takes no more chunks of the job */
  | { refused: string }

function isRecord (value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
}

const isJob = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_JOB_ID
const isTask = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_TASK_NAME
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_ERROR_TEXT

/** Throws a MalformedFrameError naming the first field that is wrong. */
function check (ok: boolean, what: string): void {
  if (!ok) { throw new MalformedFrameError(`compute message: ${what}`) }
}

function onlyKeys (value: Record<string, unknown>, keys: string[], kind: string): void {
  const extra = Object.keys(value).find(key => !keys.includes(key))
  check(extra === undefined, `${kind} has an unknown field ${String(extra).slice(0, 40)}`)
}

export function validateComputeMessage (value: unknown): ComputeMessage {
  check(isRecord(value), 'not an object')
  const message = value as Record<string, unknown>
  if ('offer' in message) {
    onlyKeys(message, ['offer'], 'an offer')
    const offer = message.offer
    check(isRecord(offer), 'offer is not an object')
    const { job, task } = offer as Record<string, unknown>
    check(isJob(job), 'offer.job is not a job id')
    check(isTask(task), `offer.task is not a task name of 1 to ${MAX_TASK_NAME} characters`)
    return message as unknown as OfferMessage
  }
  if ('run' in message) {
    onlyKeys(message, ['run'], 'a run')
    const run = message.run
    check(isRecord(run), 'run is not an object')
    const { job, chunk, attempt, task, items } = run as Record<string, unknown>
    check(isJob(job), 'run.job is not a job id')
    check(isIndex(chunk), 'run.chunk is not a chunk index')
    check(typeof attempt === 'number' && Number.isInteger(attempt) && attempt >= 1 && attempt <= MAX_ATTEMPTS_LIMIT, `run.attempt is not an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`)
    check(isTask(task), `run.task is not a task name of 1 to ${MAX_TASK_NAME} characters`)
    check(items instanceof Uint8Array, 'run.items is not the encoded items')
    return message as unknown as RunMessage
  }
  if ('cancel' in message) {
    onlyKeys(message, ['cancel', 'chunk'], 'a cancel')
    check(isJob(message.cancel), 'cancel is not a job id')
    check(message.chunk === undefined || isIndex(message.chunk), 'cancel.chunk is not a chunk index')
    return message as unknown as CancelMessage
  }
  throw new MalformedFrameError('compute message: neither an offer, a run nor a cancel')
}

/** A chunk's items, decoded by the member that runs it: an array, or the message was malformed. */
export function validateItems (items: unknown): unknown[] {
  check(Array.isArray(items), 'run.items do not decode to an array')
  return items as unknown[]
}

export function validateOfferAnswer (value: unknown): OfferAnswer {
  check(isRecord(value), 'offer answer is not an object')
  const { capacity } = value as Record<string, unknown>
  check(typeof capacity === 'number' && Number.isInteger(capacity) && capacity >= 0 && capacity <= MAX_CONCURRENCY,
    `offer answer's capacity is not an integer from 0 to ${MAX_CONCURRENCY}`)
  return value as unknown as OfferAnswer
}

export function validateRunAnswer (value: unknown): RunAnswer {
  check(isRecord(value), 'run answer is not an object')
  const answer = value as Record<string, unknown>
  if ('result' in answer) { return answer as RunAnswer }
  if ('error' in answer) {
    const error = answer.error
    check(isRecord(error), 'run answer\'s error is not an object')
    const { name, message, retryable } = error as Record<string, unknown>
    check(isText(name) && isText(message) && typeof retryable === 'boolean', 'run answer\'s error is not { name, message, retryable }')
    return answer as RunAnswer
  }
  check(isText(answer.refused), 'run answer is neither a result, an error nor a refusal')
  return answer as RunAnswer
}

/** A task's error as it travels; `retryable` as the task said, by RetryableTaskError or a `retryable: true` field. */
export function toWireTaskError (err: unknown): WireTaskError {
  const retryable = err != null && typeof err === 'object' && (err as { retryable?: unknown }).retryable === true
  if (err instanceof Error) { return { name: err.name.slice(0, MAX_ERROR_TEXT), message: err.message.slice(0, MAX_ERROR_TEXT), retryable } }
  return { name: 'Error', message: String(err).slice(0, MAX_ERROR_TEXT), retryable }
}

/** The error a member reported, rebuilt on the coordinator with its name and message. */
export function fromWireTaskError (wire: WireTaskError): Error & { retryable: boolean } {
  const err = new Error(wire.message) as Error & { retryable: boolean }
  err.name = wire.name
  err.retryable = wire.retryable
  return err
}
