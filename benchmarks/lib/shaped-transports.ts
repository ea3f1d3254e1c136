// A slower link than loopback for nodes in one process: every chunk a raw connection receives is held back by its time
// on a link of the given bandwidth, in order, then by the one-way delay. Both ends hold back what they receive, so
// each direction is a link of its own, and the round trip is twice the delay.
import { multiaddr } from '@multiformats/multiaddr'
import { withRawConnections } from './raw-connections.ts'
import type { HostTransports } from '../../src/node/create-host.ts'
import type { MultiaddrConnection } from '@libp2p/interface'

export interface LinkShape {
  /** ms each chunk takes to cross, after its turn on the link */
  oneWayDelayMs: number
  /** bytes per second the link carries, each way */
  bytesPerSecond: number
}

export function shapedTransports (transports: HostTransports, shape: LinkShape): HostTransports {
  return withRawConnections(transports, (maConn) => shaped(maConn, shape))
}

/**
 * Holds back the connection's 'message' events (what it read from the socket) in a queue that one timer drains in
 * order. A chunk leaves the link when the chunks ahead of it have, plus its own bytes at the link's rate, and arrives
 * the delay later. Nothing pushes back on the sender: as on a real path, what bounds the bytes in flight is the
 * muxer's window, which the receiver only reopens once the chunks have arrived.
 */
function shaped (maConn: MultiaddrConnection, shape: LinkShape): MultiaddrConnection {
  // a link between hosts, not loopback: from the benchmarking range (RFC 2544), so what judges a link by its address
  // (compression's auto takes a peer on this host for a round trip of nothing) sees another host
  maConn.remoteAddr = multiaddr(maConn.remoteAddr.toString().replace(/^\/ip4\/127\.0\.0\.1\//, '/ip4/198.18.0.1/'))
  const dispatchEvent = maConn.dispatchEvent.bind(maConn)
  const queue: Array<{ at: number, event: Event }> = []
  let linkFreeAt = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let closed = false

  const deliver = (): void => {
    timer = undefined
    if (closed) { return }
    const now = performance.now()
    while (queue.length > 0 && queue[0].at <= now) {
      dispatchEvent((queue.shift() as { event: Event }).event)
    }
    schedule()
  }
  const schedule = (): void => {
    if (timer != null || queue.length === 0 || closed) { return }
    timer = setTimeout(deliver, Math.max(0, queue[0].at - performance.now()))
  }

  maConn.dispatchEvent = (event) => {
    if (event.type === 'close') {
      closed = true
      if (timer != null) { clearTimeout(timer) }
      queue.length = 0
    }
    if (event.type !== 'message' || closed) { return dispatchEvent(event) }
    const bytes = (event as Event & { data: { byteLength: number } }).data.byteLength
    const now = performance.now()
    linkFreeAt = Math.max(now, linkFreeAt) + bytes * 1000 / shape.bytesPerSecond
    queue.push({ at: linkFreeAt + shape.oneWayDelayMs, event })
    schedule()
    return true
  }
  return maConn
}
