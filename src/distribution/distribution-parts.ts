// The parts of one node's distribution and the calls between them, made once. Each part sees the others through
// narrow interfaces; DistributedActors drives them from events and the API.
import { Checkpoints } from './checkpoints.ts'
import { Delivery } from './delivery.ts'
import { DistributedEntries } from './distributed-entries.ts'
import { EntryPlacement } from './entry-placement.ts'
import { Failover } from './failover.ts'
import { Hosting } from './hosting.ts'
import { Moves } from './moves.ts'
import { Reconciler } from './reconciler.ts'
import { DIST_ENDPOINT } from './wire.ts'
import type { DistributedActorsComponents } from './distributed-actors.ts'
import type { DirectoryEntry } from './entry.ts'
import type { DistributionEvents } from './index.ts'
import type { DistMessage } from './wire.ts'
import type { ActorClass } from '../actors/index.ts'
import type { Clock } from '../time/clock.ts'

export interface DistributionParts {
  entries: DistributedEntries
  placement: EntryPlacement
  checkpoints: Checkpoints
  hosting: Hosting
  delivery: Delivery
  moves: Moves
  failover: Failover
  reconciler: Reconciler
}

export interface PartHooks {
  clock: Clock
  callTimeout: number
  classOf(type: string): ActorClass | undefined
  /** false once the node stopped */
  running(): boolean
  emit<K extends keyof DistributionEvents>(type: K, detail: DistributionEvents[K]['detail']): void
}

export function createDistributionParts (components: DistributedActorsComponents, hooks: PartHooks): DistributionParts {
  const { self, log, names, membership } = components
  const { clock, callTimeout } = hooks
  const send = (peer: string, message: DistMessage): void => { components.messaging.send(peer, DIST_ENDPOINT, message) }
  const call = async (peer: string, message: DistMessage, timeout: number): Promise<unknown> =>
    components.messaging.call(peer, DIST_ENDPOINT, message, { timeout })
  const learn = (found: DirectoryEntry[]): void => { names.learn(found) }
  const entries = new DistributedEntries(names.table)
  const placement = new EntryPlacement({ self, activeMembers: () => membership.activeMembers(), load: components.load, log })
  const checkpoints = new Checkpoints({
    replicasOf: (name, count) => placement.replicasOf(name, entries.get(name)?.roles ?? [], count),
    peers: () => membership.activeMembers().map(member => member.id).filter(id => id !== self),
    send,
    call,
    clock,
    log
  })
  const hosting: Hosting = new Hosting({
    self,
    actors: components.actors,
    names,
    checkpoints,
    accepting: () => hooks.running() && !placement.selfDraining,
    callTimeout,
    classOf: hooks.classOf,
    redeliver: (name, letter) => { delivery.deliver(name, letter, 0) },
    startSettled: (name) => { delivery.flushParked(name) },
    clock,
    log
  })
  const delivery = new Delivery({
    self,
    hosting,
    live: (name) => entries.live(name),
    isActive: (member) => membership.isActive(member),
    send,
    call,
    undeliverable: (reason) => { components.undeliverable(reason) },
    clock,
    callTimeout
  })
  const moves = new Moves({
    self,
    hosting,
    delivery,
    placement,
    get: (name) => entries.get(name),
    learn,
    call,
    moved: (detail) => { hooks.emit('actor:moved', detail) },
    callTimeout,
    clock,
    log
  })
  const failover = new Failover({
    self,
    placement,
    entries: () => entries.all(),
    startHere: async (lost) => hosting.startPlaced(lost, null, false),
    call,
    learn,
    failedOver: (detail) => { hooks.emit('actor:failover', detail) },
    settled: () => { reconciler.schedule() },
    callTimeout,
    log
  })
  const reconciler: Reconciler = new Reconciler({
    self,
    membership,
    hasQuorum: (rule) => components.hasQuorum(rule),
    hosting,
    delivery,
    placement,
    failover,
    entries: () => entries.all(),
    entryOf: (name) => names.table.get(name),
    duplicate: (detail) => { hooks.emit('actor:duplicate', detail) },
    quorumLost: (name) => { hooks.emit('actor:quorum-lost', { name }) },
    clock,
    log
  })
  return { entries, placement, checkpoints, hosting, delivery, moves, failover, reconciler }
}
