// A control channel's round trip while a bulk channel is saturated, between two nodes: idle, beside the saturated
// bulk channel, and on the bulk channel itself (behind its backlog), in rounds.
import { sig3 } from '../lib/result.ts'
import { percentile } from '../lib/stats.ts'
import { delay } from '../lib/util.ts'
import { startPair } from './pair.ts'
import { BULK_ROUND_TRIPS, LATENCY_ROUNDS, ROUND_TRIPS, SATURATE_WARMUP_MS } from './settings.ts'
import type { LinkShape } from '../lib/shaped-transports.ts'

export type Scenario = 'idle' | 'bulk saturated, separate channels' | 'bulk saturated, one channel'
export const SCENARIOS: Scenario[] = ['idle', 'bulk saturated, separate channels', 'bulk saturated, one channel']

export interface LatencyFigure {
  scenario: Scenario
  p50Ms: number
  p99Ms: number
  maxMs: number
  roundTrips: number
  /** each round's p99, to show the spread */
  roundP99Ms: number[]
}

export interface IsolationFigures {
  /** the link's shape, or undefined for plain loopback */
  link: LinkShape | undefined
  latency: LatencyFigure[]
  /** MB/s the receiver got on the bulk channel while it was saturated */
  bulkMBps: number
  /** bulk copies dropped for a full queue while saturated: the publisher tops its backlog up, so none */
  bulkDropped: number
}

export async function measureIsolation (link?: LinkShape): Promise<IsolationFigures> {
  const pair = await startPair(link)
  try {
    const samples = new Map<Scenario, number[][]>(SCENARIOS.map(s => [s, []]))
    const record = async (scenario: Scenario, channel: string, count: number): Promise<void> => {
      samples.get(scenario)?.push(await pair.roundTrips(channel, count))
    }
    // unmeasured: streams open, code compiled
    await pair.roundTrips('control', 50)
    await pair.roundTrips('bulk', 20)
    let saturatedMs = 0
    let bulkBytes = 0
    const droppedBefore = pair.sender.channel('bulk').stats().dropped
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      await record('idle', 'control', ROUND_TRIPS)
      const stop = pair.saturate()
      await delay(SATURATE_WARMUP_MS)
      const started = performance.now()
      const bytesBefore = pair.bulkBytes
      await record('bulk saturated, separate channels', 'control', ROUND_TRIPS)
      await record('bulk saturated, one channel', 'bulk', BULK_ROUND_TRIPS)
      saturatedMs += performance.now() - started
      bulkBytes += pair.bulkBytes - bytesBefore
      await stop()
      // a ping on the bulk channel comes back once everything queued ahead of it has arrived
      await pair.roundTrips('bulk', 1)
    }
    return {
      link,
      latency: SCENARIOS.map(scenario => figure(scenario, samples.get(scenario) ?? [])),
      bulkMBps: sig3(bulkBytes / 1e6 / (saturatedMs / 1000)),
      bulkDropped: pair.sender.channel('bulk').stats().dropped - droppedBefore
    }
  } finally {
    await pair.close()
  }
}

function figure (scenario: Scenario, rounds: number[][]): LatencyFigure {
  const all = rounds.flat()
  return {
    scenario,
    p50Ms: sig3(percentile(all, 50)),
    p99Ms: sig3(percentile(all, 99)),
    maxMs: sig3(Math.max(...all)),
    roundTrips: all.length,
    roundP99Ms: rounds.map(r => sig3(percentile(r, 99)))
  }
}
