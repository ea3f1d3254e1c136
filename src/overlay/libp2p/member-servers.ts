// The client-server shape's servers as this node works them out from membership's member list: every member with
// the same list works out the same ones (server-view.ts). Worked out again only after the list changed.
import { isBrowser } from '../../membership/reserved-roles.ts'
import { ServerScores, serverView } from '../client-server/server-view.ts'
import type { Membership } from '../../membership/index.ts'
import type { ClientServerConfig, ServerView } from '../client-server/index.ts'

export class MemberServers {
  private readonly membership: Membership
  private readonly self: string
  private readonly config: ClientServerConfig
  private readonly scores = new ServerScores()
  private changed = true

  constructor (membership: Membership, self: string, config: ClientServerConfig) {
    this.membership = membership
    this.self = self
    this.config = config
  }

  /** A member joined or left. */
  markChanged (gone?: string): void {
    this.changed = true
    if (gone != null) { this.scores.forget(gone) }
  }

  /** The servers of the member list now, if it changed since the last call. */
  viewIfChanged (): ServerView | undefined {
    if (!this.changed) { return undefined }
    this.changed = false
    // servers are dialled by their clients: a browser tab, which nobody can dial, is never one
    const members = this.membership.members().filter(m => (m.status === 'alive' || m.status === 'suspect') && !isBrowser(m)).map(m => m.id)
    if (!members.includes(this.self) && !isBrowser(this.membership.self())) { members.push(this.self) }
    return serverView(members, this.config, this.scores.of)
  }
}
