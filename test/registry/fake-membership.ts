// A membership whose view the test sets by hand, for the registry's behaviour without the failure detector.
import { TypedEventEmitter } from '@libp2p/interface'
import type { Member, MemberStatus, Membership, MembershipEvents } from '../../src/membership/index.ts'

export class FakeMembership extends TypedEventEmitter<MembershipEvents> implements Membership {
  private readonly selfId: string
  private readonly view = new Map<string, Member>()
  private running = false

  constructor (selfId: string, others: string[] = []) {
    super()
    this.selfId = selfId
    for (const id of [selfId, ...others]) {
      this.view.set(id, member(id, 'alive'))
    }
  }

  start (): void { this.running = true }
  stop (): void { this.running = false }
  isStarted (): boolean { return this.running }

  self (): Member {
    const self = this.view.get(this.selfId)
    if (self == null) { throw new Error('self is missing from the view') }
    return self
  }

  members (): Member[] { return [...this.view.values()] }
  activeMembers (): Member[] { return this.members().filter(m => m.status === 'alive' || m.status === 'suspect') }
  get (id: string): Member | undefined { return this.view.get(id) }
  isActive (id: string): boolean { const status = this.view.get(id)?.status; return status === 'alive' || status === 'suspect' }

  join (id: string): void {
    const joined = member(id, 'alive')
    this.view.set(id, joined)
    this.safeDispatchEvent('member:join', { detail: joined })
  }

  /** a suspected member refuted the suspicion: alive again, as after a short partition */
  refute (id: string): void {
    const back = { ...(this.view.get(id) ?? member(id, 'alive')), status: 'alive' as const }
    this.view.set(id, back)
    this.safeDispatchEvent('member:alive', { detail: back })
  }

  /** marks the member gone and tells listeners, as the real membership does on a death or a graceful leave */
  leave (id: string, status: 'dead' | 'left' = 'dead'): void {
    const gone = { ...(this.view.get(id) ?? member(id, status)), status }
    this.view.set(id, gone)
    this.safeDispatchEvent('member:leave', { detail: gone })
  }
}

function member (id: string, status: MemberStatus): Member {
  return { id, name: id.slice(-6), roles: [], addresses: [], status, incarnation: 0 }
}
