// send: one-way throughput of 1 KiB messages between two nodes, counted at the receiver.
// Subjects: Foundation's remote send, a raw TCP socket with length-prefixed frames, and a raw libp2p stream
// (tcp + noise + yamux) written one message at a time; Foundation also with every message traced
// and with observability off, to show their cost.
import { once } from 'node:events'
import { CONFIG_NOTES, EVERY_MESSAGE_TRACED, EVERY_MESSAGE_TRACED_NOTE, OBSERVABILITY_OFF, SECRET_NOTES, SECRET_PORTABLE_CIPHER, SECRET_THROUGH_LIBP2P_PNET, WITH_SECRET } from '../lib/foundation-configs.ts'
import { encodeFrame, FrameDecoder } from '../lib/frames.ts'
import { libp2pStreamPair, tcpPair } from '../lib/pairs.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { withSubjects } from '../lib/subjects.ts'
import { measureThroughput } from '../lib/throughput.ts'
import { deferred, patternedBytes } from '../lib/util.ts'
import type { BenchResult } from '../lib/result.ts'
import type { SendSubject } from '../lib/throughput.ts'
import type { Deferred } from '../lib/util.ts'

export const MESSAGE_SIZE = 1024
const PROTOCOL = '/foundation-bench/send/1.0.0'

/** Counts received messages and resolves once the expected number has arrived. */
class ReceiveCounter {
  private received = 0
  private expected = 0
  private done: Deferred<void> | undefined

  expect (count: number): Promise<void> {
    this.received = 0
    this.expected = count
    this.done = deferred<void>()
    return this.done.promise
  }

  count (): void {
    this.received++
    if (this.received === this.expected) {
      this.done?.resolve()
    }
  }
}

export async function rawTcpSubject (): Promise<SendSubject> {
  const counter = new ReceiveCounter()
  const pair = await tcpPair(socket => {
    const decoder = new FrameDecoder(() => { counter.count() })
    socket.on('data', chunk => { decoder.push(chunk) })
  })
  const body = patternedBytes(MESSAGE_SIZE)

  return {
    name: 'raw TCP',
    async run (count) {
      const done = counter.expect(count)
      for (let i = 0; i < count; i++) {
        // a new frame per message, as a real sender would encode it
        if (!pair.client.write(encodeFrame(body))) {
          await once(pair.client, 'drain')
        }
      }
      await done
    },
    close: pair.close
  }
}

export async function rawLibp2pSubject (): Promise<SendSubject> {
  const counter = new ReceiveCounter()
  const pair = await libp2pStreamPair(PROTOCOL, stream => {
    const decoder = new FrameDecoder(() => { counter.count() })
    stream.addEventListener('message', event => { decoder.push(event.data) })
  })
  const body = patternedBytes(MESSAGE_SIZE)

  return {
    name: 'raw libp2p stream',
    async run (count) {
      const done = counter.expect(count)
      for (let i = 0; i < count; i++) {
        if (!pair.stream.send(encodeFrame(body))) {
          await pair.stream.onDrain()
        }
      }
      await done
    },
    close: pair.close
  }
}

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    `${MESSAGE_SIZE}-byte messages, one sender, one receiver, both in this process on 127.0.0.1; rate = messages counted at the receiver / time from the first send`,
    'each subject: a warm-up round sizes the count to ~1 s of sending, then 3 rounds alternating between subjects; value = median round',
    'raw TCP: node:net, 4-byte length prefix, one write per message, waits for drain on backpressure',
    'raw libp2p stream: two libp2p v3 nodes (tcp + noise + yamux), one stream, one stream.send() per message, waits for onDrain() on backpressure',
    ...CONFIG_NOTES,
    EVERY_MESSAGE_TRACED_NOTE,
    ...SECRET_NOTES
  ]
  return withSubjects(notes, {
    baselines: [rawTcpSubject, rawLibp2pSubject],
    foundation: async () => {
      const { foundationSendSubject } = await import('./foundation-send.ts')
      return foundationSendSubject(MESSAGE_SIZE)
    },
    variants: {
      [EVERY_MESSAGE_TRACED.name]: async () => {
        const { foundationSendSubject } = await import('./foundation-send.ts')
        return foundationSendSubject(MESSAGE_SIZE, EVERY_MESSAGE_TRACED)
      },
      [OBSERVABILITY_OFF.name]: async () => {
        const { foundationSendSubject } = await import('./foundation-send.ts')
        return foundationSendSubject(MESSAGE_SIZE, OBSERVABILITY_OFF)
      },
      ...Object.fromEntries([WITH_SECRET, SECRET_THROUGH_LIBP2P_PNET, SECRET_PORTABLE_CIPHER].map(config => [config.name, async () => {
        const { foundationSendSubject } = await import('./foundation-send.ts')
        return foundationSendSubject(MESSAGE_SIZE, config)
      }]))
    }
  }, async (subjects) => {
    const { results, failures } = await measureThroughput(subjects, {
      rounds: 3,
      roundSeconds: 1,
      warmupCount: 5_000,
      minCount: 5_000,
      maxCount: 400_000,
      roundTimeoutMs: 15_000
    })

    notes.push(...failures)
    const tcp = results.find(r => r.subject === 'raw TCP')
    const ours = results.find(r => r.subject === 'Foundation')
    const libp2p = results.find(r => r.subject === 'raw libp2p stream')
    if (tcp != null && libp2p != null) {
      notes.push(`raw libp2p stream / raw TCP = ${round2(libp2p.value / tcp.value)}`)
    }
    if (ours != null && libp2p != null) {
      notes.push(`Foundation / raw libp2p stream = ${round2(ours.value / libp2p.value)}`)
    }
    const off = results.find(r => r.subject === OBSERVABILITY_OFF.name)
    if (ours != null && off != null) {
      notes.push(`Foundation / ${OBSERVABILITY_OFF.name} = ${round2(ours.value / off.value)}`)
    }
    const traced = results.find(r => r.subject === EVERY_MESSAGE_TRACED.name)
    if (traced != null && off != null) {
      notes.push(`${EVERY_MESSAGE_TRACED.name} / ${OBSERVABILITY_OFF.name} = ${round2(traced.value / off.value)}`)
    }

    for (const config of [WITH_SECRET, SECRET_THROUGH_LIBP2P_PNET, SECRET_PORTABLE_CIPHER]) {
      const secret = results.find(r => r.subject === config.name)
      if (secret != null && off != null) {
        notes.push(`${config.name} / ${OBSERVABILITY_OFF.name} = ${round2(secret.value / off.value)}`)
      }
    }

    return makeResult({
      name: 'send',
      unit: 'messages/s',
      results,
      ratio: ours != null && tcp != null ? round2(ours.value / tcp.value) : null,
      ratioOf: 'Foundation / raw TCP',
      target: '>= 0.25',
      notes
    })
  })
}
