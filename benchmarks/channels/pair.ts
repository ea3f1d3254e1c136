// Two nodes in this process with the benchmark's channels, over TCP on 127.0.0.1, on a shaped link or plain loopback:
// a ping on either channel is answered on the same channel, and the bulk channel can be kept saturated.
import { tcp } from '@libp2p/tcp'
import { resolveConfig, startFoundationNode } from '../../src/internal.ts'
import { benchCluster } from '../lib/foundation-pair.ts'
import { shapedTransports } from '../lib/shaped-transports.ts'
import { delay } from '../lib/util.ts'
import { BULK_BACKLOG_BYTES, BULK_CHANNELS, BULK_MESSAGE_BYTES, NODE_INIT, ROUND_TRIP_GAP_MS } from './settings.ts'
import type { BulkChannel } from './settings.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { LinkShape } from '../lib/shaped-transports.ts'

export interface ChannelPair {
  /** `count` round trips on `channel`, one at a time, ms each */
  roundTrips(channel: string, count: number): Promise<number[]>
  /** keeps a bulk channel's queue topped up to the backlog until the returned function is called */
  saturate(channel: BulkChannel): () => Promise<void>
  /** bytes of bulk messages the receiver got */
  readonly bulkBytes: number
  readonly sender: FoundationNode
  close(): Promise<void>
}

export async function startPair (link?: LinkShape): Promise<ChannelPair> {
  const clusterName = benchCluster('channels')
  const base = { ...NODE_INIT, clusterName, discovery: { mdns: false as const }, listen: ['/ip4/127.0.0.1/tcp/0'] }
  const transports = (): ReturnType<typeof shapedTransports> => link != null ? shapedTransports([tcp()], link) : [tcp()]
  const started: FoundationNode[] = []
  const close = async (): Promise<void> => { await Promise.allSettled(started.map(async n => { await n.stop() })) }
  try {
    const sender = await startFoundationNode(resolveConfig({ ...base, name: 'sender' }), { transports: transports() })
    started.push(sender)
    const receiver = await startFoundationNode(resolveConfig({ ...base, name: 'receiver' }), { transports: transports() })
    started.push(receiver)
    await receiver.connect(sender.addresses())
    return pairOf(sender, receiver, close)
  } catch (err) {
    await close()
    throw err
  }
}

function pairOf (sender: FoundationNode, receiver: FoundationNode, close: () => Promise<void>): ChannelPair {
  const answered = new Map<number, () => void>()
  for (const name of ['control', ...BULK_CHANNELS]) {
    receiver.channel(name).subscribe<number>('ping', (n, meta) => { receiver.channel(name).directPublish(meta.from, 'pong', n) })
    sender.channel(name).subscribe<number>('pong', (n) => { answered.get(n)?.() })
  }
  let bulkBytes = 0
  const counted = (row: Uint8Array): void => { bulkBytes += row.byteLength }
  for (const name of BULK_CHANNELS) { receiver.channel(name).subscribe<Uint8Array>('rows', counted) }
  let sequence = 0
  return {
    sender,
    get bulkBytes () { return bulkBytes },
    async roundTrips (channel, count) {
      const times: number[] = []
      for (let i = 0; i < count; i++) {
        const n = sequence++
        const started = performance.now()
        await new Promise<void>(resolve => {
          answered.set(n, resolve)
          sender.channel(channel).directPublish(receiver.id, 'ping', n)
        })
        answered.delete(n)
        times.push(performance.now() - started)
        await delay(ROUND_TRIP_GAP_MS)
      }
      return times
    },
    saturate (channel) {
      const stop = new AbortController()
      const bulk = sender.channel(channel)
      const row = new Uint8Array(BULK_MESSAGE_BYTES).fill(7)
      const running = (async () => {
        while (!stop.signal.aborted) {
          while (bulk.stats().queuedBytes < BULK_BACKLOG_BYTES) { bulk.directPublish(receiver.id, 'rows', row) }
          await new Promise(resolve => setImmediate(resolve))
        }
      })()
      return async () => {
        stop.abort()
        await running
      }
    },
    close
  }
}
