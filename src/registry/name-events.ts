// How the registry's parts report a name that changed, so that every change reaches listeners as one event shape.
import type { NameChangeReason, RegistryEvents } from './index.ts'
import type { RegistryRecord } from './record.ts'

/** `local` is true when the name is (or was) held by this node */
export type NameChanged = (type: keyof RegistryEvents, record: RegistryRecord, reason: NameChangeReason, local: boolean) => void
