// The channels benchmark's figures as result rows and notes: the control channel's round trip idle, beside a
// saturated bulk channel and on the bulk channel itself, per link; publications per second on a channel and on
// gossipsub at each cluster size, and how each grows with the members.
import { sig3 } from '../lib/result.ts'
import { CHANNEL_SUBJECT, GOSSIP_SUBJECT } from './throughput.ts'
import type { IsolationFigures, LatencyFigure, Scenario } from './isolation.ts'
import type { ThroughputFigures } from './throughput.ts'
import type { SubjectResult } from '../lib/result.ts'
import type { LinkShape } from '../lib/shaped-transports.ts'

export function linkLabel (link: LinkShape | undefined): string {
  return link == null ? 'loopback' : `${link.bytesPerSecond / 1e6} MB/s link, ${link.oneWayDelayMs} ms each way`
}

export function find (figures: IsolationFigures | undefined, scenario: Scenario): LatencyFigure | undefined {
  return figures?.latency.find(l => l.scenario === scenario)
}

/**
 * control p99 beside a saturated bulk channel over idle p99 (lower is better): beside the low-priority one is the
 * headline, a bulk channel set up as such
 */
export function loadedOverIdle (figures: IsolationFigures | undefined, beside: Scenario = 'beside a saturated low-priority bulk channel'): number | null {
  const idle = find(figures, 'idle')
  const loaded = find(figures, beside)
  return idle != null && loaded != null ? sig3(loaded.p99Ms / idle.p99Ms) : null
}

/** MB/s the bulk channel carried during a scenario's round trips, where one was saturated */
function carriedDuring (figures: IsolationFigures, scenario: Scenario): number | undefined {
  if (scenario === 'beside a saturated low-priority bulk channel') { return figures.bulkMBps.lowBeside }
  return scenario === 'idle' ? undefined : figures.bulkMBps.normal
}

export function latencyRows (figures: IsolationFigures): SubjectResult[] {
  return figures.latency.map(l => ({
    subject: `control round trip, ${l.scenario} (${linkLabel(figures.link)})`,
    value: l.p99Ms,
    p50Ms: l.p50Ms,
    p99Ms: l.p99Ms,
    maxMs: l.maxMs,
    roundTrips: l.roundTrips,
    roundP99Ms: l.roundP99Ms,
    bulkMBps: carriedDuring(figures, l.scenario)
  }))
}

export function latencyNote (figures: IsolationFigures): string {
  const [idle, normal, itself, low] = (['idle', 'beside a saturated bulk channel', 'on the saturated bulk channel itself', 'beside a saturated low-priority bulk channel'] as const).map(s => find(figures, s))
  const describe = (l: LatencyFigure | undefined): string => l == null ? 'n/a' : `p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (rounds' p99 ${l.roundP99Ms.join(', ')})`
  const rates = figures.bulkMBps
  return `${linkLabel(figures.link)}: idle ${describe(idle)}; beside a saturated bulk channel of normal priority ${describe(normal)}, p99 ${loadedOverIdle(figures, 'beside a saturated bulk channel') ?? 'n/a'}x idle, the bulk channel carrying ${rates.normal} MB/s; beside a saturated bulk channel of low priority ${describe(low)}, p99 ${loadedOverIdle(figures) ?? 'n/a'}x idle, the bulk channel carrying ${rates.lowBeside} MB/s meanwhile and ${rates.lowQuiet} MB/s once the control channel was quiet; on the bulk channel itself ${describe(itself)}; ${figures.bulkDropped} bulk copies dropped`
}

const rate = (figures: ThroughputFigures | undefined, name: string): number | undefined => figures?.results.find(r => r.subject === name)?.value

export function throughputRows (all: readonly ThroughputFigures[]): SubjectResult[] {
  return all.flatMap(f => f.results.map(r => ({ ...r, subject: `${r.subject}, ${f.nodes} nodes`, unit: 'publications/s delivered to every subscriber', formedMs: f.formedMs })))
}

export function throughputNotes (all: readonly ThroughputFigures[]): string[] {
  const notes = all.map(f => {
    const channel = rate(f, CHANNEL_SUBJECT)
    const gossip = rate(f, GOSSIP_SUBJECT)
    const ratio = channel != null && gossip != null ? sig3(channel / gossip) : 'n/a'
    return `${f.nodes} nodes (formed in ${(f.formedMs / 1000).toFixed(1)} s): channel ${channel ?? 'n/a'}/s, gossipsub ${gossip ?? 'n/a'}/s delivered to all ${f.nodes - 1} subscribers (channel/gossipsub ${ratio})${f.failures.length > 0 ? `; ${f.failures.join('; ')}` : ''}`
  })
  const [small, large] = [all[0], all[all.length - 1]]
  if (small != null && large != null && small !== large) {
    const growth = (name: string): string => {
      const a = rate(small, name)
      const b = rate(large, name)
      return a != null && b != null ? `${sig3(a / b)}x` : 'n/a'
    }
    notes.push(`cost per publication as the cluster grows from ${small.nodes} to ${large.nodes} nodes (publications/s at ${small.nodes} over at ${large.nodes}; ${(large.nodes - 1) / (small.nodes - 1)}x the subscribers): channel ${growth(CHANNEL_SUBJECT)}, gossipsub ${growth(GOSSIP_SUBJECT)}. A channel publication is one copy per member from its publisher (like Phoenix.PubSub's PG adapter), so the publisher's cost grows with the members; gossipsub sends to its mesh and relays the rest`)
  }
  return notes
}
