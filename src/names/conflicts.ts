// What a newer write of a name means for this node: nothing, a local actor of this node that lost its name, a stale
// write about this node's own names to correct, or two other actors that both held the name (a healed partition).
import { compareVersions, refOf, takenAt } from './name-entry.ts'
import type { NameConflictDetail } from './index.ts'
import type { LocalNameEntry, NameEntry } from './name-entry.ts'

export type ConflictOutcome =
  /** a stale tombstone of a name this node's actor still holds: write the holder's entry again, newer */
  | { kind: 'reassert', entry: LocalNameEntry }
  /** this node's own write from an earlier run under the same identity, for an actor that is gone: withdraw it */
  | { kind: 'withdraw', entry: LocalNameEntry }
  /** an actor lost the name: `local` when it is this node's */
  | { kind: 'conflict', detail: NameConflictDetail }

/** `entry` replaced `previous` in this node's table. */
export function conflictOf (entry: NameEntry, previous: NameEntry | undefined, self: string): ConflictOutcome | undefined {
  const lost = previous != null ? mine(previous, self) : undefined
  if (previous != null && lost != null) {
    // only the holder gives a local name up: a tombstone of its write made elsewhere is stale, the holder's word stands
    if (entry.stopped && compareVersions(takenAt(entry), previous.version) === 0) { return { kind: 'reassert', entry: lost } }
    return { kind: 'conflict', detail: { name: entry.name, winner: refOf(entry), loser: refOf(previous), local: true } }
  }
  // only this node writes its local names, and never receives its own writes back
  const stale = mine(entry, self)
  if (stale != null) { return { kind: 'withdraw', entry: stale } }
  if (previous != null && !previous.stopped && !entry.stopped && (previous.kind === 'local' || entry.kind === 'local') &&
    previous.version.writer !== entry.version.writer && previous.holder !== entry.holder) {
    return { kind: 'conflict', detail: { name: entry.name, winner: refOf(entry), loser: refOf(previous), local: false } }
  }
  return undefined
}

/** A live local name held by an actor of this node. */
export function isMine (entry: NameEntry, self: string): boolean {
  return mine(entry, self) != null
}

function mine (entry: NameEntry, self: string): LocalNameEntry | undefined {
  return entry.kind === 'local' && entry.holder === self && !entry.stopped ? entry : undefined
}
