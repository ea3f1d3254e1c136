// The `messaging.channels` option: its schema, each failure naming `messaging.channels.<name>.<field>`, and each
// channel's settings with the defaults filled in.
import { z } from 'zod'
import { CHANNEL_NAME, CHANNEL_PRIORITIES, DEFAULT_CHANNEL, DEFAULT_CHANNEL_PARALLELISM, MAX_CHANNEL_PARALLELISM } from '../messaging/channels/index.ts'
import { COMPRESSION_MODES } from '../wire/compression/index.ts'
import { boolean, integer, oneOf, strict, textWhere } from './checks.ts'
import { MIB } from './units.ts'
import type { MessagingInit } from './index.ts'
import type { ChannelConfig } from '../messaging/channels/index.ts'
import type { CompressionMode } from '../wire/compression/index.ts'

/** messaging.compression's own default, which a channel follows when neither sets it */
const DEFAULT_CHANNEL_COMPRESSION: CompressionMode = 'auto'

const channelName = textWhere(name => CHANNEL_NAME.test(name) && name !== DEFAULT_CHANNEL,
  `a channel name of 1-32 letters, digits, "-" or "_", starting with a letter, other than "${DEFAULT_CHANNEL}" (cluster.pubsub's)`)

export const channelsSchema = z.record(channelName, strict({
  latestWins: boolean().optional(),
  parallelism: integer(1, MAX_CHANNEL_PARALLELISM, `a number of streams per peer from 1 to ${MAX_CHANNEL_PARALLELISM}`).optional(),
  maxQueuedBytes: integer(64 * 1024, 4096 * MIB).optional(),
  compression: oneOf(COMPRESSION_MODES).optional(),
  priority: oneOf(CHANNEL_PRIORITIES).optional()
}, '{ latestWins, parallelism, maxQueuedBytes, compression, priority }'), { error: 'an object of channel name: { latestWins, parallelism, maxQueuedBytes, compression, priority }' })

/**
 * Each channel of `messaging.channels` with its defaults filled in: what it does not set falls back on the messaging
 * options it shares with direct messages (`profileMaxQueuedBytes` when those do not set maxQueuedBytes either).
 */
export function resolveChannels (messaging: MessagingInit | undefined, profileMaxQueuedBytes: number): Record<string, ChannelConfig> {
  const maxQueuedBytes = messaging?.maxQueuedBytes ?? profileMaxQueuedBytes
  const compression = messaging?.compression ?? DEFAULT_CHANNEL_COMPRESSION
  const resolved: Record<string, ChannelConfig> = {}
  for (const [name, init] of Object.entries(messaging?.channels ?? {})) {
    resolved[name] = {
      latestWins: init.latestWins ?? false,
      parallelism: init.parallelism ?? DEFAULT_CHANNEL_PARALLELISM,
      maxQueuedBytes: init.maxQueuedBytes ?? maxQueuedBytes,
      compression: init.compression ?? compression,
      priority: init.priority ?? 'normal'
    }
  }
  return resolved
}
