// One map-reduce job on the node that called mapReduce: offers it to the members with the roles, hands each member
// that took it the next chunk whenever it has room, sends a lost member's chunks elsewhere at once, and folds every
// chunk's result into the accumulator exactly once.
import { AbortError, NodeDownError } from '../messaging/errors.ts'
import { outcomeOfAnswer, outcomeOfCallError } from './chunk-outcome.ts'
import { ChunkSource } from './chunk-source.ts'
import { ChunkTooLargeError, NoWorkersLeftError, TaskFailedError, TaskNotFoundError } from './errors.ts'
import { JobWorkers } from './job-workers.ts'
import { ProgressThrottle } from './progress-throttle.ts'
import { Reduction } from './reduction.ts'
import type { ChunkOutcome } from './chunk-outcome.ts'
import type { Chunk } from './chunk-source.ts'
import type { CoordinatorLink } from './coordinator-link.ts'
import type { JobProgress, JobState, Reducer } from './index.ts'
import type { ResolvedJobOptions } from './job-options.ts'
import type { Worker } from './job-workers.ts'

/** One try of one chunk on one member: an answer for any other try of the chunk is stale and dropped. */
interface Flight {
  chunk: Chunk
  worker: string
}

export class JobCoordinator<Item, Result, Acc> {
  readonly job: string
  readonly task: string
  readonly result: Promise<Acc>
  private state: JobState = 'running'
  private readonly link: CoordinatorLink
  private readonly options: ResolvedJobOptions<Acc>
  private readonly source: ChunkSource<Item>
  private readonly reduction: Reduction<Acc, Result>
  private readonly progress: ProgressThrottle
  /** ends every call of the job in flight when it finishes */
  private readonly calls = new AbortController()
  private readonly workers: JobWorkers
  private readonly sentTo = new Set<string>()
  /** chunks to send again, lowest index first */
  private readonly queue: Chunk[] = []
  private readonly inFlight = new Map<number, Flight>()
  private retried = 0
  private pumping = false
  private pumpAgain = false
  private settle!: { resolve(value: Acc): void, reject(err: Error): void }
  private readonly onAbort = (): void => { this.finish('cancelled', new AbortError(this.options.signal?.reason)) }

  constructor (link: CoordinatorLink, job: string, task: string, source: Iterable<Item> | AsyncIterable<Item>, reduce: Reducer<Acc, Result>, options: ResolvedJobOptions<Acc>) {
    this.link = link
    this.job = job
    this.task = task
    this.options = options
    this.result = new Promise<Acc>((resolve, reject) => { this.settle = { resolve, reject } })
    this.source = new ChunkSource(source, options.chunkSize, (items, index) => {
      const bytes = link.encode(items)
      if (bytes.byteLength > link.maxChunkBytes) { throw new ChunkTooLargeError(index, items.length, bytes.byteLength, link.maxChunkBytes) }
      return bytes
    })
    this.reduction = new Reduction(reduce, options.initial, options.ordered)
    this.progress = new ProgressThrottle(() => this.snapshot(), options.onProgress, link.log)
    this.workers = new JobWorkers(link, {
      job,
      task,
      roles: options.roles,
      concurrency: options.concurrency,
      signal: this.calls.signal,
      onReady: () => {
        this.changed()
        this.pump()
      },
      onAnswer: () => { this.checkWorkers() }
    })
  }

  get running (): boolean {
    return this.state === 'running'
  }

  start (): void {
    const { signal, roles } = this.options
    if (signal?.aborted === true) {
      this.onAbort()
      return
    }
    signal?.addEventListener('abort', this.onAbort, { once: true })
    const candidates = this.link.candidates(roles)
    if (candidates.length === 0) {
      this.finish('failed', new TaskNotFoundError(this.task, roles, 0))
      return
    }
    for (const node of candidates) { this.workers.offer(node) }
    // the first chunk is read at once: an empty source ends the job without a worker, a bad one fails it early
    this.pump()
  }

  snapshot (): JobProgress {
    return {
      job: this.job,
      task: this.task,
      state: this.state,
      done: this.reduction.done,
      inFlight: this.inFlight.size,
      retried: this.retried,
      items: this.source.items,
      workers: this.workers.active,
      sourceEnded: this.source.ended
    }
  }

  /** A member joined: it is offered the job when it has the roles. */
  memberJoined (member: { id: string, roles: string[] }): void {
    if (this.running) { this.workers.joined(member) }
  }

  /** A member left: its chunks go back to the front of the queue now, not when their calls fail. */
  memberLeft (id: string): void {
    const worker = this.workers.left(id)
    if (worker === undefined || !this.running) { return }
    for (const index of [...worker.running]) {
      const flight = this.inFlight.get(index)
      if (flight !== undefined) { this.retry(flight, new NodeDownError(id)) }
    }
    this.changed()
    this.checkWorkers()
    this.pump()
  }

  /** The node stops: the job is cancelled. */
  abort (reason: string): void {
    this.finish('cancelled', new AbortError(new Error(reason)))
  }

  /** No worker left and no offer out: nobody will run the chunks left. */
  private checkWorkers (): void {
    if (!this.running || this.workers.size > 0 || this.workers.pending > 0) { return }
    this.fail(this.workers.lost.length > 0 ? new NoWorkersLeftError(this.task, this.workers.lost) : new TaskNotFoundError(this.task, this.options.roles, this.workers.asked))
  }

