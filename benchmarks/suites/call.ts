// call: request/response latency, sequential calls with one in flight.
// Subjects: Foundation's call to a remote actor, a raw TCP echo (length-prefixed frames) and, for reference,
// an echo over one raw libp2p stream (tcp + noise + yamux); Foundation also with every message traced
// and with observability off, to show their cost.
import { CONFIG_NOTES, EVERY_MESSAGE_TRACED, EVERY_MESSAGE_TRACED_NOTE, OBSERVABILITY_OFF, SECRET_NOTES, SECRET_PORTABLE_CIPHER, SECRET_THROUGH_LIBP2P_PNET, WITH_SECRET } from '../lib/foundation-configs.ts'
import { encodeFrame, FrameDecoder } from '../lib/frames.ts'
import { measureLatency } from '../lib/latency.ts'
import { libp2pStreamPair, tcpPair } from '../lib/pairs.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { withSubjects } from '../lib/subjects.ts'
import { deferred, patternedBytes } from '../lib/util.ts'
import type { CallSubject } from '../lib/latency.ts'
import type { BenchResult } from '../lib/result.ts'
import type { Deferred } from '../lib/util.ts'

export const REQUEST_SIZE = 64
const PROTOCOL = '/foundation-bench/echo/1.0.0'

/** The client side of a one-in-flight exchange: the next frame received answers the pending call. */
class PendingReply {
  private pending: Deferred<void> | undefined

  next (): Promise<void> {
    this.pending = deferred<void>()
    return this.pending.promise
  }

  answer (): void {
    const p = this.pending
    this.pending = undefined
    p?.resolve()
  }
}

export async function rawTcpEchoSubject (): Promise<CallSubject> {
  const pair = await tcpPair(socket => {
    const decoder = new FrameDecoder(body => { socket.write(encodeFrame(body)) })
    socket.on('data', chunk => { decoder.push(chunk) })
  }, { noDelay: true })
  const reply = new PendingReply()
  const decoder = new FrameDecoder(() => { reply.answer() })
  pair.client.on('data', chunk => { decoder.push(chunk) })
  const body = patternedBytes(REQUEST_SIZE)

  return {
    name: 'raw TCP',
    async call () {
      const answered = reply.next()
      pair.client.write(encodeFrame(body))
      await answered
    },
    close: pair.close
  }
}

export async function rawLibp2pEchoSubject (): Promise<CallSubject> {
  const pair = await libp2pStreamPair(PROTOCOL, stream => {
    const decoder = new FrameDecoder(body => { stream.send(encodeFrame(body)) })
    stream.addEventListener('message', event => { decoder.push(event.data) })
  })
  const reply = new PendingReply()
  const decoder = new FrameDecoder(() => { reply.answer() })
  pair.stream.addEventListener('message', event => { decoder.push(event.data) })
  const body = patternedBytes(REQUEST_SIZE)

  return {
    name: 'raw libp2p stream',
    async call () {
      const answered = reply.next()
      pair.stream.send(encodeFrame(body))
      await answered
    },
    close: pair.close
  }
}

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    `${REQUEST_SIZE}-byte request echoed back, one call in flight, client and server in this process on 127.0.0.1; values in microseconds`,
    'each subject: 500 warm-up calls, then 3 rounds of 2000 calls alternating between subjects; percentiles over all 6000 calls',
    'raw TCP: node:net with TCP_NODELAY, 4-byte length prefix both ways',
    'raw libp2p stream (reference only): one long-lived stream over tcp + noise + yamux, same framing',
    ...CONFIG_NOTES,
    EVERY_MESSAGE_TRACED_NOTE,
    ...SECRET_NOTES
  ]
  return withSubjects(notes, {
    baselines: [rawTcpEchoSubject, rawLibp2pEchoSubject],
    foundation: async () => {
      const { foundationCallSubject } = await import('./foundation-call.ts')
      return foundationCallSubject(REQUEST_SIZE)
    },
    variants: {
      [EVERY_MESSAGE_TRACED.name]: async () => {
        const { foundationCallSubject } = await import('./foundation-call.ts')
        return foundationCallSubject(REQUEST_SIZE, EVERY_MESSAGE_TRACED)
      },
      [OBSERVABILITY_OFF.name]: async () => {
        const { foundationCallSubject } = await import('./foundation-call.ts')
        return foundationCallSubject(REQUEST_SIZE, OBSERVABILITY_OFF)
      },
      ...Object.fromEntries([WITH_SECRET, SECRET_THROUGH_LIBP2P_PNET, SECRET_PORTABLE_CIPHER].map(config => [config.name, async () => {
        const { foundationCallSubject } = await import('./foundation-call.ts')
        return foundationCallSubject(REQUEST_SIZE, config)
      }]))
    }
  }, async (subjects) => {
    const { results, failures } = await measureLatency(subjects, { warmupCalls: 500, rounds: 3, callsPerRound: 2000, callTimeoutMs: 5000 })

    notes.push(...failures)
    const tcp = results.find(r => r.subject === 'raw TCP')
    const ours = results.find(r => r.subject === 'Foundation')
    if (ours != null && tcp != null) {
      notes.push(`p99: raw TCP / Foundation = ${round2(Number(tcp.p99) / Number(ours.p99))}`)
    }
    const off = results.find(r => r.subject === OBSERVABILITY_OFF.name)
    if (ours != null && off != null) {
      notes.push(`${OBSERVABILITY_OFF.name} / Foundation: p50 ${round2(off.value / ours.value)}, p99 ${round2(Number(off.p99) / Number(ours.p99))}`)
    }
    const traced = results.find(r => r.subject === EVERY_MESSAGE_TRACED.name)
    if (traced != null && off != null) {
      notes.push(`${OBSERVABILITY_OFF.name} / ${EVERY_MESSAGE_TRACED.name}: p50 ${round2(off.value / traced.value)}, p99 ${round2(Number(off.p99) / Number(traced.p99))}`)
    }
    for (const config of [WITH_SECRET, SECRET_THROUGH_LIBP2P_PNET, SECRET_PORTABLE_CIPHER]) {
      const secret = results.find(r => r.subject === config.name)
      if (secret != null && off != null) {
        notes.push(`${OBSERVABILITY_OFF.name} / ${config.name}: p50 ${round2(off.value / secret.value)}, p99 ${round2(Number(off.p99) / Number(secret.p99))}`)
      }
    }
    return makeResult({
      name: 'call',
      unit: 'µs p50',
      results,
      ratio: ours != null && tcp != null ? round2(tcp.value / ours.value) : null,
      ratioOf: 'raw TCP p50 / Foundation p50',
      target: '>= 0.1',
      notes
    })
  })
}
