// The local view of the other members, and the rule that decides which of two records about one member wins.
import type { MemberRecord, MemberStatus } from '../index.ts'

/** At one incarnation, later statuses win: a suspicion beats an older alive, a death beats a suspicion. */
const RANK: Record<MemberStatus, number> = { alive: 0, suspect: 1, dead: 2, left: 3 }

/**
 * True when `next` should replace `current`. Only the member raises its incarnation, so a higher one is
 * newer news; 'left' is final because the member said so itself. A dead member can come back only with a
 * higher incarnation (it refuted a false verdict), which stale gossip never carries.
 */
export function supersedes (next: MemberRecord, current: MemberRecord): boolean {
  if (current.status === 'left') { return false }
  if (next.incarnation !== current.incarnation) { return next.incarnation > current.incarnation }
  return RANK[next.status] > RANK[current.status]
}

export function isActiveStatus (status: MemberStatus): boolean {
  return status === 'alive' || status === 'suspect'
}

export function copyMember (member: MemberRecord): MemberRecord {
  return { ...member, roles: [...member.roles], addresses: [...member.addresses] }
}

export interface MemberEntry {
  member: MemberRecord
  /** when this node last saw the status change */
  changedAt: number
}

export class MemberTable {
  private readonly entries = new Map<string, MemberEntry>()
  /** kept up to date on every change: timers and retransmit limits ask for it on every message */
  private active = 0

  get (id: string): MemberEntry | undefined {
    return this.entries.get(id)
  }

  set (member: MemberRecord, now: number): MemberEntry {
    const previous = this.entries.get(member.id)
    const changedAt = previous?.member.status === member.status && previous.member.incarnation === member.incarnation
      ? previous.changedAt
      : now
    const entry = { member: copyMember(member), changedAt }
    this.entries.set(member.id, entry)
    this.active += Number(isActiveStatus(member.status)) - Number(previous != null && isActiveStatus(previous.member.status))
    return entry
  }

  delete (id: string): void {
    const previous = this.entries.get(id)
    if (previous != null && isActiveStatus(previous.member.status)) { this.active-- }
    this.entries.delete(id)
  }

  values (): IterableIterator<MemberEntry> {
    return this.entries.values()
  }

  /** Members counted as part of the cluster (alive or suspect). */
  activeCount (): number {
    return this.active
  }
}
