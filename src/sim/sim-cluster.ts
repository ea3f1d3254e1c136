// A simulated cluster: nodes on one scheduler and one network, with the faults a test inflicts on them (crashes,
// graceful leaves, partitions and heals). Every run of a seed takes the same steps and prints the same trace hash.
import { SimNetwork } from './network.ts'
import { Scheduler } from './scheduler.ts'
import { SimNode } from './sim-node.ts'
import type { SimNetworkInit } from './network.ts'
import type { SimNodeInit } from './sim-node.ts'

export interface SimClusterInit extends SimNetworkInit {
  seed: number
}

export class SimCluster {
  readonly scheduler: Scheduler
  readonly network: SimNetwork
  private readonly nodes = new Map<string, SimNode>()

  constructor (init: SimClusterInit) {
    this.scheduler = new Scheduler(init.seed)
    this.network = new SimNetwork(this.scheduler, init)
  }

  get seed (): number {
    return this.scheduler.seed
  }

  /** The nodes that run now, in the order they were added. */
  up (): SimNode[] {
    return [...this.nodes.values()].filter(node => node.up)
  }

  node (id: string): SimNode {
    const node = this.nodes.get(id)
    if (node == null) { throw new Error(`no simulated node ${id}`) }
    return node
  }

  /** Adds and starts a node; it joins through `via`, or through the first node that runs. */
  add (init: SimNodeInit, via?: string): SimNode {
    if (this.nodes.has(init.id)) { throw new Error(`a simulated node ${init.id} exists already`) }
    const node = new SimNode({ scheduler: this.scheduler, network: this.network, node: (id) => this.nodes.get(id) }, init)
    this.nodes.set(init.id, node)
    this.network.attach(node)
    const seedNode = via ?? this.up().find(other => other !== node)?.id
    this.scheduler.trace(`add ${init.id}${seedNode != null ? ` via ${seedNode}` : ''}`)
    node.start(seedNode)
    return node
  }

  /** Kills a node: no goodbye, no handoff; the members connected to it see its connections close. */
  crash (id: string): void {
    this.scheduler.trace(`crash ${id}`)
    this.node(id).crash()
    for (const other of this.up()) {
      if (this.network.link(id, other.id)) { other.membership.connectionLost(id) }
    }
  }

  /** Stops a node gracefully; resolves once it is gone. */
  async leave (id: string): Promise<void> {
    this.scheduler.trace(`leave ${id}`)
    await this.settle(this.node(id).leave(), 60_000)
  }

  partition (a: readonly string[], b: readonly string[]): void {
    this.scheduler.trace(`partition ${a.join(',')} | ${b.join(',')}`)
    this.network.partition(a, b)
  }

  heal (): void {
    this.scheduler.trace('heal')
    this.network.heal()
  }

  async run (ms: number): Promise<void> {
    await this.scheduler.run(ms)
  }

  /** Runs until `done()` holds or `ms` of virtual time passed; answers whether it held. */
  async runUntil (done: () => boolean, ms: number): Promise<boolean> {
    return this.scheduler.runUntil(done, ms)
  }

  /** Runs the cluster until the promise settles, at most `ms` of virtual time; its value, or its error. */
  async settle<T> (promise: Promise<T>, ms: number): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined
    promise.then(value => { outcome = { value } }, (error: unknown) => { outcome = { error } })
    await this.scheduler.runUntil(() => outcome != null, ms)
    if (outcome == null) { throw new Error(`still pending after ${ms} ms of simulated time (seed ${this.seed})`) }
    if ('error' in outcome) { throw outcome.error }
    return outcome.value
  }

  /** Every node that runs sees every other one alive. */
  converged (): boolean {
    const up = this.up()
    return up.every(observer => up.every(subject => observer.membership.get(subject.id)?.status === 'alive'))
  }
}
