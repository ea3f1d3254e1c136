// A distributed actor as every node knows it: its entry in the name table, which all kinds of actor share.
import { MAX_NAME_LENGTH, validateEntry } from '../names/name-entry.ts'
import { MalformedFrameError } from '../wire/errors.ts'
import type { DistributedNameEntry } from '../names/name-entry.ts'

export { compareVersions } from '../names/name-entry.ts'
export type { DistributedNameEntry as DirectoryEntry, NameVersion as EntryVersion, PlacementKind, QuorumRule } from '../names/name-entry.ts'

export const MAX_DISTRIBUTED_NAME = MAX_NAME_LENGTH

/** Checks a distributed actor's entry received from the network; anything else is a MalformedFrameError. */
export function validateDistributedEntry (value: unknown): DistributedNameEntry {
  const entry = validateEntry(value)
  if (entry.kind !== 'distributed') { throw new MalformedFrameError(`name entry ${entry.name} is not a distributed actor's`) }
  return entry
}
