// Named channels' metrics, by channel: what each of this node's channels (messaging.channels) counted, read at scrape
// time from `channel.stats()`.
import { counter, gauge } from './scraped-metrics.ts'
import type { ChannelStats, NamedChannelStats } from '../../messaging/channels/index.ts'
import type { Registry } from 'prom-client'

/** Copies and publications the channel gave up, by reason, with the counter each reason reads. */
const DROPS: ReadonlyArray<[reason: string, field: keyof ChannelStats]> = [
  ['queue-full', 'dropped'],
  ['replaced', 'replaced'],
  ['lost', 'lost'],
  ['stale', 'stale'],
  ['no-subscriber', 'unsubscribed']
]

/** `channels`: each channel of this node, with its counters here. */
export function registerChannelMetrics (registry: Registry, channels: () => NamedChannelStats[]): void {
  counter(registry, 'foundation_channel_messages_total',
    'Publications on a named channel between this node and others, by channel and direction: out counts one copy per node it was written to',
    ['channel', 'direction'], (set) => {
      for (const { name, stats } of channels()) {
        set(stats.messagesOut, { channel: name, direction: 'out' })
        set(stats.messagesIn, { channel: name, direction: 'in' })
      }
    })
  counter(registry, 'foundation_channel_bytes_total', 'Encoded bytes of those publications, by channel and direction', ['channel', 'direction'], (set) => {
    for (const { name, stats } of channels()) {
      set(stats.bytesOut, { channel: name, direction: 'out' })
      set(stats.bytesIn, { channel: name, direction: 'in' })
    }
  })
  counter(registry, 'foundation_channel_dropped_total',
    'Copies and publications a named channel gave up, by channel and reason: queue-full (the peer already had maxQueuedBytes waiting), replaced (latest-wins: a newer one of the same topic and key took its place before it left), lost (its stream broke or its peer left with it queued), stale (latest-wins: it came older than one delivered), no-subscriber (it came for a topic nobody here subscribes to)',
    ['channel', 'reason'], (set) => {
      for (const { name, stats } of channels()) {
        for (const [reason, field] of DROPS) { set(stats[field], { channel: name, reason }) }
      }
    })
  counter(registry, 'foundation_channel_invalid_frames_total', 'Malformed or oversize frames received on a named channel, by channel; each reset its stream', ['channel'], (set) => {
    for (const { name, stats } of channels()) { set(stats.invalidFrames, { channel: name }) }
  })
  gauge(registry, 'foundation_channel_queued_bytes', 'Bytes waiting in a named channel\'s queues to other nodes now, by channel', ['channel'], (set) => {
    for (const { name, stats } of channels()) { set(stats.queuedBytes, { channel: name }) }
  })
}
