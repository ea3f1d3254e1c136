// The same transports with every raw connection they open or accept passed through `wrap` before libp2p upgrades it
// (encryption, then the muxer): what benchmarks use to count or shape the bytes a node's sockets carry.
import type { HostTransports } from '../../src/node/create-host.ts'
import type { MultiaddrConnection, Transport, Upgrader } from '@libp2p/interface'

export type WrapConnection = (maConn: MultiaddrConnection) => MultiaddrConnection

export function withRawConnections (transports: HostTransports, wrap: WrapConnection): HostTransports {
  return transports.map(factory => (components) => wrappedTransport(factory(components), wrap))
}

/**
 * A transport upgrades the raw connections it makes itself, so the wrapping goes into the upgrader it is handed on
 * each dial and listen; everything else passes through untouched.
 */
function wrappedTransport (transport: Transport, wrap: WrapConnection): Transport {
  return new Proxy(transport, {
    get (target, property) {
      if (property === 'dial') {
        return async (...[ma, options]: Parameters<Transport['dial']>) =>
          target.dial(ma, { ...options, upgrader: wrappedUpgrader(options.upgrader, wrap) })
      }
      if (property === 'createListener') {
        return (...[options]: Parameters<Transport['createListener']>) =>
          target.createListener({ ...options, upgrader: wrappedUpgrader(options.upgrader, wrap) })
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

function wrappedUpgrader (upgrader: Upgrader, wrap: WrapConnection): Upgrader {
  return new Proxy(upgrader, {
    get (target, property) {
      if (property === 'upgradeInbound' || property === 'upgradeOutbound') {
        const upgrade = Reflect.get(target, property, target) as (maConn: MultiaddrConnection, opts: unknown) => Promise<unknown>
        return async (maConn: MultiaddrConnection, opts: unknown) => upgrade.call(target, wrap(maConn), opts)
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}
