// Registry conflicts: two live writes of one name by different nodes that could not see each other, and which won.
import { compareRecords, sameRef } from './record.ts'
import type { RegistryRecord } from './record.ts'

export interface Conflict {
  winner: RegistryRecord
  loser: RegistryRecord
}

/**
 * The conflict between two records of one name, if they are one: both live, written by different nodes, for
 * different actors. The newest write wins (version time, counter, then writer id), the same rule on every node.
 */
export function conflictOf (a: RegistryRecord | undefined, b: RegistryRecord | undefined): Conflict | undefined {
  if (a == null || b == null || a.name !== b.name || a.tombstone || b.tombstone || a.owner === b.owner || sameRef(a.ref, b.ref)) {
    return undefined
  }

  return compareRecords(a, b) > 0 ? { winner: a, loser: b } : { winner: b, loser: a }
}
