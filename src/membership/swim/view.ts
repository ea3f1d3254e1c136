// This node's view of the cluster: its own record, the others', and which of them it talks to directly.
import { isBrowser } from '../reserved-roles.ts'
import { copyMember, isActiveStatus } from './member-table.ts'
import type { MemberTable } from './member-table.ts'
import type { MemberRecord, MemberStatus } from '../index.ts'

export type SelfUpdate = Partial<Pick<MemberRecord, 'name' | 'roles' | 'addresses'>>

/** Signs this node's own record (see member-proofs.ts); the simulator runs without. */
export type SelfSigner = (self: MemberRecord) => Uint8Array

export class View {
  /** this node's own record; only this node changes it */
  readonly self: MemberRecord
  readonly table: MemberTable
  private readonly sign: SelfSigner | undefined
  private neighbours?: Set<string>

  constructor (self: Pick<MemberRecord, 'id' | 'name' | 'roles' | 'addresses'>, table: MemberTable, sign?: SelfSigner) {
    this.self = {
      id: self.id,
      name: self.name,
      roles: [...self.roles],
      addresses: [...self.addresses],
      status: 'alive',
      incarnation: 0
    }
    this.table = table
    this.sign = sign
    this.prove()
  }

  get hasLeft (): boolean {
    return this.self.status === 'left'
  }

  /** Every known member, self first, as copies the caller may keep. */
  members (): MemberRecord[] {
    const all = [copyMember(this.self)]
    for (const entry of this.table.values()) { all.push(copyMember(entry.member)) }
    return all
  }

  get (id: string): MemberRecord | undefined {
    if (id === this.self.id) { return copyMember(this.self) }
    const entry = this.table.get(id)
    return entry == null ? undefined : copyMember(entry.member)
  }

  isActive (id: string): boolean {
    const member = id === this.self.id ? this.self : this.table.get(id)?.member
    return member != null && isActiveStatus(member.status)
  }

  /** The status held for another member, undefined for a stranger. */
  statusOf (id: string): MemberStatus | undefined {
    return this.table.get(id)?.member.status
  }

  /** Undefined means every known member (full mesh). */
  setNeighbours (ids?: Iterable<string>): void {
    this.neighbours = ids == null ? undefined : new Set(ids)
  }

  /**
   * A member this node may probe, relay to or tell of its leave: an active neighbour. A tab never addresses another
   * tab: tabs are linked only where an application's calls open a link (WebRTC, or through a member's relay), and the
   * Node members they are connected to watch them.
   */
  isEligible (id: string): boolean {
    if (id === this.self.id) { return false }
    if (this.neighbours != null && !this.neighbours.has(id)) { return false }
    const entry = this.table.get(id)
    return entry != null && isActiveStatus(entry.member.status) && !(isBrowser(entry.member) && isBrowser(this.self))
  }

  /** Whether probing is restricted to neighbours (the overlay's partial views). */
  get watchesNeighboursOnly (): boolean {
    return this.neighbours != null
  }

  /**
   * Active members outside the neighbours. Nobody's neighbour watches one whose own neighbours all left or crashed at
   * once: a probe of a random one now and then still finds it out. Never a browser tab: a probe of a stranger dials
   * it, and nobody can dial a tab; the members it dialled watch it.
   */
  strangers (): string[] {
    const neighbours = this.neighbours
    if (neighbours == null) { return [] }
    const ids: string[] = []
    for (const entry of this.table.values()) {
      const member = entry.member
      if (!neighbours.has(member.id) && isActiveStatus(member.status) && !isBrowser(member)) { ids.push(member.id) }
    }
    return ids
  }

  eligible (): string[] {
    const ids: string[] = []
    for (const entry of this.table.values()) {
      if (this.isEligible(entry.member.id)) { ids.push(entry.member.id) }
    }
    return ids
  }

  /** Eligible members not under suspicion: the ones worth asking for help or a sync. */
  eligibleAlive (): string[] {
    return this.eligible().filter(id => this.statusOf(id) === 'alive')
  }

  /**
   * Eligible members alive that may probe for others: not a browser tab, which reaches only the members it dialled,
   * and whose timers a background tab throttles.
   */
  helpers (): string[] {
    return this.eligibleAlive().filter(id => {
      const member = this.get(id)
      return member != null && !isBrowser(member)
    })
  }

  updateSelf (update: SelfUpdate): void {
    if (update.name != null) { this.self.name = update.name }
    if (update.roles != null) { this.self.roles = [...update.roles] }
    if (update.addresses != null) { this.self.addresses = [...update.addresses] }
    // a new incarnation makes the news win over every older record of this node
    this.self.incarnation++
    this.prove()
  }

  /** A refutation: this node's record at a higher incarnation, which wins over the doubt. */
  raiseIncarnation (incarnation: number): void {
    this.self.incarnation = incarnation
    this.prove()
  }

  /** Final for this life of the node: a restart builds a new core. */
  markLeft (): void {
    this.self.status = 'left'
    this.prove()
  }

  /** Every change of this node's record is signed anew: the others believe no word of it without. */
  private prove (): void {
    if (this.sign != null) { this.self.proof = this.sign(this.self) }
  }
}
