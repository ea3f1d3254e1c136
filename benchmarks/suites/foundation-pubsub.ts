// The Foundation subject of the pubsub benchmark: five Foundation nodes, one publisher, four subscribers.
import { Foundation } from '../../src/index.ts'
import { DEVELOPMENT_DEFAULTS } from '../lib/foundation-configs.ts'
import { benchCluster } from '../lib/foundation-pair.ts'
import { payloadSeq, seqPayload } from '../lib/pubsub.ts'
import { BenchTimeoutError, delay } from '../lib/util.ts'
import type { FoundationConfig } from '../lib/foundation-configs.ts'
import type { PubsubSubject } from '../lib/pubsub.ts'

/** Sequence numbers at or above this are readiness probes, never measured. */
const PROBE_BASE = 0xF000_0000

function seqOf (msg: unknown): number | undefined {
  if (msg instanceof Uint8Array) { return payloadSeq(msg) }
  if (typeof msg === 'object' && msg != null && 'seq' in msg && typeof msg.seq === 'number') { return msg.seq }
  return undefined
}

export async function foundationPubsubSubject (nodeCount: number, topic: string, config: FoundationConfig = DEVELOPMENT_DEFAULTS): Promise<PubsubSubject> {
  const cluster = benchCluster('pubsub')
  const nodes: Array<Awaited<ReturnType<typeof Foundation.start>>> = []
  const stop = async (): Promise<void> => { await Promise.allSettled(nodes.map(async n => { await n.stop() })) }
  try {
    for (let i = 0; i < nodeCount; i++) {
      nodes.push(await Foundation.start({ ...config.init, clusterName: cluster, name: `n${i}`, discovery: { mdns: false }, listen: ['/ip4/127.0.0.1/tcp/0'] }))
    }
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        await nodes[j].connect(nodes[i].addresses())
      }
    }
    const [publisher, ...subscribers] = nodes
    let deliver: (subscriber: number, seq: number) => void = () => {}
    const probed = new Set<number>()
    subscribers.forEach((node, index) => {
      node.pubsub.subscribe(topic, (msg: unknown) => {
        const seq = seqOf(msg)
        if (seq == null) { return }
        if (seq >= PROBE_BASE) { probed.add(index) } else { deliver(index, seq) }
      })
    })
    // ready when a probe reaches every subscriber
    const deadline = Date.now() + 10_000
    for (let probe = PROBE_BASE; probed.size < subscribers.length; probe++) {
      if (Date.now() > deadline) {
        throw new BenchTimeoutError(`${config.name}: publisher reached ${probed.size} of ${subscribers.length} subscribers in 10 s`)
      }
      await publisher.pubsub.publish(topic, seqPayload(probe))
      await delay(100)
    }

    return {
      name: config.name,
      subscribers: subscribers.length,
      onDeliver (fn) { deliver = fn },
      async publish (seq) {
        await publisher.pubsub.publish(topic, seqPayload(seq))
      },
      close: stop
    }
  } catch (err) {
    await stop()
    throw err
  }
}
