// A thread task's pool of worker threads (piscina), made when its first chunk runs and destroyed when the node stops;
// an aborted chunk's thread is terminated, whatever it was doing.
import { TaskOptionError } from './errors.ts'
import type { ThreadTask } from './index.ts'
import type { Logger } from '@libp2p/interface'
import type { Piscina } from 'piscina'

/**
 * piscina is imported by name at run time, never statically: a browser bundle of the library must not reach Node's
 * worker_threads, and only a node that runs a thread task needs the package loaded
 */
const PISCINA_PACKAGE = 'piscina'
/** threads where the platform does not say how many cores it has */
const FALLBACK_THREADS = 2
const SECOND = 1000
/** a thread idle this long ends: threads stay warm between a job's chunks, and an idle node holds none */
const IDLE_THREAD_TIMEOUT = 10 * SECOND

export class ThreadRunner {
  readonly threads: number
  private readonly task: string
  private readonly filename: string
  private readonly exportName: string
  private readonly log: Logger
  private pool: Promise<Piscina> | undefined
  private destroyed = false

  constructor (task: string, definition: ThreadTask, log: Logger) {
    this.task = task
    this.filename = definition.module instanceof URL ? definition.module.href : definition.module
    this.exportName = definition.export ?? 'default'
    this.threads = definition.threads ?? (globalThis.navigator?.hardwareConcurrency ?? FALLBACK_THREADS)
    this.log = log
  }

  /** Runs the export on one chunk's items in a thread; an abort of `signal` terminates that thread. */
  async run (items: unknown[], signal: AbortSignal): Promise<unknown> {
    if (this.destroyed) { throw new Error(`the thread pool of task "${this.task}" is closed: the node is stopping`) }
    const pool = await this.poolOf()
    if (this.destroyed) { throw new Error(`the thread pool of task "${this.task}" is closed: the node is stopping`) }
    try {
      return await pool.run(items, { signal, name: this.exportName })
    } catch (err: any) {
      // piscina's own message names the module, not the export the task asked for
      if (typeof err?.message === 'string' && err.message.startsWith('No handler function exported')) {
        throw new TaskOptionError(this.task, 'export', `names no function the module exports: ${this.exportName} (module ${this.filename})`)
      }
      throw err
    }
  }

  /** Terminates every thread now, aborting what they run; `graceful` lets chunks running finish first. */
  async destroy (graceful = false): Promise<void> {
    this.destroyed = true
    const pool = this.pool
    this.pool = undefined
    if (pool == null) { return }
    try {
      const made = await pool
      await (graceful ? made.close() : made.destroy())
    } catch (err: any) {
      this.log('closing the thread pool of task %s failed - %e', this.task, err)
    }
  }

  private async poolOf (): Promise<Piscina> {
    this.pool ??= (async () => {
      const { Piscina: Pool } = await import(PISCINA_PACKAGE) as typeof import('piscina')
      const pool = new Pool({ filename: this.filename, maxThreads: this.threads, minThreads: 0, idleTimeout: IDLE_THREAD_TIMEOUT })
      // piscina emits 'error' when an aborted thread's answer races its termination; unheard, it would crash the process
      pool.on('error', (err: Error) => { this.log('thread pool of task %s - %e', this.task, err) })
      return pool
    })()
    return this.pool
  }
}
