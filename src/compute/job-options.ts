// A job's options and a task's definition checked and completed once, at the call: a bad one throws an error naming
// it before anything is read from the source or sent.
import { MAX_TASK_NAME, MapReduceOptionError, TaskNameError, TaskOptionError } from './errors.ts'
import type { MapReduceOptions, TaskFunction, TaskOptions, ThreadTask } from './index.ts'

const SECOND = 1000
const MINUTE = 60 * SECOND
export const DEFAULT_CHUNK_SIZE = 100
export const DEFAULT_MAX_ATTEMPTS = 3
export const DEFAULT_CHUNK_TIMEOUT = 5 * MINUTE
/** chunks of a function task run at once on one node */
export const DEFAULT_TASK_CONCURRENCY = 8
/** the most tries of a chunk a job may ask for, and the most attempt numbers a member takes */
export const MAX_ATTEMPTS_LIMIT = 100
/** the most chunks a member holds for one job, and the most a member may say it runs at once */
export const MAX_CONCURRENCY = 4096
/** the longest chunk timeout: setTimeout takes no more */
const MAX_TIMEOUT = 2 ** 31 - 1

export interface ResolvedJobOptions<Acc> {
  initial: { value: Acc } | undefined
  roles: string[]
  chunkSize: number
  concurrency: number | undefined
  maxAttempts: number
  ordered: boolean
  chunkTimeout: number
  signal: AbortSignal | undefined
  onProgress: MapReduceOptions['onProgress']
}

export function checkTaskName (name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_TASK_NAME) { throw new TaskNameError(name) }
  return name
}

export function resolveJobOptions<Acc> (task: unknown, source: unknown, options: MapReduceOptions<Acc> | undefined): ResolvedJobOptions<Acc> {
  checkTaskName(task)
  if (!isIterable(source)) { throw new MapReduceOptionError('source', 'must be an array, an iterable or an async iterable') }
  if (options != null && typeof options !== 'object') { throw new MapReduceOptionError('options', 'must be an object') }
  const given: MapReduceOptions<Acc> = options ?? {}
  const roles = given.roles ?? []
  if (!Array.isArray(roles) || !roles.every(role => typeof role === 'string' && role !== '')) {
    throw new MapReduceOptionError('roles', 'must be a list of role names')
  }
  if (given.ordered !== undefined && typeof given.ordered !== 'boolean') { throw new MapReduceOptionError('ordered', 'must be true or false') }
  if (given.signal !== undefined && !(given.signal instanceof AbortSignal)) { throw new MapReduceOptionError('signal', 'must be an AbortSignal') }
  if (given.onProgress !== undefined && typeof given.onProgress !== 'function') { throw new MapReduceOptionError('onProgress', 'must be a function') }
  return {
    initial: 'initial' in given && given.initial !== undefined ? { value: given.initial } : undefined,
    roles: [...roles],
    chunkSize: integer(given.chunkSize, DEFAULT_CHUNK_SIZE, Number.MAX_SAFE_INTEGER, 'chunkSize'),
    concurrency: given.concurrency === undefined ? undefined : integer(given.concurrency, 0, MAX_CONCURRENCY, 'concurrency'),
    maxAttempts: integer(given.maxAttempts, DEFAULT_MAX_ATTEMPTS, MAX_ATTEMPTS_LIMIT, 'maxAttempts'),
    ordered: given.ordered ?? false,
    chunkTimeout: positive(given.chunkTimeout, DEFAULT_CHUNK_TIMEOUT, MAX_TIMEOUT, 'chunkTimeout'),
    signal: given.signal,
    onProgress: given.onProgress
  }
}

/** A function task, or a thread task with its module, checked. */
export function checkTask (name: string, task: unknown, options: TaskOptions | undefined): TaskFunction | ThreadTask {
  if (options != null && typeof options !== 'object') { throw new TaskOptionError(name, 'options', 'must be an object') }
  if (typeof task === 'function') {
    const concurrency = options?.concurrency
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
      throw new TaskOptionError(name, 'concurrency', `must be an integer from 1 to ${MAX_CONCURRENCY}, not ${String(concurrency)}`)
    }
    return task as TaskFunction
  }
  if (task == null || typeof task !== 'object') { throw new TaskOptionError(name, 'task', 'must be a function or { module } for a thread task') }
  if (options?.concurrency !== undefined) {
    throw new TaskOptionError(name, 'concurrency', 'applies to function tasks: a thread task runs one chunk per thread (set threads)')
  }
  return checkThreadTask(name, task as ThreadTask)
}

function checkThreadTask (name: string, thread: ThreadTask): ThreadTask {
  if (!(thread.module instanceof URL) && (typeof thread.module !== 'string' || thread.module === '')) {
    throw new TaskOptionError(name, 'module', 'must be the path or file URL of the module that exports the task')
  }
  if (thread.export !== undefined && (typeof thread.export !== 'string' || thread.export === '')) {
    throw new TaskOptionError(name, 'export', 'must be the name of an export of the module')
  }
  if (thread.threads !== undefined && (!Number.isInteger(thread.threads) || thread.threads < 1 || thread.threads > MAX_CONCURRENCY)) {
    throw new TaskOptionError(name, 'threads', `must be an integer from 1 to ${MAX_CONCURRENCY}, not ${String(thread.threads)}`)
  }
  return thread
}

function isIterable (value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  return value != null && (typeof (value as any)[Symbol.iterator] === 'function' || typeof (value as any)[Symbol.asyncIterator] === 'function')
}

function integer (value: unknown, fallback: number, max: number, option: string): number {
  if (value === undefined) { return fallback }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new MapReduceOptionError(option, `must be a positive integer (at most ${max}), not ${String(value)}`)
  }
  return value
}

function positive (value: unknown, fallback: number, max: number, option: string): number {
  if (value === undefined) { return fallback }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new MapReduceOptionError(option, `must be a positive number of ms (at most ${max}), not ${String(value)}`)
  }
  return value
}
