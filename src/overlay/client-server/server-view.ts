// Which members serve: a pure function of the agreed member list, so every member that agrees on the list agrees on
// the servers without a vote. Rendezvous scores make the choice stable: a member joining or leaving changes the
// servers only when it ranks among them or was one.
import { hash32 } from '../../placement/hash.ts'
import { score } from '../../placement/rendezvous.ts'
import { serverCount } from './client-server-config.ts'
import type { ClientServerConfig } from './client-server-config.ts'

/** the key members are scored on for the server role */
const SERVER_KEY = 'foundation/overlay/servers'

/** The servers of one member list, best ranked first. */
export interface ServerView {
  readonly servers: readonly string[]
}

/** A member's score for the server role; the same on every node. */
export function serverScore (id: string): number {
  return score(SERVER_KEY, hash32(id))
}

/**
 * serverScore remembered by id: a member's score never changes, and ranking a list of thousands scores each of them.
 * `forget` drops a member that left, so the memo holds the members seen lately, not every one ever seen.
 */
export class ServerScores {
  private readonly scores = new Map<string, number>()

  readonly of = (id: string): number => {
    let score = this.scores.get(id)
    if (score == null) {
      score = serverScore(id)
      this.scores.set(id, score)
    }
    return score
  }

  forget (id: string): void {
    this.scores.delete(id)
  }
}

/**
 * The servers among `members`: the serverCount best scored. `scoreOf` may be a memo of serverScore (ServerScores), for
 * whoever ranks the members many times.
 */
export function serverView (members: readonly string[], config: Pick<ClientServerConfig, 'serverLinks' | 'minServers'>, scoreOf = serverScore): ServerView {
  const count = serverCount(members.length, config)
  const scored = members.map(id => ({ id, score: scoreOf(id) }))
  scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { servers: scored.slice(0, count).map(entry => entry.id) }
}

/** The servers in the order `client` prefers them: its own rendezvous ranking, so clients spread evenly. */
export function preferredServers (client: string, servers: readonly string[]): string[] {
  const seed = hash32(client)
  return servers
    .map(id => ({ id, score: score(id, seed) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .map(entry => entry.id)
}
