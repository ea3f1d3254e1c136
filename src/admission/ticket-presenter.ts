// A browser member's side of admission: before anything else on each connection it opens, it shows its ticket and
// reads the member's verdict. A refusal fails that dial with TicketRefusedError, which the start reports by name.
import { byteStream } from '@libp2p/utils'
import { Circuit } from '@multiformats/multiaddr-matcher'
import { TICKET_TIMEOUT, TicketRefusedError, VERDICTS, ticketFrame } from './ticket-wire.ts'
import type { AbortOptions, ConnectionProtector, MessageStream, MultiaddrConnection } from '@libp2p/interface'

export class TicketPresenter implements ConnectionProtector {
  private readonly frame: Uint8Array
  /** the last refusal, for a start that never joined to say why */
  refusal: TicketRefusedError | undefined

  constructor (ticket: Uint8Array) {
    this.frame = ticketFrame(ticket)
  }

  readonly [Symbol.toStringTag] = 'foundation:ticket-presenter'

  async protect (stream: MessageStream, options: AbortOptions = {}): Promise<MessageStream> {
    const connection = stream as MultiaddrConnection
    // a connection through a relay is to or from another tab, or from a member that holds no link to this one: the
    // member relaying it took both ends in, and neither end has a gate to show a ticket to
    if (isRelayed(connection)) { return stream }
    const bytes = byteStream(connection)
    const signal = options.signal ?? AbortSignal.timeout(TICKET_TIMEOUT)
    await bytes.write(this.frame, { signal })
    let verdict: string | undefined
    try {
      verdict = VERDICTS[(await bytes.read({ bytes: 1, signal })).subarray()[0]]
    } catch (err: any) {
      // closed without a verdict: whatever refused it, a member would have said so
      throw new Error(`${connection.remoteAddr.toString()} closed the connection before answering the admission ticket: ${err.message}`, { cause: err })
    }
    if (verdict !== 'admitted') {
      this.refusal = new TicketRefusedError(verdict == null ? 'unknown' : verdict as TicketRefusedError['reason'], connection.remoteAddr.toString())
      throw this.refusal
    }
    return bytes.unwrap()
  }
}

function isRelayed (connection: MultiaddrConnection): boolean {
  return Circuit.matches(connection.remoteAddr)
}
