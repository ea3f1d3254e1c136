// Names: one cluster-wide namespace for every kind of actor. While the cluster is small each node holds every name in
// a table replicated from the names' owners (the node that holds or last wrote each); once it is large, each local
// name lives with a few homes on a ring of the members, and lookups ask them. A name has one holder at a time, and
// taking a name any actor holds anywhere fails with NameTakenError, whether the actor is local or distributed.
import type { NameEntry } from './name-entry.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { AbortOptions } from '@libp2p/interface'

export { NameService } from './name-service.ts'
export type { NameServiceComponents, NameServiceInit } from './name-service.ts'
export { NameTable } from './name-table.ts'
export { NameTakenError, NameNotVisibleError, InvalidNameError, NamesNotStartedError } from './errors.ts'
export { compareVersions, refOf, checkName, checkRef, validateEntry, MAX_NAME_LENGTH, DISTRIBUTED_PREFIX } from './name-entry.ts'
export type { NameEntry, LocalNameEntry, DistributedNameEntry, NameVersion, QuorumRule, PlacementKind } from './name-entry.ts'
export type { MemberNameCounts } from './name-reads.ts'

/**
 * Where local names live: on every node, or with a few homes each (the partial-view shape). Distributed actors'
 * entries are on every node either way.
 */
export type NamePlacement = 'everywhere' | 'homes'

/**
 * Two actors took one name on nodes that could not see each other (a partition, or writes that crossed). The newest
 * write wins everywhere (version time, then counter, then writer id); the other actor is the loser.
 */
export interface NameConflictDetail {
  name: string
  winner: ActorRef
  loser: ActorRef
  /** true on the node that held the losing write: the one whose actor gave the name up */
  local: boolean
}

export interface NameEvents {
  /** two writes of one name met, at least one of them a local actor's (distributed duplicates are actor:duplicate) */
  'name:conflict': CustomEvent<NameConflictDetail>
  /** entries of this node's table changed: written here or received */
  'names:changed': CustomEvent<NameEntry[]>
}

export interface RegisterOptions extends AbortOptions {
  /**
   * Resolve only once every active member (with homes: every home of the name) keeps this write of the name (each is sent it and asked, and asked again
   * until it answers), within the visibility timeout. A member that keeps a newer write makes the register fail with
   * NameTakenError; running out of time fails it with NameNotVisibleError. Either way, and when the signal aborts
   * while waiting, the name is given up again.
   */
  visible?: boolean
}
