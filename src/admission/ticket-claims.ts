// What an admission ticket says, read without its key: the member that checks a ticket and the page that holds one
// both need its claims, and the page's bundle must not carry the cluster key's Node-only cipher code.
import { Codec } from '../wire/codec.ts'

/** the ticket format's version, first of the signed fields */
export const TICKET_VERSION = 1
/** bytes of a ticket's HMAC-SHA256 */
export const MAC_LENGTH = 32

/** What a ticket says: who may join which cluster, with which roles, until when. */
export interface TicketClaims {
  cluster: string
  /** the page's peer id */
  peer: string
  /** roles the page may take (default none) */
  roles: string[]
  /** ms since the epoch */
  expiresAt: number
}

export interface DecodedTicket {
  signed: Uint8Array
  mac: Uint8Array
  claims: TicketClaims
}

export function decodeTicket (ticket: Uint8Array, codec: Codec): DecodedTicket | undefined {
  try {
    const [signed, mac] = codec.decode(ticket) as [unknown, unknown]
    if (!(signed instanceof Uint8Array) || !(mac instanceof Uint8Array) || mac.byteLength !== MAC_LENGTH) { return undefined }
    const claims = claimsOf(codec.decode(signed))
    return claims == null ? undefined : { signed, mac, claims }
  } catch {
    return undefined
  }
}

/**
 * What a ticket claims, unchecked: a page holds no key to check its own ticket with, but can tell before it joins
 * that the roles it asks for are not the ones granted. Undefined for what is not a ticket.
 */
export function ticketClaims (ticket: Uint8Array, codec = new Codec()): TicketClaims | undefined {
  return decodeTicket(ticket, codec)?.claims
}

function claimsOf (fields: unknown): TicketClaims | undefined {
  if (!Array.isArray(fields) || fields.length !== 5 || fields[0] !== TICKET_VERSION) { return undefined }
  const [, cluster, peer, roles, expiresAt] = fields as unknown[]
  if (typeof cluster !== 'string' || typeof peer !== 'string' || peer.length === 0 || peer.length > 256) { return undefined }
  if (!Array.isArray(roles) || roles.length > 64 || !roles.every(role => typeof role === 'string' && role.length > 0 && role.length <= 256)) { return undefined }
  if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt)) { return undefined }
  return { cluster, peer, roles: roles as string[], expiresAt }
}
