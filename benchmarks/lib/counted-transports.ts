// Counts the bytes a node's transports carry, under encryption and muxing: what its sockets would read and write.
// For nodes in one process, where /proc's per-process counters cannot tell one node from another.
import { withRawConnections } from './raw-connections.ts'
import type { HostTransports } from '../../src/node/create-host.ts'
import type { MultiaddrConnection } from '@libp2p/interface'

/** Bytes through one node's raw connections, both directions, since it started. */
export class ByteCounter {
  sent = 0
  received = 0

  get total (): number {
    return this.sent + this.received
  }
}

/** The same transports, every raw connection they open or accept counted in `counter`. */
export function countedTransports (transports: HostTransports, counter: ByteCounter): HostTransports {
  return withRawConnections(transports, (maConn) => track(maConn, counter))
}

/**
 * Counts what the connection sends and what it delivers. As `@libp2p/prometheus-metrics` does, reads are seen by
 * wrapping dispatchEvent, not by a 'message' listener: a listener added this early would make the connection
 * deliver buffered data before the upgrader reads it.
 */
function track (maConn: MultiaddrConnection, counter: ByteCounter): MultiaddrConnection {
  const send = maConn.send.bind(maConn)
  maConn.send = (data) => {
    counter.sent += data.byteLength
    return send(data)
  }
  const dispatchEvent = maConn.dispatchEvent.bind(maConn)
  maConn.dispatchEvent = (event) => {
    if (event.type === 'message') { counter.received += (event as Event & { data: { byteLength: number } }).data.byteLength }
    return dispatchEvent(event)
  }
  return maConn
}
