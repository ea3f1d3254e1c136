// A member's connection protector when the cluster has a secret: a connection from another member (TCP) takes the
// private network, as always; a connection a browser opened over WebSockets, which cannot hold the secret, must
// first show an admission ticket. One that shows none in time, or a bad one, is closed before its handshake: it is
// served nothing. Once noise proves the browser's peer id, the gate checks it is the one the ticket names.
import { byteStream } from '@libp2p/utils'
import { Circuit, WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'
import { Codec } from '../wire/codec.ts'
import { MAX_TICKET_BYTES, TICKET_TIMEOUT, VERDICTS } from './ticket-wire.ts'
import { readTicket } from './tickets.ts'
import type { TicketClaims } from './ticket-claims.ts'
import type { TicketVerdict } from './ticket-wire.ts'
import type { AbortOptions, ConnectionProtector, MessageStream, MultiaddrConnection, PeerId } from '@libp2p/interface'

export interface TicketGateInit {
  cluster: string
  /** the key tickets are signed with (tickets.ts ticketKey) */
  key: Uint8Array
  /** what protects a connection from another member: the private network */
  members: ConnectionProtector
  /** ms since the epoch, for expiry (default Date.now) */
  now?(): number
  /** where the gate counts what it saw (default counters of its own) */
  stats?: TicketStats
}

/** Tickets seen at the gate, by verdict, and admitted connections whose peer id was not the ticket's. */
export type TicketStats = Record<TicketVerdict | 'missing' | 'wrong-peer', number>

export function emptyTicketStats (): TicketStats {
  return { admitted: 0, malformed: 0, forged: 0, expired: 0, 'other-cluster': 0, missing: 0, 'wrong-peer': 0 }
}

export function isBrowserConnection (connection: MultiaddrConnection): boolean {
  return WebSockets.matches(connection.remoteAddr) || WebSocketsSecure.matches(connection.remoteAddr)
}

/**
 * Pages whose granted roles a gate remembers at most: each admitted page adds one entry, the oldest goes first. A page
 * reloads with a new peer id, so entries of pages long gone would otherwise pile up; by the time one is pushed out,
 * its page's record was checked long ago.
 */
const MAX_GRANTS = 16_384

export class TicketGate implements ConnectionProtector {
  readonly stats: TicketStats
  private readonly init: TicketGateInit
  private readonly codec = new Codec()
  /** the claims of each admitted connection's ticket, until its handshake is checked */
  private readonly admitted = new WeakMap<object, TicketClaims>()
  /** the roles the tickets of admitted pages grant, by peer id, oldest first */
  private readonly grants = new Map<string, string[]>()

  constructor (init: TicketGateInit) {
    this.init = init
    this.stats = init.stats ?? emptyTicketStats()
  }

  readonly [Symbol.toStringTag] = 'foundation:ticket-gate'

  async protect (stream: MessageStream, options: AbortOptions = {}): Promise<MessageStream> {
    const connection = stream as MultiaddrConnection
    if (Circuit.matches(connection.remoteAddr)) { return relayed(connection, stream) }
    if (!isBrowserConnection(connection)) { return this.init.members.protect(stream, options) }
    // a member never dials a browser, and members reach each other over TCP: an outbound WebSockets connection is
    // one to a member, which would refuse it without a ticket
    if (connection.direction === 'outbound') { throw new Error('members connect to members over TCP, not WebSockets') }
    const bytes = byteStream(connection)
    const signal = AbortSignal.any([AbortSignal.timeout(TICKET_TIMEOUT), ...(options.signal != null ? [options.signal] : [])])
    let ticket: Uint8Array
    try {
      const head = (await bytes.read({ bytes: 2, signal })).subarray()
      const length = (head[0] << 8) | head[1]
      if (length === 0 || length > MAX_TICKET_BYTES) {
        await this.refuse(bytes, 'malformed', connection)
      }
      ticket = (await bytes.read({ bytes: length, signal })).subarray()
    } catch (err: any) {
      if (err instanceof TicketRefused) { throw err }
      this.stats.missing++
      throw new TicketRefused(`no admission ticket from ${connection.remoteAddr.toString()}: ${err.message}`)
    }
    const { verdict, claims } = readTicket(this.init.key, ticket, this.init.cluster, this.init.now?.() ?? Date.now(), this.codec)
    if (verdict !== 'admitted' || claims == null) { return this.refuse(bytes, verdict, connection) }
    this.stats.admitted++
    this.admitted.set(connection, claims)
    await bytes.write(Uint8Array.of(VERDICTS.indexOf('admitted')), { signal })
    return bytes.unwrap()
  }

  /**
   * For the connection gater, once noise has proved the remote's peer id: true (deny) for a browser connection whose
   * ticket named another peer. A ticket is good for the page it was issued to, not for whoever copies it.
   */
  deniesPeer (peer: PeerId, connection: MultiaddrConnection): boolean {
    if (!isBrowserConnection(connection)) { return false }
    const claims = this.admitted.get(connection)
    this.admitted.delete(connection)
    if (claims?.peer === peer.toString()) {
      this.grant(claims.peer, claims.roles)
      return false
    }
    this.stats['wrong-peer']++
    return true
  }

  /**
   * The roles the ticket of an admitted page grants (its last ticket, if it showed several), or undefined for a peer
   * no ticket let in here: a member, or a page admitted long ago.
   */
  rolesGranted (peer: string): string[] | undefined {
    return this.grants.get(peer)
  }

  private grant (peer: string, roles: string[]): void {
    this.grants.delete(peer)
    this.grants.set(peer, roles)
    if (this.grants.size > MAX_GRANTS) { this.grants.delete(this.grants.keys().next().value as string) }
  }

  private async refuse (bytes: ReturnType<typeof byteStream>, verdict: TicketVerdict, connection: MultiaddrConnection): Promise<never> {
    this.stats[verdict]++
    // the verdict is the page's to report by name; the connection closes either way
    await bytes.write(Uint8Array.of(VERDICTS.indexOf(verdict)), { signal: AbortSignal.timeout(1000) }).catch(() => {})
    throw new TicketRefused(`admission ticket from ${connection.remoteAddr.toString()} refused: ${verdict}`)
  }
}

/**
 * A connection through a relay: this member dialled a tab behind another member's relay, reached over the private
 * network, which took the tab in on its ticket; a tab has no private network to take. Nobody relays to a member, so
 * an inbound one is refused.
 */
function relayed (connection: MultiaddrConnection, stream: MessageStream): MessageStream {
  if (connection.direction === 'inbound') { throw new TicketRefused(`a relayed connection from ${connection.remoteAddr.toString()}: members take none`) }
  return stream
}

/** Why the gate closed a connection; libp2p logs it and closes the connection. */
export class TicketRefused extends Error {
  static readonly name = 'TicketRefused'

  constructor (message: string) {
    super(message)
    this.name = 'TicketRefused'
  }
}
