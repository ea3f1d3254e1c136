// channels: what a named channel buys and costs.
//   - isolation: two nodes in this process, a control channel and two bulk ones (of normal and of low priority); the
//     round trip of a ping answered by a pong on the control channel idle, then while a bulk channel is saturated (its
//     queue kept at 8 MiB of 64 KiB messages), and on the bulk channel itself; what the bulk channels carry meanwhile;
//     on a shaped link (the headline: the link, not the CPU, is what the bulk channel saturates) and on plain loopback
//     (benchmarks/channels/isolation.ts)
//   - throughput: publications per second delivered to every subscriber on a channel and on cluster.pubsub (gossipsub),
//     at 3 and 25 nodes in this process, the subjects alternating round by round (benchmarks/channels/throughput.ts)
import { QUIET_AFTER, YIELDING_WINDOW } from '../../src/messaging/channels/channel-priority.ts'
import { latencyNote, latencyRows, linkLabel, loadedOverIdle, throughputNotes, throughputRows } from '../channels/figures.ts'
import { measureIsolation } from '../channels/isolation.ts'
import { BULK_BACKLOG_BYTES, BULK_MESSAGE_BYTES, BULK_ROUND_TRIPS, LATENCY_ROUNDS, QUIET_MEASURE_MS, ROUND_TRIPS, ROUND_TRIP_GAP_MS, SATURATE_WARMUP_MS, SHAPED_LINK, THROUGHPUT_OPTIONS, THROUGHPUT_SIZES, THROUGHPUT_START_BY_MS } from '../channels/settings.ts'
import { measureThroughput } from '../channels/throughput.ts'
import { makeResult } from '../lib/result.ts'
import { errorMessage } from '../lib/util.ts'
import type { IsolationFigures } from '../channels/isolation.ts'
import type { ThroughputFigures } from '../channels/throughput.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

const TARGET = 2

function setupNotes (): string[] {
  return [
    `isolation: two nodes in this process over TCP on 127.0.0.1 (observability off as production sets it), each with a channel 'control', a channel 'bulk' and a channel 'bulk-low' of priority 'low' (one stream per peer each); the receiver answers a ping on any channel with a pong on the same channel (directPublish back to its sender); a round trip is one ping and its pong, one at a time, ${ROUND_TRIP_GAP_MS} ms apart. Per round: ${ROUND_TRIPS} round trips idle on 'control'; then the sender saturates 'bulk' (directPublish of ${BULK_MESSAGE_BYTES / 1024} KiB messages to the receiver, its queue topped up to ${BULK_BACKLOG_BYTES / 1024 / 1024} MiB every turn), and after ${SATURATE_WARMUP_MS} ms ${ROUND_TRIPS} round trips on 'control' and ${BULK_ROUND_TRIPS} on 'bulk' itself (behind its backlog); then the same saturation of 'bulk-low', ${ROUND_TRIPS} round trips on 'control' beside it, and, after the control channel has been quiet ${QUIET_AFTER} ms, ${QUIET_MEASURE_MS} ms of 'bulk-low' alone; ${LATENCY_ROUNDS} rounds, p50 / p99 nearest rank over the rounds pooled; MB/s is what the receiver got on the saturated channel over the round trips beside it (or the quiet span)`,
    `links: the headline on a shaped link (benchmarks/lib/shaped-transports.ts: ${SHAPED_LINK.bytesPerSecond / 1e6} MB/s each way, ${SHAPED_LINK.oneWayDelayMs} ms one-way delay), where the bulk channel fills the link well before it fills the CPU, as between hosts; the same on plain loopback, where the one process's CPU (two nodes' encryption, muxing and decoding of the bulk traffic) is what saturates, and a control round trip waits for the event loop's turns as much as for the connection`,
    `throughput: clusters of ${THROUGHPUT_SIZES.join(' and ')} nodes in this process (TCP, static discovery), node-0 publishing 1 KiB messages on one topic, every other node subscribing; closed loop with ${THROUGHPUT_OPTIONS.window} publications in flight (published, not yet at every subscriber), ${THROUGHPUT_OPTIONS.rounds} rounds of ${THROUGHPUT_OPTIONS.throughputSeconds} s per subject, the subjects alternating (benchmarks/lib/pubsub.ts); value = the median round. All nodes share this process's one thread: compare within a size, and the growth across sizes`
  ]
}

