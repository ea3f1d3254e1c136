// Options of the client-server shape, and how many servers a cluster of a given size gets.
import { InvalidClientServerConfigError } from './errors.ts'

export interface ClientServerConfig {
  /** servers each client links to (default 2): one can fail and the client is still linked while it replaces it */
  serverLinks: number
  /** fewest servers, whatever the size (default 3) */
  minServers: number
  /** ms a LINK waits for its answer before the peer counts as refusing (default 1 s, as a NEIGHBOR's) */
  linkTimeout: number
  /** ms a peer that refused, failed or did not answer is not asked again (default 5 s) */
  retryInterval: number
  /**
   * links a server holds at most (default 280): past it, it refuses clients, which go to their next server.
   * Rendezvous spreads clients evenly on average, but at 10,000 members the busiest server would hold 315 links,
   * past libp2p's cap of 300 connections
   */
  maxServerLinks: number
}

export const DEFAULT_CLIENT_SERVER_CONFIG: Readonly<ClientServerConfig> = Object.freeze({
  serverLinks: 2,
  minServers: 3,
  linkTimeout: 1000,
  retryInterval: 5000,
  maxServerLinks: 280
})

/**
 * Servers for `members` members: the count that keeps a server's links fewest, √(serverLinks · members), since a
 * server links to every other server and to its share of the clients, (S - 1) + serverLinks · members / S. At
 * 5,000 members that is 100 servers of about 200 links each, at 10,000 about 142 of 283: under libp2p's cap of 300
 * connections, where a full mesh of 10,000 would need 9,999 each.
 */
export function serverCount (members: number, config: Pick<ClientServerConfig, 'serverLinks' | 'minServers'>): number {
  const best = Math.ceil(Math.sqrt(config.serverLinks * members))
  return Math.min(members, Math.max(config.minServers, best))
}

export function resolveClientServerConfig (options: Partial<ClientServerConfig> = {}): ClientServerConfig {
  const config = { ...DEFAULT_CLIENT_SERVER_CONFIG, ...options }
  const bad = Object.entries(config).filter(([, value]) => !Number.isInteger(value) || value < 1).map(([key]) => key)
  if (bad.length > 0) { throw new InvalidClientServerConfigError(bad, 'must be whole numbers of at least 1') }
  return config
}
