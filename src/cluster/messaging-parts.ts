// The node's messaging: frame compression, direct messages, the overlay, the publication tree, gossip pub/sub and
// named channels, built in the order each needs the one before; the node starts and stops them with the rest.
import { DirectMessaging } from '../messaging/direct/direct-messaging.ts'
import { GossipPubSub } from '../messaging/pubsub/gossip-pubsub.ts'
import { PublicationTree } from '../messaging/pubsub/publication-tree.ts'
import { NodeOverlay } from '../overlay/libp2p/node-overlay.ts'
import { FrameCompression } from '../wire/compression/index.ts'
import { createChannels } from './channels.ts'
import { ActorDelivery } from './local-delivery.ts'
import type { SystemEndpoints } from './system-endpoints.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { FoundationConfig } from '../config/index.ts'
import type { Libp2pMembership } from '../membership/libp2p-membership.ts'
import type { ChannelService } from '../messaging/channels/channel-service.ts'
import type { CallObserver } from '../messaging/direct/pending-calls.ts'
import type { Host } from '../node/create-host.ts'
import type { NodeKeys } from '../node/node-keys.ts'
import type { DialYield } from '../node/pair-dial.ts'
import type { NodeTracing } from '../observability/tracing/node-tracing.ts'
import type { FrameCodec } from '../wire/compression/index.ts'
import type { ComponentLogger } from '@libp2p/interface'

export interface MessagingPartsComponents {
  host: Host
  logger: ComponentLogger
  /** signs this node's publications, and checks others' */
  keys: NodeKeys
  membership: Libp2pMembership
  /** where direct messages for this node go: its actors, and its services at '$' and '~' ids */
  actors: LocalActors
  endpoints: SystemEndpoints
  /** the node's tracing, when on */
  tracing: NodeTracing | undefined
  /** how long the higher id of a pair waits for the other's dial (see pair-dial.ts) */
  dialYield: DialYield
  /** dials every member the node should be connected to now */
  reconnect(): void
  /** the codecs frames may be compressed with */
  frameCodecs: FrameCodec[]
  /** times every call this node makes, when metrics are on */
  observeCall?: CallObserver
}

export type MessagingConfig = Pick<FoundationConfig, 'clusterName' | 'maxMessageSize' | 'maxQueuedBytes' | 'compression' | 'overlay' | 'channels'>

export interface MessagingParts {
  compression: FrameCompression
  messaging: DirectMessaging
  overlay: NodeOverlay
  publications: PublicationTree
  gossip: GossipPubSub
  channels: ChannelService
}

export function createMessagingParts (components: MessagingPartsComponents, config: MessagingConfig): MessagingParts {
  const { host, logger, keys, membership, tracing, dialYield } = components
  const compression = new FrameCompression(config.compression, components.frameCodecs)
  const messaging = new DirectMessaging(
    { host, logger, local: new ActorDelivery(components.actors, components.endpoints, () => gossip, tracing), tracing, dialYield, compression },
    { cluster: config.clusterName, maxMessageSize: config.maxMessageSize, maxQueuedBytes: config.maxQueuedBytes, observeCall: components.observeCall }
  )
  const overlay = new NodeOverlay({
    host,
    membership,
    inUseSince: (since) => messaging.inUseSince(since),
    reconnect: components.reconnect,
    logger
  }, { cluster: config.clusterName, maxFrameSize: config.maxMessageSize, overlay: config.overlay })
  const publications = new PublicationTree({ host, overlay: overlay.overlay, logger }, {
    cluster: config.clusterName,
    maxMessageSize: config.maxMessageSize,
    deliver: (topic, data, from) => { gossip.receiveBatch(topic, data, true, from) }
  })
  // built after the parts that deliver to it: they reach it only when a message comes, once the node has started
  const gossip: GossipPubSub = new GossipPubSub({
    host,
    logger,
    keys,
    sendDirect: (node, topic, message, trace) => { messaging.publish(node, topic, message, trace) },
    tracing,
    tree: publications,
    paths: () => overlay.control.publicationPaths()
  }, { cluster: config.clusterName, maxMessageSize: config.maxMessageSize })
  const channels = createChannels({ host, logger, membership, dialYield, compression }, config)
  return { compression, messaging, overlay, publications, gossip, channels }
}
