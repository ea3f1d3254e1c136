// The node's named pub/sub channels (messaging.channels), built from its host and membership: each channel has
// streams and queues of its own, and the node starts and stops them with its other messaging.
import { ChannelService } from '../messaging/channels/channel-service.ts'
import type { FoundationConfig } from '../config/index.ts'
import type { ChannelServiceComponents } from '../messaging/channels/channel-service.ts'

export type ChannelParts = Omit<ChannelServiceComponents, 'clock'>

export function createChannels (parts: ChannelParts, config: Pick<FoundationConfig, 'clusterName' | 'maxMessageSize' | 'channels'>): ChannelService {
  return new ChannelService(parts, { cluster: config.clusterName, maxMessageSize: config.maxMessageSize, channels: config.channels })
}
