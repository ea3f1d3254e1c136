// What the member acting for a partition does with an operation: numbers each write above every version the
// partition has seen (never a wall clock), stores it, and answers once the synced backups have it too.
import { Codec } from '../../wire/codec.ts'
import type { CacheOp, OpAnswer } from './cache-wire.ts'
import type { EntryStore, WireEntry } from './entry-store.ts'
import type { Lease, PartitionState } from './partition-state.ts'
import type { Clock } from '../../time/clock.ts'

export interface OwnerOpsComponents {
  /** a number standing for this node in versions, so two owners' writes of one counter still order */
  tie: number
  store: EntryStore
  clock: Clock
  loadTimeout: number
  /** the bytes of values one answer carries at most (one value, however large, always fits) */
  answerBytes: number
  /** copies written entries (or a raised floor) to the partition's backups; resolves once the synced ones have them */
  replicate(partition: number, state: PartitionState, entries: WireEntry[]): Promise<void>
}

export class OwnerOps {
  private readonly components: OwnerOpsComponents
  private readonly codec = new Codec()

  constructor (components: OwnerOpsComponents) {
    this.components = components
  }

  async execute (partition: number, state: PartitionState, op: CacheOp): Promise<OpAnswer> {
    const { store } = this.components
    switch (op[0]) {
      case 'get':
        return ['ok', this.values(op[1])]
      case 'put': {
        const existed = op[1].map(([key]) => store.read(key) != null)
        await this.write(partition, state, op[1])
        return ['ok', existed]
      }
      case 'incr':
        return this.incr(partition, state, op[1], op[2], op[3])
      case 'lease':
        return this.lease(state, op[1])
      case 'unlease':
        this.passLease(state, op[1])
        return ['ok', null]
      case 'clear': {
        const floor = store.highwaterOf(partition) + 1
        store.raiseFloor(partition, floor)
        await this.components.replicate(partition, state, [])
        return ['ok', null]
      }
      case 'count':
        return ['ok', store.countOf(partition)]
      default:
        // validateCacheMessage lets no other operation through
        return ['err', 'value', 'unknown operation']
    }
  }

  /**
   * The values of `keys` in order (null for none), as many as one answer carries: at least one, and no more once
   * their bytes pass the budget. The caller asks again for the rest.
   */
  private values (keys: readonly string[]): Array<Uint8Array | null> {
    const values: Array<Uint8Array | null> = []
    let bytes = 0
    for (const key of keys) {
      if (values.length > 0 && bytes >= this.components.answerBytes) { break }
      const value = this.components.store.read(key)?.value ?? null
      bytes += 16 + (value?.byteLength ?? 0)
      values.push(value)
    }
    return values
  }

  /** Callers waiting for a load at this partition go to its new owner. */
  release (state: PartitionState, owner: string | null): void {
    for (const lease of state.leases.values()) {
      for (const waiter of lease.waiters) { waiter.resolve(['moved', owner]) }
    }
    state.leases.clear()
  }

  private async write (partition: number, state: PartitionState, items: ReadonlyArray<[string, Uint8Array | null, number]>): Promise<void> {
    const { store, tie, clock } = this.components
    const now = clock.now()
    const written: WireEntry[] = []
    for (const [key, value, ttl] of items) {
      const counter = store.highwaterOf(partition) + 1
      store.merge(key, { partition, value, counter, tie, expiresAt: ttl === 0 ? 0 : now + ttl })
      written.push([key, value, counter, tie, ttl])
      if (value !== null) { this.settleLease(state, key, value) }
    }
    await this.components.replicate(partition, state, written)
  }

  private async incr (partition: number, state: PartitionState, key: string, by: number, ttl: number): Promise<OpAnswer> {
    const held = this.components.store.read(key)
    let current = 0
    if (held?.value != null) {
      const value = this.codec.decode(held.value)
      if (typeof value !== 'number') { return ['err', 'value', `holds ${typeof value}, not a number: incr adds to numbers only`] }
      current = value
    }
    const next = current + by
    const kept = held == null || held.expiresAt === 0 ? 0 : Math.max(1, held.expiresAt - this.components.clock.now())
    await this.write(partition, state, [[key, this.codec.encode(next), ttl === -1 ? kept : ttl]])
    return ['ok', next]
  }

  private async lease (state: PartitionState, key: string): Promise<OpAnswer> {
    const held = this.components.store.read(key)
    if (held?.value != null) { return ['ok', held.value] }
    const now = this.components.clock.now()
    const lease = state.leases.get(key)
    if (lease == null || lease.expiresAt <= now) {
      const fresh: Lease = { expiresAt: now + this.components.loadTimeout, waiters: lease?.waiters ?? [] }
      state.leases.set(key, fresh)
      this.expireLater(state, key, fresh)
      return ['load']
    }
    return new Promise<OpAnswer>(resolve => { lease.waiters.push({ resolve: resolve as (answer: unknown) => void }) })
  }

  /** A loader that never reported back: its lease passes to the next waiter. */
  private expireLater (state: PartitionState, key: string, lease: Lease): void {
    this.components.clock.after(this.components.loadTimeout, () => {
      if (state.leases.get(key) === lease && lease.expiresAt <= this.components.clock.now()) { this.passLease(state, key) }
    })
  }

  private passLease (state: PartitionState, key: string): void {
    const lease = state.leases.get(key)
    if (lease == null) { return }
    const next = lease.waiters.shift()
    if (next == null) {
      state.leases.delete(key)
      return
    }
    lease.expiresAt = this.components.clock.now() + this.components.loadTimeout
    this.expireLater(state, key, lease)
    next.resolve(['load'])
  }

  private settleLease (state: PartitionState, key: string, value: Uint8Array): void {
    const lease = state.leases.get(key)
    if (lease == null) { return }
    state.leases.delete(key)
    for (const waiter of lease.waiters) { waiter.resolve(['ok', value]) }
  }
}
