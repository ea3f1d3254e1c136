// Bare libp2p v3 nodes for the baselines: tcp + noise + yamux on 127.0.0.1, nothing of Foundation's.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { Libp2p } from 'libp2p'

export const LOOPBACK_LISTEN = ['/ip4/127.0.0.1/tcp/0']

/** A node with only transport, encryption and muxer: what a raw-stream baseline needs. */
export async function bareNode (): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: LOOPBACK_LISTEN },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

export interface GossipServices {
  identify: Identify
  pubsub: GossipSub
  [key: string]: unknown
}

/**
 * A node running gossipsub with its defaults (signed messages, flood publish, D=6) except that publishing to a
 * topic with no peers is allowed, or unsigned (`StrictNoSign`) for the reference subject; identify is there so
 * the gossipsub topology learns which peers speak it.
 */
export async function gossipNode (signed = true): Promise<Libp2p<GossipServices>> {
  return createLibp2p<GossipServices>({
    addresses: { listen: LOOPBACK_LISTEN },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, ...(signed ? {} : { globalSignaturePolicy: 'StrictNoSign' as const }) })
    }
  })
}

/** Stop every node, even when some fail to stop. */
export async function stopAll (nodes: ReadonlyArray<{ stop(): void | Promise<void> }>): Promise<void> {
  await Promise.allSettled(nodes.map(async n => { await n.stop() }))
}
