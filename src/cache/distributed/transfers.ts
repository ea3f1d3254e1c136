// Moving a partition from the member acting for it: a fill makes another member a synced backup, a handoff makes it
// the owner. Both send the snapshot in chunks while writes go on: each write made after the transfer began goes to
// the receiver too, and the higher version wins wherever a chunk and a write cross.
import { REFILL, isMembers } from './cache-wire.ts'
import { Holding, copyTargets } from './partition-state.ts'
import type { EngineContext } from './engine-context.ts'
import type { PartitionState } from './partition-state.ts'

/** tries of the last message of a handoff while its receiver is a member */
const TAKE_TRIES = 3

export class Transfers {
  private readonly context: EngineContext
  /** partitions being sent now, for stats and the rebalance events */
  private running = 0
  /** called when a state stops acting, so callers waiting at it go to the new owner */
  private readonly released: (state: PartitionState, owner: string) => void

  constructor (context: EngineContext, released: (state: PartitionState, owner: string) => void) {
    this.context = context
    this.released = released
  }

  get inProgress (): number {
    return this.running
  }

  /** Makes `member` a synced backup of an acting partition. */
  fill (partition: number, state: PartitionState, member: string): void {
    state.filling.add(member)
    void this.transfer(partition, state, member, async () => {
      state.filling.delete(member)
      state.synced.add(member)
      // the member filled learns at once that it is synced; the other backups with the next announcement, which a
      // burst of fills (a replicated cache opening on many members) would otherwise send to all after each one
      this.announce(partition, state, [member])
      state.announceDue = true
      // it may be the member that should own the partition, waiting for this fill to take it over
      this.context.schedule()
    }).catch((err: Error) => {
      state.filling.delete(member)
      this.context.log('fill of %s/%d to %s failed - %s', this.context.name, partition, member, err.message)
      this.context.schedule()
    })
  }

  /** Hands an acting partition to `member`, which owns it once it has every entry. */
  handoff (partition: number, state: PartitionState, member: string): void {
    state.handoff = member
    // a synced backup holds every write already: it takes the partition over without a copy of it
    const moved = state.synced.has(member)
      ? this.take(partition, state, member)
      : this.transfer(partition, state, member, async () => { await this.take(partition, state, member) })
    moved.catch((err: Error) => {
      if (state.handoff === member) { state.handoff = undefined }
      this.context.log('handoff of %s/%d to %s failed - %s', this.context.name, partition, member, err.message)
      this.context.schedule()
    })
  }

  /**
   * Tells the synced backups (or `members`) who they are, so they agree on which of them takes over should the
   * owner fail.
   */
  announce (partition: number, state: PartitionState, members?: string[]): void {
    const { context } = this
    const replicas = [...state.synced]
    if (members == null) {
      state.announceDue = false
      state.announcedAt = context.clock.now()
    }
    for (const member of members ?? copyTargets(state)) {
      context.call(member, ['rep', context.name, context.spec, partition, [], context.store.floorOf(partition), replicas], context.callTimeout)
        .then((answer) => {
          // it does not hold the partition's writes after all (it forgot them, or follows another owner)
          if (answer === REFILL && state.synced.delete(member)) { context.schedule() }
        }, () => { context.schedule() })
    }
  }

  private async transfer (partition: number, state: PartitionState, member: string, done: () => Promise<void>): Promise<void> {
    const { context } = this
    if (this.running++ === 0) { context.emit('rebalance:start', { partitions: 1 }) }
    try {
      const keys = context.store.keysOf(partition)
      let start = 0
      do {
        let bytes = 0
        let end = start
        while (end < keys.length && bytes < context.chunkBytes) {
          bytes += 64 + keys[end].length + (context.store.peek(keys[end])?.value?.byteLength ?? 0)
          end++
        }
        const entries = context.store.wireEntries(partition, keys.slice(start, end))
        if (!this.stillActing(partition, state)) { return }
        await context.call(member, ['fill', context.name, context.spec, partition, entries, context.store.highwaterOf(partition), context.store.floorOf(partition)], context.callTimeout)
        context.counts.moves += entries.length
        start = end
      } while (start < keys.length)
      if (this.stillActing(partition, state)) { await done() }
    } finally {
      if (--this.running === 0) { context.emit('rebalance:end', { partitions: 0 }) }
    }
  }

  /**
   * The last step of a handoff: this node stops numbering writes and becomes a replica of the new owner at once, so
   * at no moment do both act; the take carries the partition's counter so the new owner numbers above it.
   */
  private async take (partition: number, state: PartitionState, member: string): Promise<void> {
    const { context } = this
    const replicas = [...state.synced, context.self]
    state.holding = Holding.Replica
    state.owner = member
    state.replicas = replicas
    state.filledBy = undefined
    state.handoff = undefined
    state.synced.clear()
    state.filling.clear()
    state.since = context.clock.now()
    this.released(state, member)
    const take = ['take', context.name, context.spec, partition, context.store.highwaterOf(partition), context.store.floorOf(partition), replicas] as const
    for (let attempt = 1; attempt <= TAKE_TRIES && context.isActive(member); attempt++) {
      try {
        this.followed(partition, state, member, replicas, await context.call(member, [...take], context.callTimeout))
        return
      } catch (err: any) {
        context.log('take of %s/%d by %s failed (%d of %d) - %s', context.name, partition, member, attempt, TAKE_TRIES, err.message)
      }
    }
    // the receiver is gone or silent: the replicas' rule, or its own question as target owner, settles who acts
    context.schedule()
  }

  /**
   * The new owner answered a take with the backups it counts on. Those this node counted and it does not (it was
   * acting already, with backups of its own) still follow this node and would believe themselves synced: they drop
   * their copies, as this node does its own if it is not counted, and the new owner fills whichever should keep one.
   */
  private followed (partition: number, state: PartitionState, owner: string, former: string[], answer: unknown): void {
    const { context } = this
    if (!isMembers(answer) || context.states.get(partition) !== state || state.owner !== owner || state.holding !== Holding.Replica) { return }
    const counted = new Set(answer)
    for (const member of former) {
      if (member !== context.self && !counted.has(member)) { context.send(member, ['drop', context.name, partition]) }
    }
    state.replicas = answer
    if (!counted.has(context.self)) { context.forget(partition) }
  }

  private stillActing (partition: number, state: PartitionState): boolean {
    return this.context.states.get(partition) === state && state.holding === Holding.Acting
  }
}
