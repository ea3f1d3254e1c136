// The libp2p host of a member in a browser tab: it dials Node members over WebSockets and listens on nothing (a tab
// cannot accept connections), with what every host shares (host-options.ts). No cluster secret: a page is never
// given it.
import { noise } from '@chainsafe/libp2p-noise'
import { webSockets } from '@libp2p/websockets'
import { WebSockets, WebSocketsSecure } from '@multiformats/multiaddr-matcher'
import { createLibp2p } from 'libp2p'
import { sharedHostOptions } from '../../node/host-options.ts'
import { quietLogger } from '../../node/quiet-logger.ts'
import type { Host, HostServices } from '../../node/host-options.ts'
import type { ComponentLogger, ConnectionProtector, PrivateKey } from '@libp2p/interface'

export interface BrowserHostInit {
  cluster: string
  maxMessageSize: number
  privateKey: PrivateKey
  logger?: ComponentLogger
  /** shows the page's admission ticket on each connection, for a cluster with a secret */
  protector?: ConnectionProtector
}

export async function createBrowserHost (init: BrowserHostInit): Promise<Host> {
  const shared = sharedHostOptions(init)
  return createLibp2p<HostServices>({
    ...shared,
    start: false,
    privateKey: init.privateKey,
    logger: init.logger ?? quietLogger(),
    addresses: { listen: [] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    connectionProtector: init.protector != null ? () => init.protector as ConnectionProtector : undefined,
    connectionGater: {
      ...shared.connectionGater,
      // libp2p's browser default refuses ws:// and private addresses: a cluster on a LAN, or on this machine, is
      // both. Whatever WebSockets can reach is a member's address
      denyDialMultiaddr: (address) => !(WebSockets.matches(address) || WebSocketsSecure.matches(address))
    }
  })
}
