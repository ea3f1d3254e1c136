// The libp2p host of a member in a browser tab: it dials Node members over WebSockets, with what every host shares
// (host-options.ts). A tab accepts no connection, so it reserves a slot on a Node member's circuit relay and is reached
// through it: by a member that holds no link to it (partial views), or by another tab. Given a WebRTC transport, it
// also listens on /webrtc behind the relay, so another tab links to it directly, the relay carrying only the offer and
// answer. No cluster secret: a page is never given it.
import { noise } from '@chainsafe/libp2p-noise'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webSockets } from '@libp2p/websockets'
import { Circuit, WebRTC, WebRTCDirect, WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'
import { createLibp2p } from 'libp2p'
import { sharedHostOptions } from '../../node/host-options.ts'
import { quietLogger } from '../../node/quiet-logger.ts'
import type { Host, HostServices } from '../../node/host-options.ts'
import type { ComponentLogger, ConnectionProtector, PrivateKey, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** a WebRTC address whose relay a tab reaches: over WebSockets */
const BEHIND_WEBSOCKETS = /\/(ws|wss|tls\/ws)\/p2p\/[^/]+\/p2p-circuit\//

/** A transport as libp2p takes it: what `webRTC()` of `@libp2p/webrtc` returns. */
export type TransportFactory = (components: any) => Transport

export interface BrowserHostInit {
  cluster: string
  maxMessageSize: number
  privateKey: PrivateKey
  logger?: ComponentLogger
  /** shows the page's admission ticket on each connection, for a cluster with a secret */
  protector?: ConnectionProtector
  /** the WebRTC transport, for direct links to other tabs; without it a tab reaches another through a member's relay */
  webRTC?: TransportFactory
  /** the WebRTC-Direct transport, to dial members that listen on it */
  webRTCDirect?: TransportFactory
}

export async function createBrowserHost (init: BrowserHostInit): Promise<Host> {
  const shared = sharedHostOptions(init)
  const webRTC = init.webRTC
  return createLibp2p<HostServices>({
    ...shared,
    start: false,
    privateKey: init.privateKey,
    logger: init.logger ?? quietLogger(),
    addresses: {
      listen: webRTC == null ? ['/p2p-circuit'] : ['/p2p-circuit', '/webrtc'],
      // a tab is dialled behind a relay: over its TCP address by a member, its WebSockets one by another tab; WebRTC
      // only by another tab, so only behind WebSockets
      announceFilter: (addresses: Multiaddr[]) => addresses.filter(address => {
        const text = address.toString()
        return text.includes('/p2p-circuit/') && (!WebRTC.matches(address) || BEHIND_WEBSOCKETS.test(text))
      })
    },
    transports: [webSockets(), circuitRelayTransport(), ...(webRTC != null ? [webRTC] : []), ...(init.webRTCDirect != null ? [init.webRTCDirect] : [])],
    connectionEncrypters: [noise()],
    connectionProtector: init.protector != null ? () => init.protector as ConnectionProtector : undefined,
    connectionGater: {
      ...shared.connectionGater,
      // libp2p's browser default refuses ws:// and private addresses: a cluster on a LAN, or on this machine, is
      // both. Whatever WebSockets or WebRTC-Direct can reach is a member's address, or another tab's behind a relay
      denyDialMultiaddr: (address) => !(WebSockets.matches(address) || WebSocketsSecure.matches(address) || Circuit.matches(address) ||
        (init.webRTCDirect != null && WebRTCDirect.matches(address)))
    }
  })
}
