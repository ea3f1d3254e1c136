// Who is in which group, per owner node: this node's own memberships, and a replica of every other node's.
// Sans-IO: fed local changes and the owners' snapshots and deltas, it returns the membership changes they made.
import type { ActorRef } from '../actors/ref.ts'

/**
 * The version of one owner's memberships. `epoch` is when the owner started (ms) so that a node restarted under
 * the same identity outranks what its previous run left behind; `seq` counts its changes within that run.
 */
export interface Version {
  epoch: number
  seq: number
}

/** group → actor ids, as sent on the wire */
export type Entries = Array<[group: string, ids: string[]]>

/** Everything one owner's actors are members of, at a version. */
export interface OwnerSnapshot {
  version: Version
  entries: Entries
}

/**
 * What changed in one owner's memberships between `base` and `version`. Each id listed carries its state at
 * `version` (joined or left), not a toggle, so a replica anywhere in [base, version) reaches `version` by applying it.
 */
export interface Delta {
  base: Version
  version: Version
  joined: Entries
  left: Entries
}

export interface GroupChange {
  kind: 'join' | 'leave'
  group: string
  ref: ActorRef
}

/** What a delta did: applied, already known (stale), or starts past what this replica holds (gap: pull a snapshot). */
export type DeltaResult = 'applied' | 'stale' | 'gap'

/** Orders versions: an epoch (a later run of the owner) first, then its sequence. */
export function compareVersions (a: Version, b: Version): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.seq - b.seq
}

class OwnerGroups {
  version: Version
  readonly groups = new Map<string, Set<string>>()

  constructor (version: Version) {
    this.version = version
  }

  add (group: string, id: string): boolean {
    let ids = this.groups.get(group)
    if (ids == null) {
      ids = new Set()
      this.groups.set(group, ids)
    }
    if (ids.has(id)) { return false }
    ids.add(id)
    return true
  }

  remove (group: string, id: string): boolean {
    const ids = this.groups.get(group)
    if (ids?.delete(id) !== true) { return false }
    if (ids.size === 0) { this.groups.delete(group) }
    return true
  }

  entries (): Entries {
    return [...this.groups].map(([group, ids]) => [group, [...ids]])
  }
}

export class GroupTable {
  readonly self: string
  private readonly owners = new Map<string, OwnerGroups>()
  /** this node's actor id → its groups, so a stopped actor leaves all of them without a scan */
  private readonly localByActor = new Map<string, Set<string>>()
  /** local ids changed since the last delta was taken, with their state now: group → id → joined */
  private pending = new Map<string, Map<string, boolean>>()
  private pendingBase: Version

  constructor (self: string, epoch: number) {
    this.self = self
    this.pendingBase = { epoch, seq: 0 }
    this.owners.set(self, new OwnerGroups({ epoch, seq: 0 }))
  }

  private get local (): OwnerGroups {
    // set in the constructor and never removed
    return this.owners.get(this.self) as OwnerGroups
  }

  /** The version held for an owner, undefined when nothing is known of it. */
  version (owner: string): Version | undefined {
    return this.owners.get(owner)?.version
  }

  /** Adds one of this node's actors to a group; undefined when it already was a member. */
  join (group: string, id: string): GroupChange | undefined {
    if (!this.local.add(group, id)) { return undefined }
    let groups = this.localByActor.get(id)
    if (groups == null) {
      groups = new Set()
      this.localByActor.set(id, groups)
    }
    groups.add(group)
    this.recordLocal(group, id, true)
    return { kind: 'join', group, ref: { node: this.self, id } }
  }

  /** Removes one of this node's actors from a group; undefined when it was not a member. */
  leave (group: string, id: string): GroupChange | undefined {
    if (!this.local.remove(group, id)) { return undefined }
    const groups = this.localByActor.get(id)
    groups?.delete(group)
    if (groups?.size === 0) { this.localByActor.delete(id) }
    this.recordLocal(group, id, false)
    return { kind: 'leave', group, ref: { node: this.self, id } }
  }

  /** Removes one of this node's actors from every group it is in (it stopped). */
  leaveAll (id: string): GroupChange[] {
    const changes: GroupChange[] = []
    for (const group of [...this.localByActor.get(id) ?? []]) {
      const change = this.leave(group, id)
      if (change != null) { changes.push(change) }
    }
    return changes
  }

