// Publications per second delivered to every subscriber, on a channel and on cluster.pubsub (gossipsub), with one
// publisher and every other node subscribing, at 3 and at 25 nodes in this process: how each one's cost grows with
// the members it reaches. The subjects share one cluster per size and alternate round by round (lib/pubsub.ts).
import { TestNodes } from '../../test/fixtures/nodes.ts'
import { startCluster } from '../balancer/cluster.ts'
import { measurePubsub, payloadSeq, seqPayload } from '../lib/pubsub.ts'
import { BenchTimeoutError, delay } from '../lib/util.ts'
import { NODE_INIT, THROUGHPUT_OPTIONS } from './settings.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { PubSub } from '../../src/messaging/pubsub/index.ts'
import type { PubsubSubject } from '../lib/pubsub.ts'
import type { SubjectResult } from '../lib/result.ts'

export const CHANNEL_SUBJECT = 'channel (control)'
export const GOSSIP_SUBJECT = 'cluster.pubsub (gossipsub)'

/** Sequence numbers at or above this are readiness probes, never measured. */
const PROBE_BASE = 0xF000_0000
const READY_TIMEOUT_MS = 30_000

export interface ThroughputFigures {
  nodes: number
  /** ms to start the cluster and see it agree */
  formedMs: number
  results: SubjectResult[]
  failures: string[]
}

/** One publisher's PubSub and its subscribers' on one topic, ready once a probe reaches every subscriber. */
async function subject (name: string, pubsubOf: (node: FoundationNode) => PubSub, cluster: FoundationNode[], topic: string): Promise<PubsubSubject> {
  const [publisher, ...subscribers] = cluster
  let deliver: (subscriber: number, seq: number) => void = () => {}
  const probed = new Set<number>()
  subscribers.forEach((node, index) => {
    pubsubOf(node).subscribe<Uint8Array>(topic, (message) => {
      const seq = payloadSeq(message)
      if (seq >= PROBE_BASE) { probed.add(index) } else { deliver(index, seq) }
    })
  })
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (let probe = PROBE_BASE; probed.size < subscribers.length; probe++) {
    if (Date.now() > deadline) { throw new BenchTimeoutError(`${name}: a probe reached ${probed.size} of ${subscribers.length} subscribers in ${READY_TIMEOUT_MS} ms`) }
    await pubsubOf(publisher).publish(topic, seqPayload(probe))
    await delay(100)
  }
  return {
    name,
    subscribers: subscribers.length,
    onDeliver (fn) { deliver = fn },
    async publish (seq) { await pubsubOf(publisher).publish(topic, seqPayload(seq)) },
    close: async () => {}
  }
}

export async function measureThroughput (size: number): Promise<ThroughputFigures> {
  const nodes = new TestNodes()
  try {
    const started = performance.now()
    const cluster = await startCluster(nodes, size, `bench-channels-${size}`, NODE_INIT)
    const formedMs = Math.round(performance.now() - started)
    const subjects = [
      await subject(CHANNEL_SUBJECT, node => node.channel('control'), cluster, 'rate'),
      await subject(GOSSIP_SUBJECT, node => node.pubsub, cluster, 'rate')
    ]
    const { results, failures } = await measurePubsub(subjects, THROUGHPUT_OPTIONS)
    return { nodes: size, formedMs, results, failures }
  } finally {
    await nodes.stopAll()
  }
}
