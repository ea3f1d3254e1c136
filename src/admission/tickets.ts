// Admission tickets: what lets a browser member in without the cluster secret. The application authenticates its
// user, then a holder of the secret (its server) issues a short-lived ticket for the page's peer id; every member
// checks it with the same key, derived from the secret, and a page never learns the secret itself.
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { toString } from 'uint8arrays'
import { decodeSwarmKey } from '../node/private-network/swarm-key.ts'
import { Codec } from '../wire/codec.ts'
import { TICKET_VERSION, decodeTicket } from './ticket-claims.ts'
import type { TicketClaims } from './ticket-claims.ts'
import type { TicketVerdict } from './ticket-wire.ts'

/** keeps the ticket key apart from every other use of the cluster key */
const DOMAIN = new TextEncoder().encode('foundation-mesh admission ticket v1\n')
/** the longest a ticket may be valid: one hour */
export const MAX_TICKET_TTL = 60 * 60 * 1000

export interface TicketReading {
  verdict: TicketVerdict
  claims?: TicketClaims
}

/** The key tickets are signed with, from the cluster's swarm key file. */
export function ticketKey (swarmKeyFile: Uint8Array): Uint8Array {
  const key = decodeSwarmKey(swarmKeyFile)
  const input = new Uint8Array(DOMAIN.byteLength + key.byteLength)
  input.set(DOMAIN)
  input.set(key, DOMAIN.byteLength)
  return sha256(input)
}

/** A ticket as text (base64url), to hand to a page. */
export function issueTicket (key: Uint8Array, claims: TicketClaims, codec = new Codec()): string {
  const signed = codec.encode([TICKET_VERSION, claims.cluster, claims.peer, claims.roles, claims.expiresAt])
  const ticket = codec.encode([signed, hmac(sha256, key, signed)])
  return toString(ticket, 'base64url')
}

/** Checks a ticket presented to a member of `cluster`: its shape, its signature, its cluster and its expiry. */
export function readTicket (key: Uint8Array, ticket: Uint8Array, cluster: string, now: number, codec = new Codec()): TicketReading {
  const decoded = decodeTicket(ticket, codec)
  if (decoded == null) { return { verdict: 'malformed' } }
  const { signed, mac, claims } = decoded
  if (!equalBytes(hmac(sha256, key, signed), mac)) { return { verdict: 'forged' } }
  if (claims.cluster !== cluster) { return { verdict: 'other-cluster', claims } }
  if (claims.expiresAt <= now) { return { verdict: 'expired', claims } }
  return { verdict: 'admitted', claims }
}

/** in constant time for equal lengths: how much of a forged MAC matched says nothing */
function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) { return false }
  let diff = 0
  for (let i = 0; i < a.byteLength; i++) { diff |= a[i] ^ b[i] }
  return diff === 0
}
