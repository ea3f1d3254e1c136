// What each node must do about the directory, decided from its view alone: no sockets, no clock, no randomness.
import { compareVersions } from './entry.ts'
import type { DirectoryEntry, EntryVersion, QuorumRule } from './entry.ts'
import type { NameEntry } from '../names/name-entry.ts'

export interface ClusterView {
  self: string
  /** members that count: alive or suspect, self included */
  active: ReadonlySet<string>
  /** active members moving their actors away before they leave */
  draining: ReadonlySet<string>
  hasQuorum(rule: QuorumRule): boolean
  /**
   * true once a member is known to be dead or gone. A holder this node has never seen as a member is not gone
   * at first: a node that just joined may read the directory before it learns of every member.
   */
  gone(id: string): boolean
}

export type EndReason =
  /** stopped on purpose, cluster-wide */
  | 'stopped'
  /** another live member holds it, or a local actor took the name: a newer write won (a duplicate after a heal, or a move) */
  | 'duplicate'
  /** this side of a partition lacks the quorum the actor asks for */
  | 'quorum'

export interface HolderDuties {
  /** entries held by this node that do not run here */
  start: DirectoryEntry[]
  /** actors running here that must end */
  end: Array<{ name: string, reason: EndReason, entry?: NameEntry }>
  /**
   * actors running here whose entry names a holder that is gone, or that were restarted elsewhere while this node,
   * taken for dead, kept running them: this node takes them (back) in the directory
   */
  claim: DirectoryEntry[]
}

export function quorumHolds (entry: DirectoryEntry, view: ClusterView): boolean {
  return entry.quorum === 0 || view.hasQuorum(entry.quorum)
}

/**
 * True when the entry restarted an actor of this node's elsewhere, taking this node for dead, while this node kept
 * running it under the very write the failover replaced: this node was never really dead (it was across a partition,
 * or slow), and its instance, with its state, is the one to keep. A move or a later spawn of the name is no such
 * write, and one this node's instance does not run under (it restarted since) neither.
 */
function failedOverFromHere (entry: DirectoryEntry, self: string, running: EntryVersion | undefined): boolean {
  const from = entry.failedOverFrom
  return from != null && running != null && from.holder === self && compareVersions(from.version, running) === 0
}

/**
 * Compares the entries this node should run with the ones it runs. `held` are the distributed actors' entries,
 * `running` names the distributed actors alive here, and `runningUnder` the write each runs under; `lookup` reads
 * the name table, where a local actor may have taken the name of one of them after a heal.
 */
export function holderDuties (
  held: Iterable<DirectoryEntry>,
  running: Iterable<string>,
  lookup: (name: string) => NameEntry | undefined,
  view: ClusterView,
  runningUnder: (name: string) => EntryVersion | undefined = () => undefined
): HolderDuties {
  const duties: HolderDuties = { start: [], end: [], claim: [] }
  const runs = new Set(running)
  if (!view.draining.has(view.self)) {
    for (const entry of held) {
      if (entry.holder === view.self && !entry.stopped && !runs.has(entry.name) && quorumHolds(entry, view)) {
        duties.start.push(entry)
      }
    }
  }
  for (const name of runs) {
    const entry = lookup(name)
    if (entry == null) { continue }
    if (entry.stopped) {
      duties.end.push({ name, reason: 'stopped', entry })
    } else if (entry.kind !== 'distributed') {
      duties.end.push({ name, reason: 'duplicate', entry })
    } else if (!quorumHolds(entry, view)) {
      duties.end.push({ name, reason: 'quorum', entry })
    } else if (entry.holder !== view.self) {
      if (failedOverFromHere(entry, view.self, runningUnder(name))) {
        duties.claim.push(entry)
      } else if (view.active.has(entry.holder)) {
        duties.end.push({ name, reason: 'duplicate', entry })
      } else if (view.gone(entry.holder)) {
        duties.claim.push(entry)
      }
    }
  }
  return duties
}

/**
 * The member that restarts the actors of members that are gone: the lowest peer id among active members that
 * are not draining. Views agree within a membership round, so one node acts; if two briefly do, the directory's
 * version order keeps one instance.
 */
export function coordinatorOf (view: ClusterView): string | undefined {
  let lowest: string | undefined
  for (const id of view.active) {
    if (view.draining.has(id)) { continue }
    if (lowest == null || id < lowest) { lowest = id }
  }
  return lowest
}

/** Live entries whose holder is no longer an active member, and that may run on this side of a partition. */
export function orphans (entries: Iterable<DirectoryEntry>, view: ClusterView, inFlight: ReadonlySet<string>): DirectoryEntry[] {
  const found: DirectoryEntry[] = []
  for (const entry of entries) {
    if (!entry.stopped && !view.active.has(entry.holder) && view.gone(entry.holder) && !inFlight.has(entry.name) && quorumHolds(entry, view)) {
      found.push(entry)
    }
  }
  return found
}
