// One distributed cache on one node: its entries, how it holds each partition, and what it does with the messages
// other members send about it. The node's CacheService makes one per cache, opened here or first heard of.
import { TypedEventEmitter } from '@libp2p/interface'
import { hash32 } from '../../placement/hash.ts'
import { newCacheCounts } from '../cache-counters.ts'
import { Holding, REFILL } from './cache-wire.ts'
import { EntryStore } from './entry-store.ts'
import { OwnerOps } from './owner-ops.ts'
import { PartitionDuties } from './partition-duties.ts'
import { PARTITIONS, PartitionRanks } from './partition-ranks.ts'
import { copyTargets, newState, viewOf } from './partition-state.ts'
import { Transfers } from './transfers.ts'
import { Vouching } from './vouching.ts'
import type { CacheMessage, CacheOp, CacheSpec, HoldingCode, OpAnswer } from './cache-wire.ts'
import type { CacheNodeLink, EngineContext } from './engine-context.ts'
import type { WireEntry } from './entry-store.ts'
import type { PartitionState, PartitionView } from './partition-state.ts'
import type { Timer } from '../../time/clock.ts'
import type { CacheCounts } from '../cache-counters.ts'
import type { CacheEvents, CacheStats } from '../index.ts'

/** duties run this often besides on membership changes, to retry what failed and notice stalls */
const DUTY_INTERVAL = 1000

export interface CacheEngineInit {
  name: string
  /** mode, replicas and the roles of the members that keep entries */
  spec: CacheSpec
  maxEntries: number
  maxBytes: number | undefined
  loadTimeout: number
  callTimeout: number
  maxMessageSize: number
}

export class CacheEngine extends TypedEventEmitter<CacheEvents> {
  readonly name: string
  readonly spec: CacheSpec
  readonly roles: readonly string[]
  readonly counts: CacheCounts = newCacheCounts()
  private readonly context: EngineContext
  private readonly ops: OwnerOps
  private readonly transfers: Transfers
  private readonly duties: PartitionDuties
  private readonly vouching: Vouching
  private readonly timer: Timer
  private scheduled: Timer | undefined
  private closed = false

  constructor (link: CacheNodeLink, init: CacheEngineInit) {
    super()
    this.name = init.name
    this.spec = init.spec
    this.roles = init.spec[2]
    const store = new EntryStore({ maxEntries: init.maxEntries, maxBytes: init.maxBytes }, link.clock, this.counts, (detail) => { this.emit('entry:evicted', detail) })
    // the replicated mode keeps every partition on every candidate: the owner numbers writes, the rest are backups
    const keepers = init.spec[0] === 'replicated' ? Number.MAX_SAFE_INTEGER : init.spec[1] + 1
    this.context = {
      ...link,
      name: init.name,
      spec: init.spec,
      roles: init.spec[2],
      store,
      ranks: new PartitionRanks(init.name, keepers),
      states: new Map(),
      counts: this.counts,
      callTimeout: init.callTimeout,
      chunkBytes: Math.floor(init.maxMessageSize / 2),
      emit: (type, detail) => { this.emit(type, detail) },
      schedule: () => { this.schedule() },
      forget: (partition) => {
        this.context.states.delete(partition)
        store.drop(partition)
      }
    }
    this.ops = new OwnerOps({
      tie: hash32(link.self),
      store,
      clock: link.clock,
      loadTimeout: init.loadTimeout,
      answerBytes: this.context.chunkBytes,
      replicate: async (partition, state, entries) => { await this.replicate(partition, state, entries) }
    })
    this.transfers = new Transfers(this.context, (state, owner) => { this.ops.release(state, owner) })
    this.vouching = new Vouching(this.context)
    this.duties = new PartitionDuties(this.context, this.transfers, this.vouching)
    this.timer = link.clock.every(DUTY_INTERVAL, () => { this.duties.run() })
    this.schedule()
  }

  get store (): EntryStore {
    return this.context.store
  }

  /** the bytes of values one message carries at most, to keep every message under the cluster's largest */
  get chunkBytes (): number {
    return this.context.chunkBytes
  }

  get ranks (): PartitionRanks {
    return this.context.ranks
  }

