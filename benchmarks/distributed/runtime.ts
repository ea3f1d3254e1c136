// The distributed part of the Cluster API the failover and handoff benchmarks drive, checked at run time, so
// that the harness runs (and says what is missing) on a build without it.
import type { ActorClass, ActorRef, Cluster } from '../../src/index.ts'

export interface DistributedSpawnOptions {
  name: string
  distribute: true
  args?: unknown[]
  signal?: AbortSignal
}

export interface DistributedCluster {
  /** every node defines the actor types it may host */
  define(actor: ActorClass): unknown
  /** places the actor on some member; resolves with its ref ({ node, id: '~name' }) */
  spawn(actor: ActorClass, options: DistributedSpawnOptions): Promise<ActorRef>
  /** routed to the current holder of the name */
  call<Reply = unknown>(target: string, message: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<Reply>
  lookup(name: string): Promise<ActorRef | undefined>
  /** graceful: hands every distributed actor, with its state, to other members */
  stop(): Promise<void>
}

export class DistributedRuntimeMissingError extends Error {
  constructor () {
    super('this build has no distributed runtime: cluster.define is not a function')
    this.name = 'DistributedRuntimeMissingError'
  }
}

/** The cluster as a DistributedCluster when this build has the runtime, else undefined. */
export function distributedOf (cluster: Cluster): DistributedCluster | undefined {
  const candidate = cluster as unknown as Partial<DistributedCluster>
  return typeof candidate.define === 'function' ? cluster as unknown as DistributedCluster : undefined
}
