// Two nodes on 127.0.0.1, both compressing with one mode, the receiver's actor counting what arrives; the
// sender's raw connections are counted (bytes on the wire, under encryption) and, for a slow link, shaped.
import { tcp } from '@libp2p/tcp'
import { resolveConfig, startFoundationNode } from '../../src/internal.ts'
import { ByteCounter, countedTransports } from '../lib/counted-transports.ts'
import { benchCluster } from '../lib/foundation-pair.ts'
import { shapedTransports } from '../lib/shaped-transports.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { ActorRef } from '../../src/index.ts'
import type { CompressionMode } from '../../src/wire/compression/index.ts'
import type { LinkShape } from '../lib/shaped-transports.ts'

/** Counts messages; a call of 'count' answers how many came, any other call is echoed. */
class Sink {
  private count = 0

  receive (message: unknown): unknown {
    if (message === 'count') { return this.count }
    this.count++
    return message
  }
}

export interface CompressionPair {
  readonly mode: CompressionMode
  readonly sender: FoundationNode
  readonly receiver: FoundationNode
  readonly sink: ActorRef
  /** the sender's raw connections, both ways */
  readonly wire: ByteCounter
  close(): Promise<void>
}

export async function startPair (mode: CompressionMode, link?: LinkShape): Promise<CompressionPair> {
  const wire = new ByteCounter()
  const clusterName = benchCluster('compression')
  const base = { clusterName, discovery: { mdns: false as const }, listen: ['/ip4/127.0.0.1/tcp/0'], metrics: { enabled: false }, http: { enabled: false } }
  const shape = (transports: ReturnType<typeof tcp>[]): ReturnType<typeof shapedTransports> => link != null ? shapedTransports(transports, link) : transports
  const started: FoundationNode[] = []
  const close = async (): Promise<void> => { await Promise.allSettled(started.map(async n => { await n.stop() })) }
  try {
    const sender = await startFoundationNode(resolveConfig({ ...base, name: 'sender', messaging: { compression: mode } }), { transports: countedTransports(shape([tcp()]), wire) })
    started.push(sender)
    const receiver = await startFoundationNode(resolveConfig({ ...base, name: 'receiver', messaging: { compression: mode } }), { transports: shape([tcp()]) })
    started.push(receiver)
    await receiver.connect(sender.addresses())
    const sink = await receiver.spawn(Sink)
    return { mode, sender, receiver, sink, wire, close }
  } catch (err) {
    await close()
    throw err
  }
}
