// Keeps the registry in step with membership: a member that joins is asked for its names, one that leaves takes them away.
// A member that comes back after a partition joins again (or, after a short one, refutes a suspicion): it is asked
// again, since both sides may have registered the same names meanwhile; after a refuted suspicion, whatever it said
// it holds, since what it said while cut off may not have arrived.
import type { NameCache } from './name-cache.ts'
import type { NameChanged } from './name-events.ts'
import type { NameSync } from './name-sync.ts'
import type { NameWriter } from './name-writer.ts'
import type { Member, Membership } from '../membership/index.ts'

export interface MemberWatchComponents {
  membership: Membership
  cache: NameCache
  sync: Pick<NameSync, 'joined' | 'pull' | 'forget'>
  writer: Pick<NameWriter, 'retireNode'>
  changed: NameChanged
  self(): string
}

export class MemberWatch {
  private readonly components: MemberWatchComponents

  constructor (components: MemberWatchComponents) {
    this.components = components
  }

  start (): void {
    this.components.membership.addEventListener('member:join', this.onMemberJoin)
    this.components.membership.addEventListener('member:leave', this.onMemberLeave)
    this.components.membership.addEventListener('member:alive', this.onMemberAlive)
  }

  stop (): void {
    this.components.membership.removeEventListener('member:join', this.onMemberJoin)
    this.components.membership.removeEventListener('member:leave', this.onMemberLeave)
    this.components.membership.removeEventListener('member:alive', this.onMemberAlive)
  }

  private readonly onMemberJoin = (evt: CustomEvent<Member>): void => {
    const node = evt.detail.id
    if (node === this.components.self()) {
      return
    }

    // "found nowhere" was said without this member's names (or while they could not reach us)
    this.components.cache.dropAbsent()
    this.components.sync.joined(node)
  }

  private readonly onMemberAlive = (evt: CustomEvent<Member>): void => {
    const node = evt.detail.id
    if (node === this.components.self()) {
      return
    }

    this.components.cache.dropAbsent()
    this.components.sync.pull(node)
  }

  private readonly onMemberLeave = (evt: CustomEvent<Member>): void => {
    const node = evt.detail.id
    if (node === this.components.self()) {
      return
    }

    this.components.sync.forget(node)

    for (const record of this.components.cache.dropNode(node)) {
      this.components.changed('name:unregistered', record, 'node-left', false)
    }

    this.components.writer.retireNode(node)
  }
}
