// Partition events and quorum: from one node a partition and a crash look alike, so members declared dead count as
// unreachable (not gone) until they come back or are forgotten.
import { TypedEventEmitter } from '@libp2p/interface'
import { DEFAULT_DEAD_REDIAL_WINDOW } from '../node/connector.ts'
import type { Member, Membership } from '../membership/index.ts'

/**
 * How long a dead member still counts as unreachable: the connector's dead-redial window, after which nothing tries
 * to reach it again, so it no longer counts towards the size of the cluster.
 */
export const DEFAULT_FORGET_AFTER = DEFAULT_DEAD_REDIAL_WINDOW

export interface PartitionDetail {
  /** ids of the members declared dead (not left) and not yet forgotten, sorted */
  unreachable: string[]
  /** active members (alive or suspect), this node included */
  reachable: number
  /** reachable + unreachable: the size the cluster had before it split */
  knownSize: number
  /** true when the reachable members are more than half of knownSize */
  majority: boolean
}

export interface PartitionEvents {
  /** members became unreachable; the detail is the state after the change */
  'partition:detected': CustomEvent<PartitionDetail>
  /** unreachable members came back; `returned` are their ids */
  'partition:healed': CustomEvent<PartitionDetail & { returned: string[] }>
}

export interface PartitionWatchComponents {
  membership: Pick<Membership, 'members' | 'activeMembers' | 'addEventListener' | 'removeEventListener'>
  /** clock in ms (default Date.now) */
  now?(): number
}

export interface PartitionWatchInit {
  /** ms after which a dead member is no longer counted as unreachable (default DEFAULT_FORGET_AFTER, 10 minutes) */
  forgetAfter?: number
}

export type QuorumRequirement = 'majority' | number

export class PartitionWatch extends TypedEventEmitter<PartitionEvents> {
  private readonly membership: PartitionWatchComponents['membership']
  private readonly now: () => number
  private readonly forgetAfter: number
  /** unreachable member id → when it was declared dead */
  private readonly dead = new Map<string, number>()
  private running = false

  constructor (components: PartitionWatchComponents, init: PartitionWatchInit = {}) {
    super()
    this.membership = components.membership
    this.now = components.now ?? Date.now
    this.forgetAfter = init.forgetAfter ?? DEFAULT_FORGET_AFTER
    if (!Number.isFinite(this.forgetAfter) || this.forgetAfter < 0) {
      throw new RangeError(`forgetAfter must be a number of ms >= 0, got ${String(init.forgetAfter)}`)
    }
  }

  isStarted (): boolean {
    return this.running
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    // members already dead when the watch starts are unreachable from now on
    const now = this.now()
    for (const member of this.membership.members()) {
      if (member.status === 'dead') { this.dead.set(member.id, now) }
    }
    this.membership.addEventListener('member:leave', this.onLeave)
    this.membership.addEventListener('member:join', this.onJoin)
  }

  stop (): void {
    if (!this.running) { return }
    this.running = false
    this.membership.removeEventListener('member:leave', this.onLeave)
    this.membership.removeEventListener('member:join', this.onJoin)
    this.dead.clear()
  }

  /** Ids of the members declared dead and not yet forgotten, sorted. */
  unreachable (): string[] {
    this.forget()
    return [...this.dead.keys()].sort()
  }

  /** Active members plus unreachable ones. */
  knownSize (): number {
    this.forget()
    return this.membership.activeMembers().length + this.dead.size
  }

  /** 'majority': more than half of knownSize is reachable; a number n: at least n members are active. */
  hasQuorum (required: QuorumRequirement): boolean {
    const active = this.membership.activeMembers().length
    if (required === 'majority') { return active > this.knownSize() / 2 }
    return active >= required
  }

  detail (): PartitionDetail {
    const unreachable = this.unreachable()
    const reachable = this.membership.activeMembers().length
    const knownSize = reachable + unreachable.length
    return { unreachable, reachable, knownSize, majority: reachable > knownSize / 2 }
  }

  private readonly onLeave = (evt: CustomEvent<Member>): void => {
    const { id, status } = evt.detail
    if (status === 'left') {
      // it said goodbye: gone, not cut off
      this.dead.delete(id)
      return
    }
    if (status !== 'dead' || this.dead.has(id)) { return }
    this.dead.set(id, this.now())
    this.safeDispatchEvent('partition:detected', { detail: this.detail() })
  }

  private readonly onJoin = (evt: CustomEvent<Member>): void => {
    const { id } = evt.detail
    this.forget()
    if (!this.dead.delete(id)) { return }
    this.safeDispatchEvent('partition:healed', { detail: { ...this.detail(), returned: [id] } })
  }

  /** Drops the members dead for longer than forgetAfter: nothing redials them any more. */
  private forget (): void {
    const horizon = this.now() - this.forgetAfter
    for (const [id, since] of this.dead) {
      if (since <= horizon) { this.dead.delete(id) }
    }
  }
}
