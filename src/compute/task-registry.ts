// The tasks registered on this node by name, and how one chunk of each runs: a function task on the event loop,
// at most its concurrency at once; a thread task in its pool of worker threads.
import pLimit from 'p-limit'
import { DEFAULT_TASK_CONCURRENCY, checkTask, checkTaskName } from './job-options.ts'
import { ThreadRunner } from './thread-runner.ts'
import type { TaskContext, TaskFunction, TaskOptions, ThreadTask } from './index.ts'
import type { Logger } from '@libp2p/interface'

interface RegisteredTask {
  /** chunks this node runs at once, told to coordinators when they offer a job */
  capacity: number
  run(items: unknown[], context: TaskContext): Promise<unknown>
  /** lets go of its threads: `graceful` lets the chunks running finish, else they are terminated */
  close(graceful: boolean): Promise<void>
}

export class TaskRegistry {
  private readonly tasks = new Map<string, RegisteredTask>()
  private readonly log: Logger

  constructor (log: Logger) {
    this.log = log
  }

  /** Registers a task, or replaces the one of that name: chunks it runs now finish as they were. */
  register (name: string, task: TaskFunction | ThreadTask, options?: TaskOptions): void {
    checkTaskName(name)
    const checked = checkTask(name, task, options)
    const registered = typeof checked === 'function'
      ? functionTask(checked, options?.concurrency ?? DEFAULT_TASK_CONCURRENCY)
      : threadTask(new ThreadRunner(name, checked, this.log))
    const replaced = this.tasks.get(name)
    this.tasks.set(name, registered)
    void replaced?.close(true)
  }

  has (name: string): boolean {
    return this.tasks.has(name)
  }

  /** chunks of the task this node runs at once; 0 when it has no such task */
  capacity (name: string): number {
    return this.tasks.get(name)?.capacity ?? 0
  }

  /** Runs one chunk; undefined when no task has the name (the caller refuses the chunk). */
  run (name: string, items: unknown[], context: TaskContext): Promise<unknown> | undefined {
    return this.tasks.get(name)?.run(items, context)
  }

  /** Ends every thread pool, aborting what runs in them: the node is stopping. */
  async closeAll (): Promise<void> {
    const tasks = [...this.tasks.values()]
    await Promise.all(tasks.map(async task => { await task.close(false) }))
  }
}

function functionTask (fn: TaskFunction, concurrency: number): RegisteredTask {
  // one limit per task across every job and coordinator: the node's share of the work, whoever asks for it
  const limit = pLimit(concurrency)
  return {
    capacity: concurrency,
    run: async (items, context) => limit(async () => {
      // a chunk cancelled while it waited for its turn never starts
      context.signal.throwIfAborted()
      return fn(items, context)
    }),
    // its chunks end by their signals: those waiting for their turn then never start
    close: async () => {}
  }
}

function threadTask (runner: ThreadRunner): RegisteredTask {
  return {
    capacity: runner.threads,
    run: async (items, context) => runner.run(items, context.signal),
    close: async (graceful) => { await runner.destroy(graceful) }
  }
}
