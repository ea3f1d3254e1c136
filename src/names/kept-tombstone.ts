// A tombstone is kept long after its actor stopped (an hour for a distributed actor), so that an older write still
// travelling cannot revive the name; at 28 stops a second that is the 100,000 a name table keeps at most. What it
// keeps is only what orders writes and what a member that reads it must be able to check, in strings of its own.
import { ownedText } from '../wire/owned-text.ts'
import type { NameEntry, NameVersion, PlacementKind } from './name-entry.ts'
import type { TextInterner } from '../wire/owned-text.ts'

/** shared by every kept tombstone: a stopped actor is never started again from its entry */
const NONE: never[] = []
Object.freeze(NONE)

/**
 * The tombstone `entry` as kept: names, versions and the holder, with ids from `ids`; the arguments, roles,
 * checkpoint and failover note of a distributed actor are dropped, as nothing reads them once it stopped.
 */
export function keptTombstone (entry: NameEntry, ids: TextInterner): NameEntry {
  // literals with every field in place, not spreads: the shape V8 keeps smallest, for a million of them
  const name = ownedText(entry.name)
  const holder = ids.intern(entry.holder)
  const version = keptVersion(entry.version, ids)
  const taken = entry.taken != null ? keptVersion(entry.taken, ids) : undefined
  if (entry.kind === 'local') {
    const id = ownedText(entry.id)
    return taken == null
      ? { kind: 'local', name, id, holder, stopped: true, version }
      : { kind: 'local', name, id, holder, stopped: true, version, taken }
  }
  const type = ids.intern(entry.type)
  const placement = ids.intern(entry.placement) as PlacementKind
  const quorum = entry.quorum
  return taken == null
    ? { kind: 'distributed', name, type, args: NONE, placement, roles: NONE, quorum, holder, stopped: true, version }
    : { kind: 'distributed', name, type, args: NONE, placement, roles: NONE, quorum, holder, stopped: true, version, taken }
}

function keptVersion (version: NameVersion, ids: TextInterner): NameVersion {
  return { time: version.time, counter: version.counter, writer: ids.intern(version.writer) }
}
