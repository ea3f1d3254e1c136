// One Foundation node: the Cluster API, answered through the parts NodeCore builds and runs.
import { ActorNotFoundError } from '../actors/errors.ts'
import { NodeCore } from './node-core.ts'
import { distributedNameOf } from './router.ts'
import type { CallOptions, Cluster, MigrateOptions, Target } from './index.ts'
import type { ActorClass, ActorRef, SpawnOptions } from '../actors/index.ts'
import type { RouteOptions } from '../balancing/index.ts'
import type { Cache, CacheOptions } from '../cache/index.ts'
import type { MapReduceOptions, Reducer, TaskFunction, TaskOptions, ThreadTask } from '../compute/index.ts'
import type { Channel } from '../messaging/channels/index.ts'
import type { PubSub } from '../messaging/pubsub/index.ts'
import type { ClusterDebug, DebugClusterOptions } from '../observability/debug/index.ts'
import type { Traced, TraceRequestOptions, TraceResult } from '../observability/tracing/index.ts'
import type { Supervisor, SupervisorSpec } from '../supervision/index.ts'

export class FoundationNode extends NodeCore implements Cluster {
  get pubsub (): PubSub {
    return this.gossip
  }

  async spawn<Args extends unknown[]>(actor: ActorClass<any, Args>, options: SpawnOptions<Args> = {}): Promise<ActorRef> {
    this.assertRunning()
    if (options.distribute === true) { return this.distribution.spawn(actor, options.name, options.args ?? [], options) }
    const cell = await this.actors.spawn(actor, options.args ?? [], options.name)
    if (options.name != null) {
      try {
        await this.names.register(options.name, cell.ref, { signal: options.signal, visible: options.visible })
      } catch (err) {
        await this.actors.stop(cell.ref.id)
        throw err
      }
    }
    return cell.ref
  }

  channel (name: string): Channel {
    return this.channels.get(name)
  }

  cache<V = unknown>(name: string, options?: CacheOptions): Cache<V> {
    return this.caches.open<V>(name, options)
  }

  task<Item = any, Result = any>(name: string, task: TaskFunction<Item, Result> | ThreadTask, options?: TaskOptions): void {
    this.compute.task(name, task, options)
  }

  async mapReduce<Item, Result, Acc>(source: Iterable<Item> | AsyncIterable<Item>, task: string, reduce: Reducer<Acc, Result>, options?: MapReduceOptions<Acc>): Promise<Acc> {
    this.assertRunning()
    return this.compute.mapReduce(source, task, reduce, options)
  }

  define (actor: ActorClass, type?: string): void {
    this.distribution.define(actor, type)
  }

  async migrate (target: Target, options: MigrateOptions): Promise<ActorRef> {
    this.assertRunning()
    if (typeof target === 'string') { return this.distribution.migrate(target, options.to, options.signal) }
    const name = distributedNameOf(target)
    if (name == null) { throw new ActorNotFoundError(`distributed actor ${target.node}/${target.id} (only distributed actors move)`) }
    return this.distribution.migrate(name, options.to, options.signal)
  }

  async supervise (spec: SupervisorSpec): Promise<Supervisor> {
    this.assertRunning()
    return this.supervisors.supervise(spec)
  }

  async stopActor (target: Target): Promise<void> {
    await this.router.stopActor(target)
  }

  send (target: Target, message: unknown): void {
    this.assertRunning()
    this.router.send(target, message)
  }

  async call<Reply = unknown>(target: Target, message: unknown, options: CallOptions = {}): Promise<Reply> {
    this.assertRunning()
    return this.router.call<Reply>(target, message, options)
  }

  sendToCluster (cluster: string, target: Target, message: unknown): void {
    this.assertRunning()
    this.crossCluster.sendToCluster(cluster, target, message)
  }

  async callCluster<Reply = unknown>(cluster: string, target: Target, message: unknown, options: CallOptions = {}): Promise<Reply> {
    this.assertRunning()
    return this.crossCluster.callCluster<Reply>(cluster, target, message, options)
  }

  async route<Reply = unknown>(service: string, message: unknown, options: RouteOptions = {}): Promise<Reply> {
    this.assertRunning()
    return this.balancer.route<Reply>(service, message, options)
  }

  async lookup (name: string, options: { signal?: AbortSignal } = {}): Promise<ActorRef | undefined> {
    return this.router.lookup(name, options)
  }

  async debugCluster (options: DebugClusterOptions = {}): Promise<ClusterDebug> {
    this.assertRunning()
    return this.debug.cluster(options)
  }

  async trace<T>(name: string, fn: () => T | Promise<T>): Promise<Traced<T>> {
    if (this.tracing === undefined) { return { traceId: undefined, value: await fn() } }
    return this.tracing.trace(name, fn)
  }

  async traceRequest (traceId: string, options: TraceRequestOptions = {}): Promise<TraceResult> {
    this.assertRunning()
    return this.traces.request(traceId, options)
  }
}
