// What membership gives the client-server shape in the overlay simulation: the agreed member list, turned into the
// servers every node computes alike. Membership itself is not simulated here (its own simulations cover it): the
// list changes a detection delay after a join or crash, on every node at once, and is ranked once for all of them.
import { ServerScores, serverView } from '../overlay/client-server/index.ts'
import type { ClientServerConfig, ServerView } from '../overlay/client-server/index.ts'

export class AgreedServers {
  private readonly config: ClientServerConfig
  /** a pure function of the id, so one memo serves every node */
  private readonly scores = new ServerScores()
  private due = false

  constructor (config: ClientServerConfig) {
    this.config = config
  }

  /** Whether a change is waiting to be announced; marks one, and answers whether one was already waiting. */
  markChanged (): boolean {
    const waiting = this.due
    this.due = true
    return waiting
  }

  /** The servers of the members up now; clears the waiting change. */
  view (members: readonly string[]): ServerView {
    this.due = false
    return serverView(members, this.config, this.scores.of)
  }
}
