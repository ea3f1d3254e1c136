// The members a channel's publication goes to: every other active member but browser tabs (which take no channel),
// listed once per change of the membership rather than on every publish.
import { isBrowser } from '../../membership/reserved-roles.ts'
import type { Membership } from '../../membership/index.ts'

export type ChannelMembership = Pick<Membership, 'activeMembers'>

export class OtherMembers {
  private readonly membership: ChannelMembership
  private readonly self: string
  private listed: string[] | undefined

  constructor (membership: ChannelMembership, self: string) {
    this.membership = membership
    this.self = self
  }

  ids (): readonly string[] {
    this.listed ??= this.membership.activeMembers().filter(m => m.id !== this.self && !isBrowser(m)).map(m => m.id)
    return this.listed
  }

  /** A member joined or left: the list is made again when next asked. */
  changed (): void {
    this.listed = undefined
  }
}