  /** partitions being moved to or from this node */
  get rebalancing (): number {
    const { states, ranks, self } = this.context
    let filling = 0
    for (const [partition, state] of states) {
      // a copy left behind waits to be dropped; only one this node should keep is being received
      if (state.holding === Holding.Filling && ranks.of(partition).includes(self)) { filling++ }
    }
    return filling + this.transfers.inProgress
  }

  /** this node's counters, and what it holds now */
  stats (): CacheStats {
    return { ...this.counts, entries: this.context.store.size, bytes: this.context.store.bytes, rebalancing: this.rebalancing }
  }

  close (): void {
    this.closed = true
    this.timer.cancel()
    this.scheduled?.cancel()
    this.context.store.close()
    for (const state of this.context.states.values()) { this.ops.release(state, null) }
  }

  /** the members changed, or this node's part did: duties run soon, once for a burst of changes */
  schedule (): void {
    if (this.closed || this.scheduled != null) { return }
    this.scheduled = this.context.clock.soon(() => {
      this.scheduled = undefined
      if (!this.closed) { this.duties.run() }
    })
  }

  /** how this node holds a partition: what a reader on this node may trust */
  holding (partition: number): HoldingCode {
    return this.context.states.get(partition)?.holding ?? Holding.None
  }

  /** Runs an operation for a partition this node acts for, or says who it believes acts. */
  async execute (partition: number, op: CacheOp): Promise<OpAnswer> {
    const state = this.context.states.get(partition)
    if (state?.holding !== Holding.Acting) {
      const owner = state?.owner
      return ['moved', owner != null && owner !== this.context.self ? owner : null]
    }
    return this.ops.execute(partition, state, op)
  }