function judged (ratio: number | null): string {
  if (ratio == null) { return 'not judged' }
  return ratio <= TARGET ? 'met' : 'not met'
}

function headline (shaped: IsolationFigures | undefined): string[] {
  const ratio = loadedOverIdle(shaped)
  return [
    `headline ratio: control-channel p99 beside a saturated bulk channel of priority 'low' / idle p99, ${linkLabel(SHAPED_LINK)}: ${ratio ?? 'n/a'} (target <= ${TARGET}: ${judged(ratio)}); beside a bulk channel of normal priority: ${loadedOverIdle(shaped, 'beside a saturated bulk channel') ?? 'n/a'}`,
    `what is left of the wait beside a bulk channel is the connection both channels share: a control frame crosses the link behind the bulk bytes in flight. Each channel has queues of its own, so none of the bulk backlog is ahead of it; what a bulk channel has on the link is its stream's receive window (src/messaging/channels/receive-window.ts): held at yamux's initial 256 KiB for a channel of normal priority (yamux would grow it to 16 MiB while the reader keeps up, and a control round trip waited hundreds of ms behind it), about 5 ms of a 50 MB/s link; narrowed to ${YIELDING_WINDOW / 1024} KiB for one of low priority while a channel of normal priority carries frames from the same peer (src/messaging/channels/channel-priority.ts), given back after ${QUIET_AFTER} ms without. A stream carries about one window per round trip, which is what the low-priority channel gives up while the control channel is busy`,
    'on the bulk channel itself a ping waits for the whole backlog queued ahead of it (8 MiB: about 230 ms of a 36 MB/s flow). The stream writer (src/wire/frame-writer.ts) hands its stream a new batch only once the stream\'s own buffer holds less than one write: yamux emits \'drain\' at each window update while bytes still wait in that buffer, and a batch at each let it grow to 280 MB in 35 s on a 25 MB/s link in a trial, the pings on the bulk channel taking seconds'
  ]
}

export async function run (): Promise<BenchResult> {
  const started = performance.now()
  const notes: string[] = setupNotes()
  const results: SubjectResult[] = []

  const isolation: IsolationFigures[] = []
  for (const link of [SHAPED_LINK, undefined]) {
    try {
      const figures = await measureIsolation(link)
      isolation.push(figures)
      results.push(...latencyRows(figures))
    } catch (err) {
      notes.push(`isolation on ${link == null ? 'loopback' : 'the shaped link'} not measured: ${errorMessage(err)}`)
    }
  }
  const shaped = isolation.find(f => f.link != null)
  notes.push(...headline(shaped), ...isolation.map(latencyNote))

  const throughput: ThroughputFigures[] = []
  for (const size of THROUGHPUT_SIZES) {
    if (performance.now() - started > THROUGHPUT_START_BY_MS) {
      notes.push(`throughput at ${size} nodes not measured: the suite had run ${Math.round((performance.now() - started) / 1000)} s, past the ${THROUGHPUT_START_BY_MS / 1000} s after which no cluster is started`)
      continue
    }
    try {
      throughput.push(await measureThroughput(size))
    } catch (err) {
      notes.push(`throughput at ${size} nodes not measured: ${errorMessage(err)}`)
    }
  }
  results.push(...throughputRows(throughput))
  notes.push(...throughputNotes(throughput))

  return makeResult({
    name: 'channels',
    unit: 'per subject (ms for round trips, publications/s for throughput)',
    results,
    ratio: loadedOverIdle(shaped),
    ratioOf: 'control-channel round-trip p99 while a bulk channel of priority \'low\' is saturated / idle p99, shaped link (lower is better)',
    target: `<= ${TARGET}`,
    notes
  })
}
