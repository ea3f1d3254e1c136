// A node's map-reduce: the tasks registered here, the chunks it runs for coordinators (itself included), and the jobs
// it coordinates. It answers the '$compute' endpoint and follows the members: a worker lost gives its chunks back, a
// coordinator lost has its chunks here aborted, a member that joins is offered the jobs running.
import { AbortError, CallTimeoutError } from '../messaging/errors.ts'
import { Codec } from '../wire/codec.ts'
import { ChunkRuns } from './chunk-runs.ts'
import { COMPUTE_ENDPOINT, validateComputeMessage } from './compute-wire.ts'
import { MapReduceOptionError } from './errors.ts'
import { JobCoordinator } from './job-coordinator.ts'
import { resolveJobOptions } from './job-options.ts'
import { TaskRegistry } from './task-registry.ts'
import type { ComputeMessage } from './compute-wire.ts'
import type { CoordinatorLink } from './coordinator-link.ts'
import type { JobProgress, MapReduceOptions, Reducer, TaskFunction, TaskOptions, ThreadTask } from './index.ts'
import type { SystemEndpoints } from '../cluster/system-endpoints.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { Logger } from '@libp2p/interface'

/** finished jobs kept for jobs(), newest last: the dashboard shows how the last ones ended */
const FINISHED_KEPT = 10
/** room in a chunk's message for its envelope, the job id and the task name (256 characters, up to 4 bytes each) */
const ENVELOPE_ROOM = 2 * 1024

export interface ComputeServiceComponents {
  self: string
  membership: Pick<Membership, 'activeMembers' | 'isActive' | 'addEventListener' | 'removeEventListener'>
  messaging: {
    send(node: string, target: string, body: unknown): void
    call(node: string, target: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  }
  endpoints: Pick<SystemEndpoints, 'register' | 'unregister'>
  log: Logger
}

/** What the node's configuration sets for every job. */
export interface ComputeLimits {
  maxMessageSize: number
  /** how long a member has to answer an offer */
  callTimeout: number
}

export class ComputeService {
  private readonly components: ComputeServiceComponents
  private readonly registry: TaskRegistry
  private readonly runs: ChunkRuns
  private readonly link: CoordinatorLink
  private readonly codec = new Codec()
  private readonly coordinators = new Set<JobCoordinator<any, any, any>>()
  private readonly finished: JobProgress[] = []
  private running = false
  /** messages refused as malformed, for tests and metrics */
  invalidMessages = 0

  private readonly onJoin = (evt: CustomEvent<Member>): void => {
    for (const job of this.coordinators) { job.memberJoined(evt.detail) }
  }

  private readonly onLeave = (evt: CustomEvent<Member>): void => {
    const { id } = evt.detail
    this.runs.coordinatorLeft(id)
    for (const job of this.coordinators) { job.memberLeft(id) }
  }

  constructor (components: ComputeServiceComponents, limits: ComputeLimits) {
    this.components = components
    this.registry = new TaskRegistry(components.log)
    this.runs = new ChunkRuns(this.registry)
    const { self, membership } = components
    this.link = {
      self,
      log: components.log,
      call: async (node, message, options) => this.call(node, message, options),
      send: (node, message) => { this.send(node, message) },
      candidates: (roles) => membership.activeMembers().filter(member => roles.every(role => member.roles.includes(role))).map(member => member.id),
      isActive: (node) => node === self || membership.isActive(node),
      offerTimeout: limits.callTimeout,
      encode: (items) => this.codec.encode(items),
      maxChunkBytes: limits.maxMessageSize - ENVELOPE_ROOM
    }
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    this.components.endpoints.register(COMPUTE_ENDPOINT, {
      send: (_target, body, from) => {
        this.receive(body, from).catch(err => { this.components.log('dropped a compute message from %s - %e', from, err) })
        return true
      },
      call: async (_target, body, from) => this.receive(body, from)
    })
    this.components.membership.addEventListener('member:join', this.onJoin)
    this.components.membership.addEventListener('member:leave', this.onLeave)
  }

