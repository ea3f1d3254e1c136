// How a browser presents its admission ticket to a member: before anything else on the connection, the ticket as a
// 2-byte length and its bytes; the member answers with one byte, its verdict, and closes the connection unless it
// admitted it. Shared by both sides; nothing here is Node-only.
import { fromString } from 'uint8arrays'

/** the most bytes a ticket may have: a member reads no more before it refuses */
export const MAX_TICKET_BYTES = 2048
/** how long a member waits for a ticket before it closes the connection */
export const TICKET_TIMEOUT = 5000

export type TicketVerdict = 'admitted' | 'malformed' | 'forged' | 'expired' | 'other-cluster'

/** the verdicts by the byte that carries them */
export const VERDICTS: readonly TicketVerdict[] = ['admitted', 'malformed', 'forged', 'expired', 'other-cluster']

/** A member refused this page's ticket: it was malformed, not signed with the cluster's key, expired, or another cluster's. */
export class TicketRefusedError extends Error {
  static readonly name = 'TicketRefusedError'
  readonly reason: Exclude<TicketVerdict, 'admitted'> | 'unknown'

  constructor (reason: TicketRefusedError['reason'], member: string) {
    super(`${member} refused this member's admission ticket: ${reason === 'unknown' ? 'for a reason it did not say' : reason}`)
    this.name = 'TicketRefusedError'
    this.reason = reason
  }
}

/** The ticket's frame: its length in 2 bytes, big-endian, then its bytes. */
export function ticketFrame (ticket: Uint8Array): Uint8Array {
  if (ticket.byteLength === 0 || ticket.byteLength > MAX_TICKET_BYTES) { throw new RangeError(`a ticket has 1 to ${MAX_TICKET_BYTES} bytes`) }
  const frame = new Uint8Array(2 + ticket.byteLength)
  new DataView(frame.buffer).setUint16(0, ticket.byteLength)
  frame.set(ticket, 2)
  return frame
}

/**
 * No bootstrap member took this page in, nor said why: none reachable over WebSockets, a cluster with a secret and no
 * ticket given, or a ticket for another peer id.
 */
export class AdmissionTimeoutError extends Error {
  static readonly name = 'AdmissionTimeoutError'

  constructor (timeout: number) {
    super(`no member took this member in within ${timeout} ms: are the bootstrap members reachable over WebSockets, and does the cluster have a secret (then a ticket is needed)?`)
    this.name = 'AdmissionTimeoutError'
  }
}

/** A ticket's bytes from its text; undefined for text that is no base64url. */
export function ticketBytes (text: string): Uint8Array | undefined {
  try {
    return fromString(text, 'base64url')
  } catch {
    return undefined
  }
}