  /** This node's changes since the last call, as one delta; undefined when there were none. */
  takeDelta (): Delta | undefined {
    const version = { ...this.local.version }
    if (compareVersions(version, this.pendingBase) === 0) { return undefined }
    const joined: Entries = []
    const left: Entries = []
    for (const [group, ids] of this.pending) {
      const j: string[] = []
      const l: string[] = []
      for (const [id, isMember] of ids) { (isMember ? j : l).push(id) }
      if (j.length > 0) { joined.push([group, j]) }
      if (l.length > 0) { left.push([group, l]) }
    }
    const delta = { base: this.pendingBase, version, joined, left }
    this.pending = new Map()
    this.pendingBase = version
    return delta
  }

  /** An owner's memberships as they are now (this node's when no owner is given). */
  snapshot (owner = this.self): OwnerSnapshot | undefined {
    const groups = this.owners.get(owner)
    return groups == null ? undefined : { version: { ...groups.version }, entries: groups.entries() }
  }

  /** Replaces what is held for another owner with its snapshot, when the snapshot is newer. */
  merge (owner: string, snapshot: OwnerSnapshot): GroupChange[] {
    if (owner === this.self) { return [] }
    const held = this.owners.get(owner)
    if (held != null && compareVersions(snapshot.version, held.version) <= 0) { return [] }
    const next = new OwnerGroups({ ...snapshot.version })
    for (const [group, ids] of snapshot.entries) {
      for (const id of ids) { next.add(group, id) }
    }
    this.owners.set(owner, next)
    const changes: GroupChange[] = []
    for (const [group, ids] of held?.groups ?? []) {
      const now = next.groups.get(group)
      for (const id of ids) {
        if (now?.has(id) !== true) { changes.push({ kind: 'leave', group, ref: { node: owner, id } }) }
      }
    }
    for (const [group, ids] of next.groups) {
      const before = held?.groups.get(group)
      for (const id of ids) {
        if (before?.has(id) !== true) { changes.push({ kind: 'join', group, ref: { node: owner, id } }) }
      }
    }
    return changes
  }

  /** Applies another owner's delta when what is held lies in [base, version) of the same epoch. */
  applyDelta (owner: string, delta: Delta): { result: DeltaResult, changes: GroupChange[] } {
    if (owner === this.self) { return { result: 'stale', changes: [] } }
    const held = this.owners.get(owner)
    if (held == null || compareVersions(held.version, delta.base) < 0) { return { result: 'gap', changes: [] } }
    if (compareVersions(held.version, delta.version) >= 0) { return { result: 'stale', changes: [] } }
    const changes: GroupChange[] = []
    for (const [group, ids] of delta.left) {
      for (const id of ids) {
        if (held.remove(group, id)) { changes.push({ kind: 'leave', group, ref: { node: owner, id } }) }
      }
    }
    for (const [group, ids] of delta.joined) {
      for (const id of ids) {
        if (held.add(group, id)) { changes.push({ kind: 'join', group, ref: { node: owner, id } }) }
      }
    }
    held.version = { ...delta.version }
    return { result: 'applied', changes }
  }

  /** Forgets another owner (it left or died): its actors leave every group. */
  dropNode (owner: string): GroupChange[] {
    if (owner === this.self) { return [] }
    const held = this.owners.get(owner)
    if (held == null) { return [] }
    this.owners.delete(owner)
    const changes: GroupChange[] = []
    for (const [group, ids] of held.groups) {
      for (const id of ids) { changes.push({ kind: 'leave', group, ref: { node: owner, id } }) }
    }
    return changes
  }

  /** Owners other than this node that something is held for. */
  remoteOwners (): string[] {
    return [...this.owners.keys()].filter(owner => owner !== this.self)
  }

  /** Members of a group cluster-wide: this node's first, then by owner id, each owner's in join order. */
  members (group: string): ActorRef[] {
    const refs = this.localMembers(group)
    for (const owner of this.remoteOwners().sort()) {
      for (const id of this.owners.get(owner)?.groups.get(group) ?? []) { refs.push({ node: owner, id }) }
    }
    return refs
  }

  localMembers (group: string): ActorRef[] {
    return [...this.local.groups.get(group) ?? []].map(id => ({ node: this.self, id }))
  }

  /** Every group with at least one member anywhere, sorted. */
  which (): string[] {
    const groups = new Set<string>()
    for (const owner of this.owners.values()) {
      for (const group of owner.groups.keys()) { groups.add(group) }
    }
    return [...groups].sort()
  }

  private recordLocal (group: string, id: string, joined: boolean): void {
    this.local.version = { epoch: this.local.version.epoch, seq: this.local.version.seq + 1 }
    let ids = this.pending.get(group)
    if (ids == null) {
      ids = new Map()
      this.pending.set(group, ids)
    }
    // the state now, never a toggle: a replica that saw an earlier state than the base still ends right
    ids.set(id, joined)
  }
}
