// What the parts of one cache on one node share: its entries, the partitions' states and order, and the way to
// reach other members. Made once by the engine and handed to each part.
import type { CacheMessage, CacheSpec } from './cache-wire.ts'
import type { EntryStore } from './entry-store.ts'
import type { PartitionRanks } from './partition-ranks.ts'
import type { PartitionState } from './partition-state.ts'
import type { PlacementCandidate } from '../../placement/index.ts'
import type { Clock } from '../../time/clock.ts'
import type { CacheCounts } from '../cache-counters.ts'
import type { CacheEvents } from '../index.ts'
import type { Logger } from '@libp2p/interface'

/** What the node gives every cache engine. */
export interface CacheNodeLink {
  self: string
  clock: Clock
  log: Logger
  send(peer: string, message: CacheMessage): void
  call(peer: string, message: CacheMessage, timeout: number): Promise<unknown>
  isActive(peer: string): boolean
  /** the members that may keep entries of a cache with these roles and are not leaving, this node included if so */
  candidates(roles: readonly string[]): PlacementCandidate[]
  /** every other active member that may hold a copy, leaving ones included: asked when a partition has no owner */
  peers(): string[]
  /** false until this node has read the membership: before, a partition nobody seems to hold is not started anew */
  settled(): boolean
}

export interface EngineContext extends CacheNodeLink {
  name: string
  spec: CacheSpec
  roles: readonly string[]
  store: EntryStore
  ranks: PartitionRanks
  states: Map<number, PartitionState>
  counts: CacheCounts
  /** how long one call to another member may take */
  callTimeout: number
  /** the largest batch of entries one message carries, in bytes of values */
  chunkBytes: number
  emit<K extends keyof CacheEvents>(type: K, detail: CacheEvents[K]['detail']): void
  /** runs the partition duties soon: something changed */
  schedule(): void
  /** drops this node's copy of a partition and what it knew of it */
  forget(partition: number): void
}
