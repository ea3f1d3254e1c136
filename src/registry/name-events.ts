// How the registry's parts report a name that changed, so that every change reaches listeners as one event shape.
import type { NameChangeReason, NameConflictDetail } from './index.ts'
import type { RegistryRecord } from './record.ts'
import type { ActorRef } from '../actors/ref.ts'

/** `local` is true when the name is (or was) held by this node; `winner` is set on reason 'conflict' */
export type NameChanged = (type: 'name:registered' | 'name:unregistered', record: RegistryRecord, reason: NameChangeReason, local: boolean, winner?: ActorRef) => void

/** Two live writes of one name by different nodes met here. */
export type NameConflicted = (conflict: NameConflictDetail) => void
