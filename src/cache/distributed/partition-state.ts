// How this node holds one partition of a cache. Exactly one member acts for a partition at a time when views agree:
// it numbers writes and copies them to its backups. The others keep copies (replicas, synced or being filled), and
// point callers at the member they believe acts.
import { Holding } from './cache-wire.ts'
import type { HoldingCode } from './cache-wire.ts'

export { Holding }

/** A caller waiting at the owner for another caller's loader. */
export interface LeaseWaiter {
  resolve(answer: unknown): void
}

export interface Lease {
  /** when the loader's holder is presumed to have failed and the next waiter loads */
  expiresAt: number
  waiters: LeaseWaiter[]
}

export interface PartitionState {
  holding: Exclude<HoldingCode, typeof Holding.None>
  /** the member that acts for the partition as far as this node knows; this node's id when acting */
  owner: string | undefined
  /** the synced backups the owner last announced (a replica finds itself among them) */
  replicas: string[]
  /**
   * filling: the owner whose fill this copy is receiving. Only that owner's announcement makes the copy a synced
   * replica; a copy that merely heard an owner's name (an announcement it refused, a whois answer) holds none of
   * its earlier writes.
   */
  filledBy: string | undefined
  /** acting: backups that hold every acknowledged write, so a write waits for each */
  synced: Set<string>
  /** acting: members being sent the snapshot; they get every write as well, without being waited for */
  filling: Set<string>
  /** acting: the member this partition is being handed to */
  handoff: string | undefined
  /** acting: the synced backups changed since the others were last told (they are told at most once a second) */
  announceDue: boolean
  /** acting: clock time the synced backups were last told who they are */
  announcedAt: number
  /** getOrLoad callers waiting for a loader, by key (acting only) */
  leases: Map<string, Lease>
  /** clock time this partition's state last moved forward: a target owner waiting longer asks who holds it */
  since: number
}

/** A partition's state as debugging shows it. */
export interface PartitionView {
  partition: number
  holding: 'filling' | 'replica' | 'acting'
  owner: string | undefined
  /** acting: the backups it counts on */
  synced: string[]
}

const HOLDING_NAMES = { [Holding.Filling]: 'filling', [Holding.Replica]: 'replica', [Holding.Acting]: 'acting' } as const

export function viewOf (partition: number, state: PartitionState): PartitionView {
  return { partition, holding: HOLDING_NAMES[state.holding], owner: state.owner, synced: [...state.synced] }
}

export function newState (holding: PartitionState['holding'], owner: string | undefined, now: number): PartitionState {
  return { holding, owner, replicas: [], filledBy: undefined, synced: new Set(), filling: new Set(), handoff: undefined, announceDue: false, announcedAt: -Infinity, leases: new Map(), since: now }
}

/** Where writes of an acting partition go: synced backups (waited for) and members being filled (not waited for). */
export function copyTargets (state: PartitionState): string[] {
  const targets = [...state.synced, ...state.filling]
  if (state.handoff != null && !state.filling.has(state.handoff)) { targets.push(state.handoff) }
  return targets
}
