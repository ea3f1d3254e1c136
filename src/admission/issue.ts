// Foundation.issueTicket: what an application's server calls, once it has authenticated a user, to let that user's
// page join. It needs the cluster's secret and nothing else: no running node.
import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_CLUSTER } from '../config/defaults.ts'
import { ConfigError } from '../config/errors.ts'
import { preSharedKeyFrom } from '../config/secret.ts'
import { isReservedRole } from '../membership/reserved-roles.ts'
import { MAX_TICKET_TTL, issueTicket, ticketKey } from './tickets.ts'

/** how long a ticket is good for, unless asked: a page uses it at once */
export const DEFAULT_TICKET_TTL = 60_000

export interface IssueTicketOptions {
  /** the cluster's secret, as its Node members have it */
  secret: string
  /** the cluster the page joins (default 'foundation') */
  clusterName?: string
  /** the page's peer id, as `Foundation.start` in the page hands it to its `ticket` function */
  peerId: string
  /** roles the page may take (default none) */
  roles?: string[]
  /** ms the ticket is good for (default 60 s, at most 1 h): a connection admitted before it expires stays */
  ttl?: number
}

/** A ticket's text for the page; throws ConfigError naming a wrong option. */
export function issueAdmissionTicket (options: IssueTicketOptions, now = Date.now()): string {
  const { secret, peerId, roles = [], ttl = DEFAULT_TICKET_TTL, clusterName = DEFAULT_CLUSTER } = options
  if (typeof secret !== 'string' || secret.length === 0) { throw new ConfigError('secret', 'the cluster\'s secret', secret) }
  try {
    peerIdFromString(peerId)
  } catch {
    throw new ConfigError('peerId', 'a peer id such as 12D3KooW...', peerId)
  }
  if (!Array.isArray(roles) || roles.some(role => typeof role !== 'string' || role.length === 0 || isReservedRole(role))) {
    throw new ConfigError('roles', 'an array of non-empty strings not beginning with "$"', roles)
  }
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TICKET_TTL) { throw new ConfigError('ttl', `a duration in ms from 1 to ${MAX_TICKET_TTL}`, ttl) }
  return issueTicket(ticketKey(preSharedKeyFrom(secret)), { cluster: clusterName, peer: peerId, roles, expiresAt: now + ttl })
}
