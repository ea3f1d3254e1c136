// Builds a node's host from its configuration, then the node, and starts it; a start that fails leaves nothing open.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { loadIdentity } from '../config/identity.ts'
import { preSharedKeyFrom } from '../config/secret.ts'
import { createHost } from '../node/create-host.ts'
import { quietLogger } from '../node/quiet-logger.ts'
import { NodeMetrics } from '../observability/metrics/node-metrics.ts'
import { nodePlatform } from '../platform/node/index.ts'
import { FoundationNode } from './foundation-node.ts'
import type { FoundationConfig } from '../config/index.ts'
import type { SiblingLookup } from '../federation/index.ts'
import type { ConnectorInit } from '../node/connector.ts'
import type { CreateHostOptions } from '../node/create-host.ts'
import type { FrameCodec } from '../wire/compression/index.ts'
import type { PrivateKey } from '@libp2p/interface'

/** Internal settings no user config reaches: tests use them to cut the network and to redial faster. */
export interface NodeSeams {
  /** peers refused right now, on every dial and handshake */
  refusePeer?(peerId: string): boolean
  connector?: ConnectorInit
  /** the connection protector for the cluster secret (default: the node's own; see CreateHostOptions) */
  protector?: CreateHostOptions['protector']
  /** the transports (default TCP): `@libp2p/memory` runs hundreds of nodes in one process; see CreateHostOptions */
  transports?: CreateHostOptions['transports']
  /** the connection encrypters (default noise); see CreateHostOptions */
  encrypters?: CreateHostOptions['encrypters']
  /**
   * the node's key, when neither identity.keyFile nor a fresh key should make it: a seeded test run gives its nodes
   * the same peer ids each time, so that whatever depends on their order (the coordinator, placement) replays
   */
  privateKey?: PrivateKey
  /** this process's nodes in the other clusters of its federation, which messages to those clusters go through */
  siblings?: SiblingLookup
  /** the codecs frames may be compressed with (default: the platform's): [] stands for a node on a Node.js without any */
  frameCodecs?: FrameCodec[]
}

export async function startFoundationNode (config: FoundationConfig, seams: NodeSeams = {}): Promise<FoundationNode> {
  const logger = quietLogger()
  // before the host, whose libp2p metrics go into the same registry
  const metrics = config.metrics.enabled ? new NodeMetrics({ process: config.metrics.process }) : undefined
  // the node's key signs its membership records too, so it is made here rather than left to libp2p
  const privateKey = seams.privateKey ?? (config.identity.keyFile != null ? await loadIdentity(config.identity.keyFile) : await generateKeyPair('Ed25519'))
  const host = await createHost({
    cluster: config.clusterName,
    listen: config.listen,
    secret: config.secret != null ? preSharedKeyFrom(config.secret) : undefined,
    mdns: mdnsOf(config),
    maxMessageSize: config.maxMessageSize,
    privateKey,
    allowPeers: config.security.allowPeers,
    refusePeer: seams.refusePeer,
    protector: seams.protector,
    transports: seams.transports,
    encrypters: seams.encrypters,
    metrics: metrics?.libp2p(),
    logger
  })
  const node = new FoundationNode(config, host, privateKey, logger, nodePlatform(), seams, metrics)
  try {
    await node.start()
  } catch (err) {
    await node.abandon()
    throw err
  }
  return node
}

/** The host runs the mDNS responder only when the mdns strategy is chosen: a node found otherwise stays silent. */
function mdnsOf (config: FoundationConfig): { enabled: boolean, interval: number } {
  const mdns = config.discovery.strategies.find(s => s.name === 'mdns')
  return mdns != null ? { enabled: true, interval: mdns.init.interval } : { enabled: false, interval: 0 }
}
