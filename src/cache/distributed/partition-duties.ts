// What this node does for each partition when the members change, and every second until things settle: an owner
// hands off to the member that should own it and fills the backups that should keep it; a replica whose owner is
// gone takes over when it ranks first among the synced ones left; a member that should own a partition nobody
// seems to act for asks every member, then has the best synced replica take over, or starts it anew.
import { Holding } from './cache-wire.ts'
import { PARTITIONS } from './partition-ranks.ts'
import { newState } from './partition-state.ts'
import type { HoldingCode } from './cache-wire.ts'
import type { EngineContext } from './engine-context.ts'
import type { PartitionState } from './partition-state.ts'
import type { Transfers } from './transfers.ts'
import type { Vouching } from './vouching.ts'

/** the backups of a partition hear of a change in their number at most this often */
const ANNOUNCE_INTERVAL = 1000
/** how long a target owner waits for the member it believes acts before asking everyone */
export const STALL_AFTER = 3000
/**
 * a copy its owner has not written to for this long, on a node that should not keep it, is dropped: an owner that
 * counts it among its backups drops it itself, so this one was left behind by an owner that lost track of it
 */
const STALE_AFTER = 30_000

type Answer = Array<[partition: number, holding: HoldingCode, owner: string | null]>

/** writes an owner numbers before its partition is taken over: far more than a partition takes between two owners */
const EPOCH = 2 ** 32

/** The first counter of the epoch after the one `counter` is in. */
export function nextEpoch (counter: number): number {
  return (Math.floor(counter / EPOCH) + 1) * EPOCH
}

export class PartitionDuties {
  private readonly context: EngineContext
  private readonly transfers: Transfers
  private readonly vouching: Vouching
  private asking = false

  constructor (context: EngineContext, transfers: Transfers, vouching: Vouching) {
    this.context = context
    this.transfers = transfers
    this.vouching = vouching
  }