  /** Cancels the jobs this node coordinates, aborts the chunks it runs, and ends every thread pool. */
  async stop (): Promise<void> {
    if (!this.running) { return }
    this.running = false
    this.components.endpoints.unregister(COMPUTE_ENDPOINT)
    this.components.membership.removeEventListener('member:join', this.onJoin)
    this.components.membership.removeEventListener('member:leave', this.onLeave)
    for (const job of [...this.coordinators]) { job.abort('the node stopped') }
    this.runs.stop()
    await this.registry.closeAll()
  }

  /** Registers a task by name on this node, or replaces it (see Cluster.task). */
  task (name: string, task: TaskFunction | ThreadTask, options?: TaskOptions): void {
    this.registry.register(name, task, options)
  }

  /** Runs a job over the members with the task (see Cluster.mapReduce). */
  async mapReduce<Item, Result, Acc>(source: Iterable<Item> | AsyncIterable<Item>, task: string, reduce: Reducer<Acc, Result>, options?: MapReduceOptions<Acc>): Promise<Acc> {
    const resolved = resolveJobOptions(task, source, options)
    if (typeof reduce !== 'function') { throw new MapReduceOptionError('reduce', 'must be a function (accumulator, result, chunk) => accumulator') }
    if (!this.running) { throw new AbortError(new Error('compute is not running on this node')) }
    const job = new JobCoordinator<Item, Result, Acc>(this.link, jobId(), task, source, reduce, resolved)
    this.coordinators.add(job)
    try {
      job.start()
      return await job.result
    } finally {
      this.coordinators.delete(job)
      this.finished.push(job.snapshot())
      if (this.finished.length > FINISHED_KEPT) { this.finished.shift() }
    }
  }

  /** This node's jobs running now, then the last ones finished, newest last. */
  jobs (): JobProgress[] {
    return [...[...this.coordinators].map(job => job.snapshot()), ...this.finished]
  }

  /** chunks running on this node now, for every coordinator */
  chunksRunning (): number {
    return this.runs.running
  }

  private async receive (body: unknown, from: string): Promise<unknown> {
    let message: ComputeMessage
    try {
      message = validateComputeMessage(body)
    } catch (err) {
      this.invalidMessages++
      throw err
    }
    return this.handle(message, from)
  }

  private async handle (message: ComputeMessage, from: string): Promise<unknown> {
    if ('offer' in message) { return this.runs.offer(message.offer.task) }
    if ('run' in message) {
      try {
        return await this.runs.run(message.run, from)
      } catch (err) {
        // items that do not decode to a list: the message was malformed
        if ((err as Error).name === 'MalformedFrameError') { this.invalidMessages++ }
        throw err
      }
    }
    this.runs.cancel(from, message.cancel, message.chunk)
    return null
  }

  /**
   * A call to a member's endpoint. This node's own is answered in-process, under the same timeout and abort rules
   * as a remote call, and its answer copied through the codec: a chunk's result is the same data wherever it ran.
   */
  private async call (node: string, message: ComputeMessage, options: { timeout: number, signal: AbortSignal }): Promise<unknown> {
    if (node !== this.components.self) { return this.components.messaging.call(node, COMPUTE_ENDPOINT, message, options) }
    const { timeout, signal } = options
    if (signal.aborted) { throw new AbortError(signal.reason) }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { done(); reject(new CallTimeoutError(`${node}/${COMPUTE_ENDPOINT}`, timeout)) }, timeout)
      const onAbort = (): void => { done(); reject(new AbortError(signal.reason)) }
      const done = (): void => { clearTimeout(timer); signal.removeEventListener('abort', onAbort) }
      signal.addEventListener('abort', onAbort, { once: true })
      this.handle(message, node).then(
        (answer) => {
          done()
          try {
            resolve(this.codec.decode(this.codec.encode(answer)))
          } catch (err) {
            reject(err)
          }
        },
        (err) => { done(); reject(err) }
      )
    })
  }

  private send (node: string, message: ComputeMessage): void {
    if (node !== this.components.self) {
      this.components.messaging.send(node, COMPUTE_ENDPOINT, message)
      return
    }
    this.handle(message, node).catch(err => { this.components.log('a compute message to this node failed - %e', err) })
  }
}

/** 128 random bits in hex: getRandomValues, unlike randomUUID, is there in a page served over plain HTTP too */
function jobId (): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, byte => byte.toString(16).padStart(2, '0')).join('')
}