  /** Hands out chunks while a worker has room; one pass at a time, since reading an async source awaits. */
  private pump (): void {
    if (this.pumping) {
      this.pumpAgain = true
      return
    }
    this.pumping = true
    this.pumpAgain = false
    this.fill().catch((err: any) => { this.fail(err) }).finally(() => {
      this.pumping = false
      if (this.pumpAgain && this.running) { this.pump() }
    })
  }

  private async fill (): Promise<void> {
    while (this.running) {
      let worker = this.workers.free()
      if (worker === undefined && (this.source.chunks > 0 || this.source.ended)) { return }
      let chunk = this.queue.shift()
      if (chunk === undefined) {
        chunk = await this.source.next()
        if (!this.running) { return }
        if (chunk === undefined) {
          this.maybeComplete()
          return
        }
        this.changed()
      }
      // the read may have awaited: the worker may be gone or full by now
      worker = worker !== undefined && this.workers.hasRoom(worker) ? worker : this.workers.free()
      if (worker === undefined) {
        this.requeue(chunk)
        return
      }
      this.send(chunk, worker)
    }
  }

  private send (chunk: Chunk, worker: Worker): void {
    chunk.attempts++
    const flight: Flight = { chunk, worker: worker.id }
    this.inFlight.set(chunk.index, flight)
    worker.running.add(chunk.index)
    this.sentTo.add(worker.id)
    this.changed()
    const run = { job: this.job, chunk: chunk.index, attempt: chunk.attempts, task: this.task, items: chunk.bytes }
    this.link.call(worker.id, { run }, { timeout: this.options.chunkTimeout, signal: this.calls.signal }).then(
      (answer) => { this.tried(flight, outcomeOfAnswer(answer)) },
      (err: any) => { this.tried(flight, outcomeOfCallError(err)) }
    ).catch((err: any) => { this.fail(err) })
  }

  /** One try of a chunk came to `outcome`: its result is folded in, or it is tried again, or the job fails. */
  private tried (flight: Flight, outcome: ChunkOutcome): void {
    if (!this.release(flight)) { return }
    const { chunk, worker } = flight
    if (outcome.worker === 'remove') { this.workers.remove(worker) }
    const benched = outcome.worker === 'bench' ? this.workers.get(worker) : undefined
    if (benched !== undefined) { this.workers.bench(benched) }
    switch (outcome.kind) {
      case 'result':
        this.reduction.accept(outcome.value as Result, { index: chunk.index, first: chunk.first, size: chunk.size, node: worker })
        this.changed()
        this.maybeComplete()
        break
      case 'retry':
        if (outcome.cancel) { this.link.send(worker, { cancel: this.job, chunk: chunk.index }) }
        this.retry(flight, outcome.cause)
        break
      case 'fail':
        this.failChunk(flight, outcome.cause)
        break
      default:
        // refused: the member did not run it
        this.link.log('job %s: %s refused chunk %d: %s', this.job, worker, chunk.index, outcome.reason)
        chunk.attempts--
        this.requeue(chunk)
        break
    }
    this.checkWorkers()
    this.pump()
  }

  /** Ends a try: false when it is not the chunk's current try (late, or the job is over). */
  private release (flight: Flight): boolean {
    const index = flight.chunk.index
    if (!this.running || this.inFlight.get(index) !== flight) { return false }
    this.inFlight.delete(index)
    this.workers.get(flight.worker)?.running.delete(index)
    return true
  }

  private retry (flight: Flight, cause: Error): void {
    this.inFlight.delete(flight.chunk.index)
    // a lost member's other chunks, after one of them used its last try and failed the job
    if (!this.running) { return }
    if (flight.chunk.attempts >= this.options.maxAttempts) {
      this.failChunk(flight, cause)
      return
    }
    this.retried++
    this.requeue(flight.chunk)
    this.changed()
  }

  private requeue (chunk: Chunk): void {
    const at = this.queue.findIndex(queued => queued.index > chunk.index)
    this.queue.splice(at === -1 ? this.queue.length : at, 0, chunk)
  }

  private failChunk ({ chunk, worker }: Flight, cause: Error): void {
    this.fail(new TaskFailedError({ task: this.task, job: this.job, chunk: chunk.index, first: chunk.first, attempts: chunk.attempts, node: worker }, cause))
  }

  private fail (err: Error): void {
    this.finish('failed', err)
  }

  private maybeComplete (): void {
    if (!this.running || !this.source.ended || this.reduction.done !== this.source.chunks) { return }
    let value: Acc
    try {
      value = this.reduction.result()
    } catch (err: any) {
      this.fail(err)
      return
    }
    this.finish('done', undefined, value)
  }

  private changed (): void {
    this.progress.changed()
  }

  private finish (state: JobState, err?: Error, value?: Acc): void {
    if (!this.running) { return }
    this.state = state
    this.options.signal?.removeEventListener('abort', this.onAbort)
    this.calls.abort()
    this.workers.close()
    this.source.close()
    if (state !== 'done') {
      // the members stop what they run for the job rather than finish work nobody waits for
      for (const node of this.sentTo) { if (this.link.isActive(node)) { this.link.send(node, { cancel: this.job }) } }
    }
    this.queue.length = 0
    this.inFlight.clear()
    this.progress.end()
    if (err === undefined) { this.settle.resolve(value as Acc) } else { this.settle.reject(err) }
  }
}
