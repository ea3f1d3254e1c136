// Counts the bytes a node's transports carry, under encryption and muxing: what its sockets would read and write.
// For nodes in one process, where /proc's per-process counters cannot tell one node from another.
import type { HostTransports } from '../../src/node/create-host.ts'
import type { MultiaddrConnection, Transport, Upgrader } from '@libp2p/interface'

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
  return transports.map(factory => (components) => countedTransport(factory(components), counter))
}

/**
 * A transport upgrades the raw connections it makes itself (encryption, then the muxer), so the count goes into
 * the upgrader it is handed on each dial and listen; everything else passes through untouched.
 */
function countedTransport (transport: Transport, counter: ByteCounter): Transport {
  return new Proxy(transport, {
    get (target, property) {
      if (property === 'dial') {
        return async (...[ma, options]: Parameters<Transport['dial']>) =>
          target.dial(ma, { ...options, upgrader: countedUpgrader(options.upgrader, counter) })
      }
      if (property === 'createListener') {
        return (...[options]: Parameters<Transport['createListener']>) =>
          target.createListener({ ...options, upgrader: countedUpgrader(options.upgrader, counter) })
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

function countedUpgrader (upgrader: Upgrader, counter: ByteCounter): Upgrader {
  return new Proxy(upgrader, {
    get (target, property) {
      if (property === 'upgradeInbound' || property === 'upgradeOutbound') {
        const upgrade = Reflect.get(target, property, target) as (maConn: MultiaddrConnection, opts: unknown) => Promise<unknown>
        return async (maConn: MultiaddrConnection, opts: unknown) => upgrade.call(target, track(maConn, counter), opts)
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
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
