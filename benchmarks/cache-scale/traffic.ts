// Counting the cache-scale suite's traffic: every node's direct messages and bytes and the '$cache' requests by cache
// and kind, over an idle window, a span of time (a sync, a join), or a batch of operations timed one at a time.
import { round2, sig3 } from '../lib/result.ts'
import { now, percentile } from '../lib/stats.ts'
import { delay, errorMessage, yieldToLoop } from '../lib/util.ts'
import type { OpsFigures, Span, Window } from './figures.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { MemoryCluster } from '../lib/memory-cluster.ts'

const CACHE_ENDPOINT = '$cache'

/** Direct messages and bytes the nodes sent, from their messaging counters, and the '$cache' requests by kind. */
export interface Totals { messages: number, bytes: number, requests: Record<string, number>, at: number, cpu: NodeJS.CpuUsage }

/** Counts every '$cache' request the nodes make, by cache and kind, by wrapping each node's messaging. */
export class CacheRequests {
  readonly counts: Record<string, number> = {}

  watch (node: FoundationNode): void {
    const messaging = node.messaging
    const call = messaging.call.bind(messaging)
    const send = messaging.send.bind(messaging)
    messaging.call = async (...args: Parameters<typeof call>) => {
      this.count(args[1], args[2])
      return call(...args)
    }
    messaging.send = (...args: Parameters<typeof send>) => {
      this.count(args[1], args[2])
      send(...args)
    }
  }

  private count (target: string, body: unknown): void {
    if (target !== CACHE_ENDPOINT || !Array.isArray(body)) { return }
    const key = body[0] === 'leaving' ? 'leaving' : `${short(String(body[1]))}:${String(body[0])}`
    this.counts[key] = (this.counts[key] ?? 0) + 1
  }
}

export const short = (cache: string): string => cache.replace(/^scale-/, '')

export function totals (nodes: readonly FoundationNode[], requests: CacheRequests): Totals {
  let messages = 0
  let bytes = 0
  for (const node of nodes) {
    messages += node.messaging.stats.messagesOut
    bytes += node.messaging.stats.bytesOut
  }
  return { messages, bytes, requests: { ...requests.counts }, at: now(), cpu: process.cpuUsage() }
}

function requestsSince (before: Totals, after: Totals, per: number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [key, n] of Object.entries(after.requests)) {
    const d = n - (before.requests[key] ?? 0)
    if (d > 0) { out[key] = sig3(d / per) }
  }
  return out
}

export async function idleWindow (cluster: MemoryCluster, requests: CacheRequests, ms: number): Promise<Window> {
  const before = totals(cluster.nodes, requests)
  await delay(ms)
  const after = totals(cluster.nodes, requests)
  const seconds = (after.at - before.at) / 1000
  const cpu = process.cpuUsage(before.cpu)
  return {
    seconds: round2(seconds),
    messagesPerSecond: sig3((after.messages - before.messages) / seconds),
    bytesPerSecond: sig3((after.bytes - before.bytes) / seconds),
    requestsPerSecond: requestsSince(before, after, seconds),
    cpuPercentPerNode: round2((cpu.user + cpu.system) / 1e6 / seconds * 100 / cluster.nodes.length)
  }
}

/**
 * What a batch's operations cost besides the cluster's background: the other '$cache' requests made during the batch
 * (vouching, the other caches' duties) are counted exactly, each a call with one reply; their bytes are estimated at
 * the idle window's bytes per request; the traffic before any cache was open at its rate.
 */
export interface Background {
  /** the caches' kinds that are the operations' own: '<cache>:op', '<cache>:rep' */
  own: readonly string[]
  /** no cache open */
  baseline: Window
  /** the caches open now, idle */
  idle: Window
}

/** `count` operations one at a time from one node, each timed; the direct messages around them, less the background. */
export async function timedOps (cluster: MemoryCluster, requests: CacheRequests, count: number, background: Background, op: (i: number) => Promise<void>): Promise<OpsFigures> {
  const latencies: number[] = []
  const errors: Record<string, number> = {}
  let failed = 0
  const before = totals(cluster.nodes, requests)
  for (let i = 0; i < count; i++) {
    const t = now()
    try {
      await op(i)
    } catch (err) {
      failed++
      const reason = errorMessage(err).replace(/k-\d+/, 'k-N').slice(0, 160)
      errors[reason] = (errors[reason] ?? 0) + 1
    }
    latencies.push(now() - t)
    // on the memory transport (no latency) a message is passed on in microtasks: operation after operation would
    // never let the event loop reach its timers (duties, vouching, membership probes), here they run between two
    await yieldToLoop()
  }
  const after = totals(cluster.nodes, requests)
  const seconds = (after.at - before.at) / 1000
  const messages = after.messages - before.messages
  const bytes = after.bytes - before.bytes
  const made = requestsSince(before, after, 1)
  const others = Object.entries(made).filter(([key]) => !background.own.includes(key)).reduce((sum, [, n]) => sum + n, 0)
  const { baseline, idle } = background
  const idleRequests = Object.values(idle.requestsPerSecond).reduce((a, b) => a + b, 0)
  const bytesPerRequest = idleRequests > 0 ? Math.max(0, idle.bytesPerSecond - baseline.bytesPerSecond) / idleRequests : 0
  return {
    count,
    failed,
    ...(failed > 0 ? { errors } : {}),
    ms: Math.round(seconds * 1000),
    messagesPerOp: sig3(Math.max(0, messages - 2 * others - baseline.messagesPerSecond * seconds) / count),
    bytesPerOp: sig3(Math.max(0, bytes - others * bytesPerRequest - baseline.bytesPerSecond * seconds) / count),
    rawMessagesPerOp: sig3(messages / count),
    rawBytesPerOp: sig3(bytes / count),
    requestsPerOp: requestsSince(before, after, count),
    backgroundRequests: others,
    p50Ms: sig3(percentile(latencies, 50)),
    p99Ms: sig3(percentile(latencies, 99)),
    maxMs: sig3(Math.max(...latencies))
  }
}

export function span (before: Totals, after: Totals): Span {
  return { ms: Math.round(after.at - before.at), messages: after.messages - before.messages, bytes: after.bytes - before.bytes, requests: requestsSince(before, after, 1) }
}