  /** Partitions this node should keep and does not hold every write of yet: 0 once it is safe to stop another. */
  unsynced (): number {
    const { context } = this
    context.ranks.update(context.candidates(context.roles))
    let count = 0
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const keepers = context.ranks.of(partition)
      const holding = this.holding(partition)
      // acting for a partition another member should own: a handoff (or the merge after a healed split) is pending
      if (holding === Holding.Acting && keepers[0] !== context.self && keepers.length > 0) {
        count++
      } else if (keepers.includes(context.self) && holding !== Holding.Acting && holding !== Holding.Replica) {
        count++
      }
    }
    return count
  }

  partitions (): PartitionView[] {
    return [...this.context.states].map(([partition, state]) => viewOf(partition, state)).sort((a, b) => a.partition - b.partition)
  }

  /** Partitions this node still holds as owner or synced backup: 0 once a leaving node has handed everything off. */
  held (): number {
    let count = 0
    for (const state of this.context.states.values()) {
      if (state.holding !== Holding.Filling) { count++ }
    }
    return count
  }

  async receive (message: CacheMessage, from: string): Promise<unknown> {
    const { context } = this
    switch (message[0]) {
      case 'op':
        return this.execute(message[3], message[4])
      case 'rep':
        return this.copy(message[3], from, message[4], message[5], message[6] ?? undefined, false)
      case 'fill':
        this.copy(message[3], from, message[4], message[6], undefined, true)
        context.store.raiseHighwater(message[3], message[5])
        context.counts.moves += message[4].length
        return null
      case 'take': {
        const [, , , partition, highwater, floor, replicas] = message
        context.store.raiseHighwater(partition, highwater)
        context.store.raiseFloor(partition, floor)
        const state = context.states.get(partition) ?? newState(Holding.Filling, from, context.clock.now())
        // acting already (a second owner met this one): its own backups stay; the other owner's copies are behind
        // this one's writes, so those that should not keep the partition are dropped and the rest filled anew
        if (state.holding === Holding.Acting) {
          const keepers = context.ranks.of(partition)
          for (const member of [from, ...replicas]) {
            if (member !== context.self && !state.synced.has(member) && !keepers.includes(member)) { context.send(member, ['drop', context.name, partition]) }
          }
          this.schedule()
          return [...state.synced]
        }
        state.replicas = replicas
        return [...this.duties.becomeOwner(partition, state, false).synced]
      }
      case 'drop': {
        // only from the owner this node follows: it stopped counting on this copy before it said so
        const state = context.states.get(message[2])
        if (state != null && state.holding !== Holding.Acting && state.owner === from) { context.forget(message[2]) }
        return null
      }
      case 'whois':
        return message[3].map(partition => {
          const state = context.states.get(partition)
          return [partition, state?.holding ?? Holding.None, state?.owner ?? null]
        })
      case 'vouch':
        return this.vouching.answer(from, message[3], message[4])
      case 'promote': {
        const state = context.states.get(message[3])
        if (state?.holding === Holding.Replica) { this.duties.becomeOwner(message[3], state, true) }
        return context.states.get(message[3])?.holding === Holding.Acting
      }
      default:
        return null
    }
  }

  /**
   * Entries from the owner (its writes or a chunk of a fill). This node holds every write once the owner names it
   * among its synced backups after filling it. Named so without that (it forgot the partition, or follows another
   * owner) it answers REFILL: the owner then stops counting on it and fills it again, so it never takes over with
   * writes it missed.
   */
  private copy (partition: number, from: string, entries: WireEntry[], floor: number, replicas: string[] | undefined, fill: boolean): typeof REFILL | null {
    const { context } = this
    context.store.raiseFloor(partition, floor)
    const stored = context.store.mergeWire(partition, entries)
    const known = context.states.get(partition)
    const state = known ?? newState(Holding.Filling, from, context.clock.now())
    context.states.set(partition, state)
    // two members acting for one partition (views that differed, or a healed split): both keep the newer entries,
    // and the duties leave one acting once the views agree; this one's backups get what it took in
    if (state.holding === Holding.Acting) {
      if (stored.length > 0) { this.replicate(partition, state, stored).catch(() => { this.schedule() }) }
      this.schedule()
      return replicas?.includes(context.self) === true ? REFILL : null
    }
    if (fill) { state.filledBy = from }
    // a synced replica follows the owner's line through handoffs and takeovers, whose new owner names it; a copy
    // being filled is synced only by the owner filling it
    const sameLine = known != null && (state.holding === Holding.Replica || state.filledBy === from)
    let answer: typeof REFILL | null = null
    if (replicas != null) {
      state.replicas = replicas
      const named = replicas.includes(context.self)
      state.holding = named && sameLine ? Holding.Replica : Holding.Filling
      if (named && !sameLine) { answer = REFILL }
    } else if (!sameLine) {
      state.holding = Holding.Filling
    }
    // a copy that is not being filled now waits for a fill of its own before any owner may count it again
    if (state.holding === Holding.Replica) { state.filledBy = undefined }
    state.owner = from
    state.since = context.clock.now()
    return answer
  }

  /** Sends written entries to the partition's copies; waits for the synced backups, and stops waiting on a lost one. */
  private async replicate (partition: number, state: PartitionState, entries: WireEntry[]): Promise<void> {
    const { context } = this
    const message: CacheMessage = ['rep', context.name, context.spec, partition, entries, context.store.floorOf(partition), null]
    const waits: Array<Promise<string | undefined>> = []
    for (const member of copyTargets(state)) {
      const call = context.call(member, message, context.callTimeout)
      if (!state.synced.has(member)) {
        call.catch(() => {})
        continue
      }
      waits.push(call.then((answer) => {
        // the backup lost track of the partition: it keeps this write, and is filled again for the rest
        if (answer === REFILL && state.synced.delete(member)) { this.schedule() }
        return undefined
      }, (err: Error) => {
        // the backup may lack this write now: it is filled again rather than trusted
        if (state.synced.delete(member)) { context.log('backup %s of %s/%d missed a write - %s', member, context.name, partition, err.message) }
        this.schedule()
        return context.isActive(member) ? member : undefined
      }))
    }
    // a backup that left is no copy to wait for; one still a member that did not confirm leaves the write unconfirmed
    const missed = (await Promise.all(waits)).filter(member => member != null)
    if (missed.length > 0) { throw new Error(`backup ${missed.join(', ')} did not confirm the write`) }
  }

  private emit<K extends keyof CacheEvents>(type: K, detail: CacheEvents[K]['detail']): void {
    this.safeDispatchEvent(type, { detail } as any)
  }
}
