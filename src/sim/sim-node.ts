// One simulated node: the real name system, actor runtime and distributed actors on the simulated network and
// membership, reading time only from the scheduler. What differs from a real node is only below them: no libp2p,
// no sockets, and load reports read straight from the other nodes.
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { LocalActors } from '../actors/local-actors.ts'
import { CacheService } from '../cache/cache-service.ts'
import { SystemEndpoints } from '../cluster/system-endpoints.ts'
import { DistributedActors } from '../distribution/distributed-actors.ts'
import { randomInt } from '../membership/swim/random.ts'
import { NameService } from '../names/name-service.ts'
import { SimMembership } from './sim-membership.ts'
import type { SimHost, SimNetwork } from './network.ts'
import type { Scheduler } from './scheduler.ts'
import type { DistributionInit } from '../distribution/index.ts'
import type { MemberReportEvents } from '../groups/index.ts'
import type { MemberNameCounts } from '../names/name-reads.ts'
import type { Clock } from '../time/clock.ts'

/** the node's call timeout, as in the default profile */
const CALL_TIMEOUT = 5000
/** as the default profile's largest message */
const MAX_MESSAGE_SIZE = 1024 * 1024
/** longest a graceful leave waits for actors and cache partitions to move */
const DRAIN_TIMEOUT = 30_000

export interface SimNodeInit {
  id: string
  name?: string
  roles?: string[]
  distribution?: DistributionInit
}

export interface SimWorld {
  scheduler: Scheduler
  network: SimNetwork
  /** another node of the run, while it exists */
  node(id: string): SimNode | undefined
}

export class SimNode implements SimHost {
  readonly id: string
  readonly name: string
  readonly endpoints = new SystemEndpoints()
  readonly clock: Clock
  readonly membership: SimMembership
  readonly names: NameService
  readonly actors: LocalActors
  readonly distribution: DistributedActors
  /** the caches this node opened, and the partitions it keeps */
  readonly caches: CacheService
  /** messages that reached no actor */
  undeliverable = 0
  private alive = true
  /** whether the node has heard of the cluster: a node that joins through another waits for its first member */
  private started = false
  private joining = false

  constructor (world: SimWorld, init: SimNodeInit) {
    const { scheduler, network } = world
    this.id = init.id
    this.name = init.name ?? init.id
    this.clock = scheduler.clock(() => this.alive)
    const logger = defaultLogger()
    const messaging = network.messagingOf(this.id)
    const trace = (line: string): void => { scheduler.trace(line) }
    this.membership = new SimMembership({ id: this.id, clock: this.clock, network: messaging, seed: randomInt(scheduler.random, 2 ** 32), trace }, { name: this.name, roles: init.roles ?? [] })
    this.names = new NameService({
      self: this.id,
      membership: this.membership,
      reports: new ReportsOf(world),
      endpoints: this.endpoints,
      messaging,
      clock: this.clock,
      log: logger.forComponent(`sim:${this.name}:names`)
    }, { lookupTimeout: CALL_TIMEOUT, callTimeout: CALL_TIMEOUT })
    this.actors = new LocalActors({
      nodeId: this.id,
      onUnhandledError: (err, cell) => { trace(`${this.id} actor ${cell.ref.id} failed: ${err.message}`) }
    })
    this.distribution = new DistributedActors({
      self: this.id,
      membership: this.membership,
      actors: this.actors,
      messaging,
      endpoints: this.endpoints,
      load: () => undefined,
      names: this.names,
      hasQuorum: (rule) => {
        const active = this.membership.activeMembers().length
        const known = this.membership.members().filter(m => m.status !== 'left').length
        return rule === 'majority' ? active > known / 2 : active >= rule
      },
      undeliverable: () => { this.undeliverable++ },
      log: logger.forComponent(`sim:${this.name}:distribution`),
      clock: this.clock,
      newId: () => randomInt(scheduler.random, 2 ** 48).toString(16)
    }, { callTimeout: CALL_TIMEOUT, ...init.distribution })
    this.caches = new CacheService({
      self: this.id,
      membership: this.membership,
      messaging,
      endpoints: this.endpoints,
      settled: () => this.started && (!this.joining || this.membership.activeMembers().length > 1),
      log: logger.forComponent(`sim:${this.name}:cache`),
      clock: this.clock
    }, { maxMessageSize: MAX_MESSAGE_SIZE, callTimeout: CALL_TIMEOUT })
    for (const type of ['actor:failover', 'actor:moved', 'actor:duplicate', 'actor:quorum-lost'] as const) {
      this.distribution.addEventListener(type, (evt) => { trace(`${this.id} ${type} ${JSON.stringify(evt.detail)}`) })
    }
  }

  get up (): boolean {
    return this.alive
  }

  /** Starts the node; it joins the cluster through `via` when given. */
  start (via?: string): void {
    this.membership.start()
    this.names.start()
    this.distribution.start()
    this.caches.start()
    this.started = true
    this.joining = via != null
    if (via != null) { this.membership.join(via) }
  }

  /** A graceful stop: actors move away with their state, the names are handed on, then the node says goodbye. */
  async leave (): Promise<void> {
    // in a real node's order: actors move while this node still counts as a member, then the goodbye goes out
    await Promise.all([this.distribution.drain(), this.caches.drain(this.clock.now() + DRAIN_TIMEOUT)])
    this.membership.stop()
    this.distribution.stop()
    this.caches.stop()
    this.names.stop()
    await this.actors.stopAll()
    // the goodbye is on the wire before the process ends
    await new Promise<void>(resolve => { this.clock.after(100, resolve) })
    this.alive = false
  }

  /** Ends the node at once, as a killed process: no goodbye, no handoff, its timers fire into nothing. */
  crash (): void {
    this.alive = false
    this.membership.halt()
    this.caches.stop()
  }

  datagram (from: string, bytes: Uint8Array): void {
    this.membership.datagram(from, bytes)
  }
}

/** How many names each member answers for, read from the member itself: the simulated nodes share one process. */
class ReportsOf extends TypedEventEmitter<MemberReportEvents> implements MemberNameCounts {
  private readonly world: SimWorld

  constructor (world: SimWorld) {
    super()
    this.world = world
  }

  heldNames (member: string): number | undefined {
    const node = this.world.node(member)
    return node?.up === true ? node.names.table.ownedCount : undefined
  }
}