  run (): void {
    const { context } = this
    context.ranks.update(context.candidates(context.roles))
    const now = context.clock.now()
    const orphans: number[] = []
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const state = context.states.get(partition)
      const keepers = context.ranks.of(partition)
      if (state?.holding === Holding.Acting) {
        this.act(partition, state, keepers)
      } else if (state?.holding === Holding.Replica && state.owner != null && !context.isActive(state.owner)) {
        this.succeed(partition, state)
      } else if (keepers[0] === context.self && this.waitedEnough(state, now)) {
        orphans.push(partition)
      } else if (state != null && !keepers.includes(context.self) && now - state.since > STALE_AFTER) {
        context.forget(partition)
      }
    }
    this.vouching.run()
    if (orphans.length > 0 && !this.asking && context.settled()) {
      this.asking = true
      this.ask(orphans).catch((err: Error) => { context.log('asking who holds %d partitions of %s failed - %s', orphans.length, context.name, err.message) })
        .finally(() => { this.asking = false })
    }
  }

  /**
   * Starts acting for a partition this node holds every acknowledged write of, or that nobody holds. `takeover`: the
   * owner was lost (a crash, or a split), not handed off; writes are then numbered from the next epoch, above any
   * the lost owner may have numbered unseen, so what this owner writes wins over that once the two meet.
   */
  becomeOwner (partition: number, state: PartitionState | undefined, takeover: boolean): PartitionState {
    const { context } = this
    if (takeover) { context.store.raiseHighwater(partition, nextEpoch(context.store.highwaterOf(partition))) }
    const next = state ?? newState(Holding.Acting, context.self, context.clock.now())
    next.holding = Holding.Acting
    next.owner = context.self
    next.filledBy = undefined
    next.synced = new Set(next.replicas.filter(id => id !== context.self && context.isActive(id)))
    next.filling.clear()
    next.handoff = undefined
    next.since = context.clock.now()
    context.states.set(partition, next)
    // the backups it counts on are told, and one that no longer holds the partition answers so and is filled again
    if (next.synced.size > 0) { this.transfers.announce(partition, next) }
    context.schedule()
    return next
  }

  private act (partition: number, state: PartitionState, keepers: readonly string[]): void {
    const { context } = this
    if (state.handoff != null) {
      if (context.isActive(state.handoff)) { return }
      state.handoff = undefined
    }
    for (const member of [...state.synced]) {
      if (!context.isActive(member)) { state.synced.delete(member) }
    }
    const target = keepers[0]
    // no member may keep the partition now (this one leaving, and every other too): nothing to move or drop
    if (target == null) { return }
    if (target !== context.self) {
      // a member being filled as a backup is waited for: once synced it takes over without a second copy
      if (!state.filling.has(target)) { this.transfers.handoff(partition, state, target) }
      return
    }
    const backups = keepers.slice(1)
    for (const member of backups) {
      if (!state.synced.has(member) && !state.filling.has(member)) { this.transfers.fill(partition, state, member) }
    }
    if (state.announceDue && context.clock.now() - state.announcedAt >= ANNOUNCE_INTERVAL) { this.transfers.announce(partition, state) }
    // copies beyond the backups are dropped only once every backup is synced: until then they may be the only ones
    if (!backups.every(member => state.synced.has(member))) { return }
    const extras = [...state.synced].filter(member => !backups.includes(member))
    if (extras.length === 0) { return }
    for (const member of extras) {
      state.synced.delete(member)
      context.send(member, ['drop', context.name, partition])
    }
    this.transfers.announce(partition, state)
  }

  /** The owner is gone: the synced replica that ranks first among those still here takes over. */
  private succeed (partition: number, state: PartitionState): void {
    const { context } = this
    const left = state.replicas.filter(id => id === context.self || context.isActive(id))
    if (!left.includes(context.self)) { left.push(context.self) }
    const first = context.ranks.order(partition, left)[0]
    if (first === context.self) {
      this.becomeOwner(partition, state, true)
    } else {
      state.owner = first
      state.since = context.clock.now()
    }
  }

  /** A partition this node should own: it waits while the member it believes acts is a member and moving. */
  private waitedEnough (state: PartitionState | undefined, now: number): boolean {
    if (state == null) { return true }
    if (state.owner != null && state.owner !== this.context.self && this.context.isActive(state.owner)) { return now - state.since > STALL_AFTER }
    return true
  }

  private async ask (partitions: number[]): Promise<void> {
    const { context } = this
    const peers = context.peers()
    const answers = await Promise.all(peers.map(async (peer) => {
      try {
        return [peer, await context.call(peer, ['whois', context.name, context.spec, partitions], context.callTimeout) as Answer] as const
      } catch {
        return [peer, [] as Answer] as const
      }
    }))
    const lost: number[] = []
    for (const partition of partitions) {
      const state = context.states.get(partition)
      if (state?.holding === Holding.Acting || context.ranks.ownerOf(partition) !== context.self) { continue }
      const acting: string[] = []
      const synced: string[] = state?.holding === Holding.Replica ? [context.self] : []
      for (const [peer, answer] of answers) {
        const found = Array.isArray(answer) ? answer.find(a => a[0] === partition) : undefined
        if (found?.[1] === Holding.Acting) { acting.push(peer) }
        if (found?.[1] === Holding.Replica) { synced.push(peer) }
      }
      if (acting.length > 0) {
        // someone acts: it will hand off to this node once its duties run; wait for it
        const waiting = state ?? newState(Holding.Filling, acting[0], context.clock.now())
        waiting.owner = acting[0]
        waiting.since = context.clock.now()
        context.states.set(partition, waiting)
      } else if (synced.length > 0) {
        const first = context.ranks.order(partition, synced)[0]
        if (first === context.self) {
          this.becomeOwner(partition, state, true)
        } else {
          context.call(first, ['promote', context.name, context.spec, partition], context.callTimeout).catch(() => {})
          if (state != null) { state.since = context.clock.now() }
        }
      } else {
        // no member holds every write: what this node has (a partial fill, or nothing) is all that is left
        if (state?.owner != null) { lost.push(partition) }
        this.becomeOwner(partition, state, true)
      }
    }
    if (lost.length > 0) { context.emit('partition:lost', { partitions: lost }) }
  }
}
