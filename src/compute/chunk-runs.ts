// The worker's side of map-reduce: answers coordinators' offers with this node's capacity, runs the chunks they send,
// and aborts them when their coordinator cancels the job, gives a chunk up, leaves the cluster, or this node stops.
import { AbortError } from '../messaging/errors.ts'
import { Codec } from '../wire/codec.ts'
import { toWireTaskError, validateItems } from './compute-wire.ts'
import type { OfferAnswer, RunAnswer, RunMessage } from './compute-wire.ts'
import type { TaskContext } from './index.ts'
import type { TaskRegistry } from './task-registry.ts'

/** the aborts of one job's runs, by chunk index (a chunk may run twice here: a retry after a timeout) */
type JobRuns = Map<number, Set<AbortController>>

export class ChunkRuns {
  private readonly registry: TaskRegistry
  private readonly codec = new Codec()
  /** runs in progress by coordinator, then job: a coordinator can reach only its own jobs */
  private readonly byCoordinator = new Map<string, Map<string, JobRuns>>()
  private stopped = false

  constructor (registry: TaskRegistry) {
    this.registry = registry
  }

  /** chunks of every job running on this node now */
  get running (): number {
    let count = 0
    for (const jobs of this.byCoordinator.values()) {
      for (const runs of jobs.values()) {
        for (const controllers of runs.values()) { count += controllers.size }
      }
    }
    return count
  }

  offer (task: string): OfferAnswer {
    return { capacity: this.stopped ? 0 : this.registry.capacity(task) }
  }

  /** Runs one try of a chunk: its result, the task's error, or a refusal; an abort answers at once. */
  async run (run: RunMessage['run'], coordinator: string): Promise<RunAnswer> {
    if (this.stopped) { return { refused: 'the node is stopping' } }
    if (!this.registry.has(run.task)) { return { refused: `task "${run.task}" is not registered here` } }
    const items = validateItems(this.codec.decode(run.items))
    const controller = new AbortController()
    const { signal } = controller
    const release = this.track(coordinator, run.job, run.chunk, controller)
    const context: TaskContext = { signal, job: run.job, chunk: run.chunk, attempt: run.attempt }
    try {
      const running = this.registry.run(run.task, items, context)
      if (running == null) { return { refused: `task "${run.task}" is not registered here` } }
      const finished = running.then(
        (result): RunAnswer => ({ result: result ?? null }),
        (err: unknown): RunAnswer => ({ error: toWireTaskError(signal.aborted ? new AbortError(signal.reason) : err) })
      )
      // a task that does not heed its signal keeps running; its answer, when it comes, is dropped
      const aborted = new Promise<RunAnswer>(resolve => {
        const answer = (): void => { resolve({ error: { ...toWireTaskError(new AbortError(signal.reason)), retryable: true } }) }
        if (signal.aborted) { answer() } else { signal.addEventListener('abort', answer, { once: true }) }
      })
      return await Promise.race([finished, aborted])
    } finally {
      release()
    }
  }

  /** Aborts the coordinator's runs of the job, or of one chunk of it. */
  cancel (coordinator: string, job: string, chunk?: number): void {
    const runs = this.byCoordinator.get(coordinator)?.get(job)
    if (runs == null) { return }
    for (const [index, controllers] of runs) {
      if (chunk === undefined || chunk === index) { abortAll(controllers, 'the coordinator cancelled the run') }
    }
  }

  /** The coordinator left the cluster: nobody waits for its jobs' results any more. */
  coordinatorLeft (coordinator: string, reason = 'the coordinator left the cluster'): void {
    for (const runs of [...this.byCoordinator.get(coordinator)?.values() ?? []]) {
      for (const controllers of [...runs.values()]) { abortAll(controllers, reason) }
    }
  }

  /** Aborts every run, and refuses those that come later. */
  stop (): void {
    this.stopped = true
    for (const coordinator of [...this.byCoordinator.keys()]) { this.coordinatorLeft(coordinator, 'the node stopped') }
  }

  private track (coordinator: string, job: string, chunk: number, controller: AbortController): () => void {
    let jobs = this.byCoordinator.get(coordinator)
    if (jobs == null) { this.byCoordinator.set(coordinator, jobs = new Map()) }
    let runs = jobs.get(job)
    if (runs == null) { jobs.set(job, runs = new Map()) }
    let controllers = runs.get(chunk)
    if (controllers == null) { runs.set(chunk, controllers = new Set()) }
    controllers.add(controller)
    return () => {
      controllers.delete(controller)
      if (controllers.size > 0) { return }
      runs.delete(chunk)
      if (runs.size > 0) { return }
      jobs.delete(job)
      if (jobs.size === 0) { this.byCoordinator.delete(coordinator) }
    }
  }
}

function abortAll (controllers: Set<AbortController>, reason: string): void {
  for (const controller of [...controllers]) { controller.abort(new AbortError(reason)) }
}
