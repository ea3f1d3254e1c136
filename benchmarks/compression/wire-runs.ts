// Messages through a pair of nodes, per compression mode: throughput (sends confirmed by a call behind them on the same
// stream) and bytes on the wire per message; and call latency, one call in flight.
import { round2, sig3 } from '../lib/result.ts'
import { percentile } from '../lib/stats.ts'
import { withTimeout } from '../lib/util.ts'
import { encodedSize, jsonLikeMessage } from './messages.ts'
import type { CompressionPair } from './pair.ts'

export interface ThroughputFigure {
  mode: string
  sizeLabel: string
  messages: number
  /** messages per second, the median of the rounds */
  perSecond: number
  /** MB of messages (as encoded, before compression) per second */
  MBps: number
  /** bytes the sender's connections carried per message, both ways, encryption and muxing included */
  wireBytesPerMessage: number
  /** wire bytes per message over the message's encoded size */
  wireRatio: number
  /** frames the sender compressed in the rounds: 0 where the mode left them plain */
  compressedFrames: number
  rounds: number[]
}

/** Sends at most this many bytes before a call confirms they arrived: a bounded queue, far below maxQueuedBytes. */
const WINDOW_BYTES = 2 * 1024 * 1024

/** One round: `count` sends of `message`, in windows, each window confirmed; ms it took, and the wire bytes. */
async function round (pair: CompressionPair, message: unknown, size: number, count: number, timeoutMs: number): Promise<{ ms: number, wire: number }> {
  const window = Math.max(1, Math.floor(WINDOW_BYTES / size))
  const before = await pair.sender.call<number>(pair.sink, 'count')
  const wireBefore = pair.wire.total
  const start = performance.now()
  let sent = 0
  while (sent < count) {
    const batch = Math.min(window, count - sent)
    for (let i = 0; i < batch; i++) { pair.sender.send(pair.sink, message) }
    sent += batch
    await withTimeout(pair.sender.call(pair.sink, 'count', { timeout: timeoutMs }), timeoutMs, `${pair.mode}: a window of ${batch} sends`)
  }
  const ms = performance.now() - start
  const arrived = await pair.sender.call<number>(pair.sink, 'count') - before
  if (arrived !== count) { throw new Error(`${pair.mode}: ${arrived} of ${count} messages arrived`) }
  return { ms, wire: pair.wire.total - wireBefore }
}

/** Rounds interleaved across the pairs, so a slow moment of the machine falls on every mode alike. */
export async function measureThroughput (pairs: CompressionPair[], sizeLabel: string, targetBytes: number, budgetBytes: number, rounds: number): Promise<ThroughputFigure[]> {
  const message = jsonLikeMessage(targetBytes)
  const size = encodedSize(message)
  const count = Math.max(10, Math.floor(budgetBytes / size))
  const samples = new Map<CompressionPair, Array<{ ms: number, wire: number }>>(pairs.map(p => [p, []]))
  const framesBefore = new Map(pairs.map(p => [p, p.sender.compression.stats.compressedFrames]))
  // a warm-up window per pair: streams open, code compiled
  for (const pair of pairs) { await round(pair, message, size, Math.min(count, 20), 60_000) }
  for (let r = 0; r < rounds; r++) {
    for (const pair of pairs) { samples.get(pair)?.push(await round(pair, message, size, count, 60_000)) }
  }
  return pairs.map(pair => {
    const list = samples.get(pair) ?? []
    const ms = percentile(list.map(s => s.ms), 50)
    const wirePerMessage = list.reduce((sum, s) => sum + s.wire, 0) / (list.length * count)
    return {
      mode: pair.mode,
      sizeLabel,
      messages: count,
      perSecond: sig3(count * 1000 / ms),
      MBps: sig3(count * size / 1000 / ms),
      wireBytesPerMessage: Math.round(wirePerMessage),
      wireRatio: round2(wirePerMessage / size),
      compressedFrames: pair.sender.compression.stats.compressedFrames - (framesBefore.get(pair) ?? 0),
      rounds: list.map(s => sig3(count * 1000 / s.ms))
    }
  })
}

export interface LatencyFigure {
  mode: string
  sizeLabel: string
  p50Ms: number
  p99Ms: number
  calls: number
}

/** Calls echoing `message`, one in flight, the pairs taking turns by rounds. */
export async function measureCallLatency (pairs: CompressionPair[], sizeLabel: string, targetBytes: number, callsPerRound: number, rounds: number): Promise<LatencyFigure[]> {
  const message = jsonLikeMessage(targetBytes, 2)
  const samples = new Map<CompressionPair, number[]>(pairs.map(p => [p, []]))
  for (const pair of pairs) {
    for (let i = 0; i < 50; i++) { await pair.sender.call(pair.sink, message, { timeout: 10_000 }) }
  }
  for (let r = 0; r < rounds; r++) {
    for (const pair of pairs) {
      const list = samples.get(pair) ?? []
      for (let i = 0; i < callsPerRound; i++) {
        const start = performance.now()
        await pair.sender.call(pair.sink, message, { timeout: 10_000 })
        list.push(performance.now() - start)
      }
    }
  }
  return pairs.map(pair => {
    const list = samples.get(pair) ?? []
    return { mode: pair.mode, sizeLabel, p50Ms: sig3(percentile(list, 50)), p99Ms: sig3(percentile(list, 99)), calls: list.length }
  })
}
