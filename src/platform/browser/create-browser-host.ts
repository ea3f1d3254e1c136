// The libp2p host of a member in a browser tab: it dials Node members over WebSockets and listens on nothing a
// stranger can dial (a tab accepts no connections), with what every host shares (host-options.ts). Given a WebRTC
// transport, it also reserves a slot on the Node members' circuit relays and listens on /webrtc behind them, so
// another tab can reach it directly, signalled through the relay. No cluster secret: a page is never given it.
import { noise } from '@chainsafe/libp2p-noise'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webSockets } from '@libp2p/websockets'
import { Circuit, WebRTC, WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'
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
  /** the WebRTC transport, for links to other tabs; without it a tab talks to other tabs through Node members */
  webRTC?: TransportFactory
}

export async function createBrowserHost (init: BrowserHostInit): Promise<Host> {
  const shared = sharedHostOptions(init)
  const webRTC = init.webRTC
  return createLibp2p<HostServices>({
    ...shared,
    start: false,
    privateKey: init.privateKey,
    logger: init.logger ?? quietLogger(),
    addresses: webRTC == null
      ? { listen: [] }
      : {
          // a reservation on a relay, and WebRTC behind it: the relay only carries the offer and answer
          listen: ['/p2p-circuit', '/webrtc'],
          // a bare relayed address would give another tab a connection limited to the relay's few seconds and
          // bytes, on which no Foundation protocol runs, and a relay's TCP address is no use to a tab: only WebRTC
          // behind a relay's WebSockets is worth dialling
          announceFilter: (addresses: Multiaddr[]) => addresses.filter(address => WebRTC.matches(address) && BEHIND_WEBSOCKETS.test(address.toString()))
        },
    transports: webRTC == null ? [webSockets()] : [webSockets(), webRTC, circuitRelayTransport()],
    connectionEncrypters: [noise()],
    connectionProtector: init.protector != null ? () => init.protector as ConnectionProtector : undefined,
    connectionGater: {
      ...shared.connectionGater,
      // libp2p's browser default refuses ws:// and private addresses: a cluster on a LAN, or on this machine, is
      // both. Whatever WebSockets can reach is a member's address, and with WebRTC so is another tab behind a relay
      denyDialMultiaddr: (address) => !(WebSockets.matches(address) || WebSocketsSecure.matches(address) ||
        (webRTC != null && (WebRTC.matches(address) || Circuit.matches(address))))
    }
  })
}
