// Map-reduce over the cluster: tasks registered by name on the nodes that may run them, chunks of a source pulled by
// those nodes as they finish the last ones, each chunk's result reduced exactly once on the node that runs the job.

/** What a task is handed with each chunk, beside its items. */
export interface TaskContext {
  /** aborted when the job is cancelled, fails, or its coordinator leaves the cluster */
  signal: AbortSignal
  /** the job's id */
  job: string
  /** the chunk's index in the source, from 0 */
  chunk: number
  /** 1 on the first try of this chunk */
  attempt: number
}

/** A task that runs on the node's event loop, several chunks at once: for I/O-bound work. */
export type TaskFunction<Item = any, Result = any> = (items: Item[], context: TaskContext) => Result | Promise<Result>

/**
 * A task that runs in a pool of worker threads on each node (piscina): for CPU-bound work. The module's export is
 * called with the chunk's items (an array) and returns the chunk's result, or a promise of it.
 */
export interface ThreadTask {
  /** the module's absolute path or file URL (`new URL('./task.js', import.meta.url)`) */
  module: string | URL
  /** the export to call (default 'default') */
  export?: string
  /** threads in the pool (default: the machine's cores); a member runs this many chunks at once */
  threads?: number
}

export interface TaskOptions {
  /** chunks of a function task run at once on this node (default 8); a thread task runs one per thread */
  concurrency?: number
}

/** One chunk's place in the source, handed to `reduce` beside its result. */
export interface ChunkInfo {
  /** the chunk's index, from 0 */
  index: number
  /** the index in the source of its first item */
  first: number
  /** how many items it holds */
  size: number
  /** the member that ran it */
  node: string
}

/** How a job stands: running, or how it ended. */
export type JobState = 'running' | 'done' | 'failed' | 'cancelled'

export interface JobProgress {
  job: string
  task: string
  /** running, or how the job ended: kept a while after the end for the dashboard */
  state: JobState
  /** chunks reduced */
  done: number
  /** chunks sent to a member and not answered yet */
  inFlight: number
  /** tries of a chunk after a failed one (its member lost, or a retryable error) */
  retried: number
  /** items read from the source so far */
  items: number
  /** members running the task for this job now */
  workers: number
  /** true once the source is read to its end: `done` is then the number of chunks there are */
  sourceEnded: boolean
}

export interface MapReduceOptions<Acc = any> {
  /** the first accumulator; without it, the first chunk result reduced becomes it */
  initial?: Acc
  /** only members with every one of these roles run the task */
  roles?: string[]
  /** items per chunk (default 100) */
  chunkSize?: number
  /** chunks each member holds at once (default: the member's own capacity for the task, plus one) */
  concurrency?: number
  /**
   * tries of one chunk, the first included, before the job fails (default 3). A chunk is tried again, on any member,
   * when its member is lost, it times out, or the task throws an error with `retryable: true` (a
   * {@link RetryableTaskError}); any other error of the task fails the job at once
   */
  maxAttempts?: number
  /** reduce results in chunk order rather than as they arrive (default false) */
  ordered?: boolean
  /** ms one try of a chunk may take before it is given up and tried again (default 5 minutes) */
  chunkTimeout?: number
  /** cancels the job: every member's work stops and the promise rejects with AbortError */
  signal?: AbortSignal
  /** called as chunks are sent, finished and retried: at most every 100 ms, and once more when the job ends */
  onProgress?(progress: JobProgress): void
}

/** Folds one chunk's result into the accumulator; runs on the node that called mapReduce, once per chunk. */
export type Reducer<Acc, Result> = (accumulator: Acc, result: Result, chunk: ChunkInfo) => Acc
