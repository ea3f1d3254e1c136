// Errors of map-reduce jobs and tasks, named so callers can branch on `.name`.

/** The longest task name: names travel in every chunk's message. */
export const MAX_TASK_NAME = 256

/** A task name that is not a string of 1 to 256 characters. */
export class TaskNameError extends TypeError {
  static readonly name = 'TaskNameError'

  constructor (name: unknown) {
    super(`a task name is a string of 1 to ${MAX_TASK_NAME} characters, not ${describe(name)}`)
    this.name = 'TaskNameError'
  }
}

/** A task definition or its options are wrong. */
export class TaskOptionError extends TypeError {
  static readonly name = 'TaskOptionError'
  readonly task: string
  readonly option: string

  constructor (task: string, option: string, message: string) {
    super(`task "${task}": ${option} ${message}`)
    this.name = 'TaskOptionError'
    this.task = task
    this.option = option
  }
}

/** An option of mapReduce is wrong: nothing was read from the source nor sent. */
export class MapReduceOptionError extends TypeError {
  static readonly name = 'MapReduceOptionError'
  readonly option: string

  constructor (option: string, message: string) {
    super(`mapReduce: ${option} ${message}`)
    this.name = 'MapReduceOptionError'
    this.option = option
  }
}

/** No active member with the job's roles has the task registered: register it on the nodes that may run it. */
export class TaskNotFoundError extends Error {
  static readonly name = 'TaskNotFoundError'
  readonly task: string
  readonly roles: string[]

  constructor (task: string, roles: string[], asked: number) {
    const who = roles.length > 0 ? `with the roles ${roles.join(', ')}` : 'of the cluster'
    super(`no active member ${who} has the task "${task}" (${asked} asked): call cluster.task('${task}', ...) on the nodes that may run it`)
    this.name = 'TaskNotFoundError'
    this.task = task
    this.roles = roles
  }
}

/** A chunk failed: an error the task threw that is not retryable, or its last allowed attempt failed. */
export class TaskFailedError extends Error {
  static readonly name = 'TaskFailedError'
  readonly task: string
  readonly job: string
  /** the chunk's index, from 0 */
  readonly chunk: number
  /** the index in the source of the chunk's first item */
  readonly first: number
  /** tries of the chunk, the failed one included */
  readonly attempts: number
  /** the member the last try ran on */
  readonly node: string

  constructor (fields: { task: string, job: string, chunk: number, first: number, attempts: number, node: string }, cause: Error) {
    const tries = fields.attempts === 1 ? '1 attempt' : `${fields.attempts} attempts`
    super(`task "${fields.task}" failed on chunk ${fields.chunk} (items from index ${fields.first}) after ${tries}, last on node ${fields.node}: ${cause.name}: ${cause.message}`, { cause })
    this.name = 'TaskFailedError'
    this.task = fields.task
    this.job = fields.job
    this.chunk = fields.chunk
    this.first = fields.first
    this.attempts = fields.attempts
    this.node = fields.node
  }
}

/** A chunk's items encode to more bytes than one message may carry. */
export class ChunkTooLargeError extends Error {
  static readonly name = 'ChunkTooLargeError'
  readonly chunk: number
  readonly size: number
  readonly limit: number

  constructor (chunk: number, items: number, size: number, limit: number) {
    super(`chunk ${chunk} (${items} items) is ${size} bytes encoded, more than the ${limit} bytes a message may carry (maxMessageSize): use a smaller chunkSize`)
    this.name = 'ChunkTooLargeError'
    this.chunk = chunk
    this.size = size
    this.limit = limit
  }
}

/** Every member running the job left the cluster, and no member left has the task. */
export class NoWorkersLeftError extends Error {
  static readonly name = 'NoWorkersLeftError'
  readonly task: string

  constructor (task: string, left: string[]) {
    super(`every member running task "${task}" left the cluster (${left.join(', ')}), and no member left has the task`)
    this.name = 'NoWorkersLeftError'
    this.task = task
  }
}

/**
 * Thrown by a task for a failure worth another try, on any member: a flaky dependency, a resource busy for now. Any
 * error with `retryable: true` counts alike; other errors fail the job at once.
 */
export class RetryableTaskError extends Error {
  static readonly name = 'RetryableTaskError'
  readonly retryable = true

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'RetryableTaskError'
  }
}

function describe (value: unknown): string {
  if (typeof value === 'string') { return value === '' ? 'an empty string' : `a string of ${value.length} characters` }
  return value === null ? 'null' : typeof value
}
