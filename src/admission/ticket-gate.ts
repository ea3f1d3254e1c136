// A member's connection protector when the cluster has a secret: a connection from another member (TCP) takes the
// private network, as always; a connection a browser opened over WebSockets, which cannot hold the secret, must
// first show an admission ticket. One that shows none in time, or a bad one, is closed before its handshake: it is
// served nothing. Once noise proves the browser's peer id, the gate checks it is the one the ticket names.
import { byteStream } from '@libp2p/utils'
import { WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'
import { Codec } from '../wire/codec.ts'
import { MAX_TICKET_BYTES, TICKET_TIMEOUT, VERDICTS } from './ticket-wire.ts'
import { readTicket } from './tickets.ts'
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

export class TicketGate implements ConnectionProtector {
  readonly stats: TicketStats
  private readonly init: TicketGateInit
  private readonly codec = new Codec()
  /** the peer each admitted connection's ticket names, until its handshake is checked */
  private readonly admitted = new WeakMap<object, string>()

  constructor (init: TicketGateInit) {
    this.init = init
    this.stats = init.stats ?? emptyTicketStats()
  }

  readonly [Symbol.toStringTag] = 'foundation:ticket-gate'

  async protect (stream: MessageStream, options: AbortOptions = {}): Promise<MessageStream> {
    const connection = stream as MultiaddrConnection
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
    this.admitted.set(connection, claims.peer)
    await bytes.write(Uint8Array.of(VERDICTS.indexOf('admitted')), { signal })
    return bytes.unwrap()
  }

  /**
   * For the connection gater, once noise has proved the remote's peer id: true (deny) for a browser connection whose
   * ticket named another peer. A ticket is good for the page it was issued to, not for whoever copies it.
   */
  deniesPeer (peer: PeerId, connection: MultiaddrConnection): boolean {
    if (!isBrowserConnection(connection)) { return false }
    const named = this.admitted.get(connection)
    this.admitted.delete(connection)
    if (named === peer.toString()) { return false }
    this.stats['wrong-peer']++
    return true
  }

  private async refuse (bytes: ReturnType<typeof byteStream>, verdict: TicketVerdict, connection: MultiaddrConnection): Promise<never> {
    this.stats[verdict]++
    // the verdict is the page's to report by name; the connection closes either way
    await bytes.write(Uint8Array.of(VERDICTS.indexOf(verdict)), { signal: AbortSignal.timeout(1000) }).catch(() => {})
    throw new TicketRefused(`admission ticket from ${connection.remoteAddr.toString()} refused: ${verdict}`)
  }
}

/** Why the gate closed a connection; libp2p logs it and closes the connection. */
export class TicketRefused extends Error {
  static readonly name = 'TicketRefused'

  constructor (message: string) {
    super(message)
    this.name = 'TicketRefused'
  }
}
