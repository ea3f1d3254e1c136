// pubsub: publish-to-deliver throughput and latency, one publisher and four subscribers on five nodes.
// Subjects: Foundation's pubsub, and raw gossipsub with its defaults (signed messages) on fully connected libp2p
// nodes; Foundation also with observability off, to show its cost.
import { CONFIG_NOTES, OBSERVABILITY_OFF } from '../lib/foundation-configs.ts'
import { gossipNode, stopAll } from '../lib/libp2p.ts'
import { measurePubsub, payloadSeq, seqPayload } from '../lib/pubsub.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { withSubjects } from '../lib/subjects.ts'
import { waitFor } from '../lib/util.ts'
import type { PubsubSubject } from '../lib/pubsub.ts'
import type { BenchResult } from '../lib/result.ts'

export const NODES = 5
const TOPIC = 'foundation-bench'

export async function rawGossipsubSubject (signed = true): Promise<PubsubSubject> {
  const nodes = await Promise.all(Array.from({ length: NODES }, async () => gossipNode(signed)))
  try {
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        await nodes[i].dial(nodes[j].getMultiaddrs())
      }
    }
    const [publisher, ...subscribers] = nodes
    let deliver: (subscriber: number, seq: number) => void = () => {}
    subscribers.forEach((node, index) => {
      node.services.pubsub.addEventListener('message', event => {
        if (event.detail.topic === TOPIC) { deliver(index, payloadSeq(event.detail.data)) }
      })
      node.services.pubsub.subscribe(TOPIC)
    })
    await waitFor(() => publisher.services.pubsub.getSubscribers(TOPIC).length >= subscribers.length, 10_000,
      'gossipsub publisher sees every subscriber')

    return {
      name: signed ? 'raw gossipsub (defaults, signed)' : 'raw gossipsub (unsigned, reference)',
      subscribers: subscribers.length,
      onDeliver (fn) { deliver = fn },
      async publish (seq) {
        await publisher.services.pubsub.publish(TOPIC, seqPayload(seq))
      },
      async close () {
        await stopAll(nodes)
      }
    }
  } catch (err) {
    await stopAll(nodes)
    throw err
  }
}

export async function run (): Promise<BenchResult> {
  const options = { rounds: 3, throughputSeconds: 2, window: 64, latencyMessages: 200, lossTimeoutMs: 5000 }
  const notes: string[] = [
    `${NODES} nodes per subject in this process on 127.0.0.1, fully connected; one publisher, ${NODES - 1} subscribers; 1 KiB messages`,
    `value = messages delivered to all ${NODES - 1} subscribers per second, closed loop with at most ${options.window} in flight; median of ${options.rounds} rounds of ${options.throughputSeconds} s, alternating between subjects`,
    `latencyUs = publish-to-deliver per subscriber, ${options.latencyMessages} messages published one at a time; loadedLatencyUs = the same during the throughput rounds (mostly queueing in the window)`,
    'raw gossipsub: @libp2p/gossipsub defaults (StrictSign, floodPublish, D=6) except allowPublishToZeroTopicPeers, with identify; measured after the publisher sees all subscribers on the topic',
    'raw gossipsub (unsigned, reference): the same with StrictNoSign, to show how much of the ratio is signatures and how much is Foundation batching the publishes of one turn into one gossipsub message',
    'every subject is set up before measuring (20 nodes in the process); the idle ones only run their timers',
    ...CONFIG_NOTES
  ]
  return withSubjects(notes, {
    baselines: [rawGossipsubSubject, async () => rawGossipsubSubject(false)],
    foundation: async () => {
      const { foundationPubsubSubject } = await import('./foundation-pubsub.ts')
      return foundationPubsubSubject(NODES, TOPIC)
    },
    variants: {
      [OBSERVABILITY_OFF.name]: async () => {
        const { foundationPubsubSubject } = await import('./foundation-pubsub.ts')
        return foundationPubsubSubject(NODES, TOPIC, OBSERVABILITY_OFF)
      }
    }
  }, async (subjects) => {
    const { results, failures } = await measurePubsub(subjects, options)
    notes.push(...failures)
    const baseline = results.find(r => r.subject === 'raw gossipsub (defaults, signed)')
    const ours = results.find(r => r.subject === 'Foundation')
    if (ours != null && baseline != null) {
      const b = baseline.latencyUs as { p99: number }
      const o = ours.latencyUs as { p99: number }
      notes.push(`p99 latency (one at a time): raw gossipsub / Foundation = ${round2(b.p99 / o.p99)}`)
    }
    const off = results.find(r => r.subject === OBSERVABILITY_OFF.name)
    if (ours != null && off != null) {
      const offLatency = off.latencyUs as { p99: number }
      const o = ours.latencyUs as { p99: number }
      notes.push(`Foundation / ${OBSERVABILITY_OFF.name}: throughput ${round2(ours.value / off.value)}, p99 latency (one at a time) ${round2(o.p99 / offLatency.p99)}`)
    }
    return makeResult({
      name: 'pubsub',
      unit: 'messages/s delivered to all subscribers',
      results,
      ratio: ours != null && baseline != null ? round2(ours.value / baseline.value) : null,
      ratioOf: 'Foundation / raw gossipsub throughput',
      target: '>= 4',
      notes
    })
  })
}
