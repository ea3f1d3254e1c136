// A control channel's round trip while a bulk channel is saturated, between two nodes: idle, beside a saturated bulk
// channel of normal priority, on that bulk channel itself (behind its backlog), and beside a saturated bulk channel of
// low priority; and what each bulk channel carries meanwhile, the low one also once the control channel is quiet.
import { QUIET_AFTER } from '../../src/messaging/channels/channel-priority.ts'
import { sig3 } from '../lib/result.ts'
import { percentile } from '../lib/stats.ts'
import { delay } from '../lib/util.ts'
import { startPair } from './pair.ts'
import { BULK_ROUND_TRIPS, LATENCY_ROUNDS, QUIET_MEASURE_MS, ROUND_TRIPS, SATURATE_WARMUP_MS } from './settings.ts'
import type { ChannelPair } from './pair.ts'
import type { BulkChannel } from './settings.ts'
import type { LinkShape } from '../lib/shaped-transports.ts'

export type Scenario = 'idle' | 'beside a saturated bulk channel' | 'on the saturated bulk channel itself' | 'beside a saturated low-priority bulk channel'
export const SCENARIOS: Scenario[] = ['idle', 'beside a saturated bulk channel', 'on the saturated bulk channel itself', 'beside a saturated low-priority bulk channel']

export interface LatencyFigure {
  scenario: Scenario
  p50Ms: number
  p99Ms: number
  maxMs: number
  roundTrips: number
  /** each round's p99, to show the spread */
  roundP99Ms: number[]
}

/** MB/s the receiver got on a saturated bulk channel */
export interface BulkRates {
  /** the bulk channel of normal priority, while control round trips ran beside it */
  normal: number
  /** the low-priority one, while control round trips ran beside it */
  lowBeside: number
  /** the low-priority one, with the control channel quiet */
  lowQuiet: number
}

export interface IsolationFigures {
  /** the link's shape, or undefined for plain loopback */
  link: LinkShape | undefined
  latency: LatencyFigure[]
  bulkMBps: BulkRates
  /** bulk copies dropped for a full queue while saturated: the publisher tops its backlog up, so none */
  bulkDropped: number
}

/** Bytes and ms of bulk traffic, summed over rounds. */
class Carried {
  private bytes = 0
  private ms = 0

  /** Runs `during`, counting what the bulk channel delivered meanwhile. */
  async over (pair: ChannelPair, during: () => Promise<unknown>): Promise<void> {
    const started = performance.now()
    const before = pair.bulkBytes
    await during()
    this.ms += performance.now() - started
    this.bytes += pair.bulkBytes - before
  }

  get mbps (): number {
    return this.ms > 0 ? sig3(this.bytes / 1e6 / (this.ms / 1000)) : 0
  }
}

export async function measureIsolation (link?: LinkShape): Promise<IsolationFigures> {
  const pair = await startPair(link)
  try {
    const samples = new Map<Scenario, number[][]>(SCENARIOS.map(s => [s, []]))
    const record = async (scenario: Scenario, channel: string, count: number): Promise<void> => {
      samples.get(scenario)?.push(await pair.roundTrips(channel, count))
    }
    const rates = { normal: new Carried(), lowBeside: new Carried(), lowQuiet: new Carried() }
    // unmeasured: streams open, code compiled
    await pair.roundTrips('control', 50)
    await pair.roundTrips('bulk', 20)
    await pair.roundTrips('bulk-low', 20)
    const dropped = (): number => pair.sender.channel('bulk').stats().dropped + pair.sender.channel('bulk-low').stats().dropped
    const droppedBefore = dropped()
    const saturated = async (channel: BulkChannel, during: () => Promise<void>): Promise<void> => {
      const stop = pair.saturate(channel)
      try {
        await delay(SATURATE_WARMUP_MS)
        await during()
      } finally {
        await stop()
      }
      // a ping on the bulk channel comes back once everything queued ahead of it has arrived
      await pair.roundTrips(channel, 1)
    }
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      await record('idle', 'control', ROUND_TRIPS)
      await saturated('bulk', async () => {
        await rates.normal.over(pair, async () => { await record('beside a saturated bulk channel', 'control', ROUND_TRIPS) })
        await record('on the saturated bulk channel itself', 'bulk', BULK_ROUND_TRIPS)
      })
      await saturated('bulk-low', async () => {
        await rates.lowBeside.over(pair, async () => { await record('beside a saturated low-priority bulk channel', 'control', ROUND_TRIPS) })
        // the control channel falls quiet: the low-priority channel gets its full window back
        await delay(QUIET_AFTER)
        await rates.lowQuiet.over(pair, async () => { await delay(QUIET_MEASURE_MS) })
      })
    }
    return {
      link,
      latency: SCENARIOS.map(scenario => figure(scenario, samples.get(scenario) ?? [])),
      bulkMBps: { normal: rates.normal.mbps, lowBeside: rates.lowBeside.mbps, lowQuiet: rates.lowQuiet.mbps },
      bulkDropped: dropped() - droppedBefore
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
