// compression: what compressing frames saves and costs, per codec, for JSON-like messages of 1 KiB to 256 KiB.
//   - each codec on one message, no network: bytes after over before, µs to compress and to inflate
//     (benchmarks/compression/codec-figures.ts)
//   - two nodes over TCP on 127.0.0.1 (a LAN at its best), per mode (off, auto, deflate, zstd): messages per second and
//     bytes on the wire per message, counted on the sender's raw connections (encryption and muxing included); and
//     call p50 with `auto` against `off`, the mode every cluster gets by default (benchmarks/compression/wire-runs.ts)
//   - the same over a link shaped in the transport to 20 ms round trip and 50 Mbit/s (benchmarks/lib/shaped-transports.ts),
//     where `auto` turns compression on
// The baseline is the same nodes with compression off, in the same run, rounds interleaved.
import { measureCodecs } from '../compression/codec-figures.ts'
import { startPair } from '../compression/pair.ts'
import { BYTES_TARGET, HEADLINE_SIZE, LAN_CALLS_PER_ROUND, LAN_P50_TARGET, LAN_ROUNDS, LOOPBACK_BUDGET, LOOPBACK_MODES, LOOPBACK_ROUNDS, SIZES, WAN, WAN_BUDGET, WAN_CALLS_PER_ROUND, WAN_MODES, WAN_ROUNDS, WAN_ROUNDS_LATENCY } from '../compression/settings.ts'
import { measureCallLatency, measureThroughput } from '../compression/wire-runs.ts'
import { makeResult, round2, sig3 } from '../lib/result.ts'
import { errorMessage } from '../lib/util.ts'
import type { CompressionMode } from '../../src/wire/compression/index.ts'
import type { CodecFigure } from '../compression/codec-figures.ts'
import type { CompressionPair } from '../compression/pair.ts'
import type { LatencyFigure, ThroughputFigure } from '../compression/wire-runs.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'
import type { LinkShape } from '../lib/shaped-transports.ts'

interface LinkFigures {
  throughput: ThroughputFigure[]
  latency: LatencyFigure[]
}

async function onLink (modes: readonly CompressionMode[], link: LinkShape | undefined, budget: number, rounds: number, latency: { modes: CompressionMode[], sizeLabel: string, bytes: number, calls: number, rounds: number }, notes: string[]): Promise<LinkFigures> {
  const pairs: CompressionPair[] = []
  const figures: LinkFigures = { throughput: [], latency: [] }
  try {
    for (const mode of modes) { pairs.push(await startPair(mode, link)) }
    for (const [label, bytes] of SIZES) {
      try {
        figures.throughput.push(...await measureThroughput(pairs, label, bytes, budget, rounds))
      } catch (err) {
        notes.push(`${link == null ? 'loopback' : 'shaped link'} ${label}: not measured: ${errorMessage(err)}`)
      }
    }
    try {
      figures.latency = await measureCallLatency(pairs.filter(p => latency.modes.includes(p.mode)), latency.sizeLabel, latency.bytes, latency.calls, latency.rounds)
    } catch (err) {
      notes.push(`${link == null ? 'loopback' : 'shaped link'} latency: not measured: ${errorMessage(err)}`)
    }
  } finally {
    await Promise.allSettled(pairs.map(async p => { await p.close() }))
  }
  return figures
}

const codecLine = (f: CodecFigure): string => `${f.sizeLabel} (${f.bytes} B) ${f.codec}: ${f.compressedBytes} B (${f.ratio} of the original), compress ${f.compressUs} µs (${f.compressMBps} MB/s), inflate ${f.inflateUs} µs`
const throughputLine = (where: string, f: ThroughputFigure): string => `${where} ${f.sizeLabel} ${f.mode}: ${f.perSecond} msg/s (${f.MBps} MB/s of messages), ${f.wireBytesPerMessage} B on the wire per message (${f.wireRatio} of its encoded size), ${f.compressedFrames} frames compressed; rounds ${f.rounds.join(', ')} msg/s`
const latencyLine = (where: string, f: LatencyFigure): string => `${where} call of ${f.sizeLabel}, ${f.mode}: p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms over ${f.calls} calls`

function find (figures: ThroughputFigure[], size: string, mode: string): ThroughputFigure | undefined {
  return figures.find(f => f.sizeLabel === size && f.mode === mode)
}

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    'messages: arrays of order records (ids, e-mail addresses, items with names, quantities and prices, a state, an ISO date), values from a seeded generator, as MessagePack encodes them; every run sends the same bytes',
    'codecs: node:zlib\'s, level 1 (zstd where this Node.js has it, deflate everywhere), called synchronously on the event loop; frames below 1 KiB (the default threshold) and frames that would not shrink go plain',
    `throughput: a sender and a receiver node in this process, both with the mode; the sender sends the message in windows of 2 MiB, each confirmed by a call behind it on the same stream, ${LOOPBACK_BUDGET / 1024 / 1024} MiB of messages per round on loopback (${WAN_BUDGET / 1024 / 1024} MiB on the shaped link), the mode's rounds interleaved with the others', the median round reported; bytes on the wire are what the sender's TCP connections carried both ways (noise and yamux included) over the messages sent`,
    `shaped link: every chunk a connection receives waits its turn on a ${WAN.bytesPerSecond * 8 / 1e6} Mbit/s link, then ${WAN.oneWayDelayMs} ms (each way: a ${2 * WAN.oneWayDelayMs} ms round trip), done in the transport of both nodes in this process`
  ]
  const codecs = measureCodecs(SIZES)
  notes.push(...codecs.map(codecLine))

  const loopback = await onLink(LOOPBACK_MODES, undefined, LOOPBACK_BUDGET, LOOPBACK_ROUNDS, { modes: ['off', 'auto'], sizeLabel: HEADLINE_SIZE, bytes: 4096, calls: LAN_CALLS_PER_ROUND, rounds: LAN_ROUNDS }, notes)
  const wan = await onLink(WAN_MODES, WAN, WAN_BUDGET, WAN_ROUNDS, { modes: ['off', 'auto'], sizeLabel: '16 KiB', bytes: 16 * 1024, calls: WAN_CALLS_PER_ROUND, rounds: WAN_ROUNDS_LATENCY }, notes)

  const results: SubjectResult[] = []
  for (const f of loopback.throughput) {
    results.push({ subject: `loopback ${f.sizeLabel}, ${f.mode}`, value: f.wireBytesPerMessage, perSecond: f.perSecond, MBps: f.MBps, wireRatio: f.wireRatio })
  }
  for (const f of wan.throughput) {
    results.push({ subject: `20 ms / 50 Mbit/s ${f.sizeLabel}, ${f.mode}`, value: f.wireBytesPerMessage, perSecond: f.perSecond, MBps: f.MBps, wireRatio: f.wireRatio })
  }

  const plain = find(loopback.throughput, HEADLINE_SIZE, 'off')
  const zstd = find(loopback.throughput, HEADLINE_SIZE, 'zstd') ?? find(loopback.throughput, HEADLINE_SIZE, 'deflate')
  const ratio = plain != null && zstd != null ? round2(zstd.wireBytesPerMessage / plain.wireBytesPerMessage) : null
  notes.unshift(`headline: bytes on the wire per ${HEADLINE_SIZE} message, ${zstd?.mode ?? 'zstd'} over off: ${ratio ?? 'n/a'} (target <= ${BYTES_TARGET}: at least 30 % fewer bytes)`)

  const lanOff = loopback.latency.find(f => f.mode === 'off')
  const lanAuto = loopback.latency.find(f => f.mode === 'auto')
  const lanRatio = lanOff != null && lanAuto != null ? round2(lanAuto.p50Ms / lanOff.p50Ms) : null
  notes.splice(1, 0, `LAN: call p50 with auto over off, ${HEADLINE_SIZE} calls on loopback: ${lanRatio ?? 'n/a'} (target <= ${LAN_P50_TARGET}: ${lanRatio == null ? 'not judged' : lanRatio <= LAN_P50_TARGET ? 'met' : 'not met'}); auto compressed ${find(loopback.throughput, '256 KiB', 'auto')?.compressedFrames ?? 'n/a'} frames on loopback, where a peer on the same host counts as a round trip of nothing`)
  const wanOff = wan.latency.find(f => f.mode === 'off')
  const wanAuto = wan.latency.find(f => f.mode === 'auto')
  if (wanOff != null && wanAuto != null) {
    notes.splice(2, 0, `shaped link: call p50 with auto over off, 16 KiB calls: ${sig3(wanAuto.p50Ms / wanOff.p50Ms)}; auto compressed ${find(wan.throughput, '16 KiB', 'auto')?.compressedFrames ?? 'n/a'} frames of 16 KiB there`)
  }
  for (const size of SIZES.map(s => s[0])) {
    const off = find(wan.throughput, size, 'off')
    const best = ['zstd', 'deflate', 'auto'].map(m => find(wan.throughput, size, m)).filter(f => f != null).sort((a, b) => b.perSecond - a.perSecond)[0]
    const lanOffSize = find(loopback.throughput, size, 'off')
    const lanZstd = find(loopback.throughput, size, 'zstd')
    if (off != null && best != null && lanOffSize != null && lanZstd != null) {
      notes.push(`${size}: throughput with zstd over off is ${sig3(lanZstd.perSecond / lanOffSize.perSecond)} on loopback; on the shaped link ${best.mode} over off is ${sig3(best.perSecond / off.perSecond)}`)
    }
  }
  notes.push(...loopback.throughput.map(f => throughputLine('loopback', f)))
  notes.push(...wan.throughput.map(f => throughputLine('shaped link', f)))
  notes.push(...[...loopback.latency].map(f => latencyLine('loopback', f)), ...wan.latency.map(f => latencyLine('shaped link', f)))

  return makeResult({
    name: 'compression',
    unit: 'bytes on the wire per message',
    results,
    ratio,
    ratioOf: `wire bytes per ${HEADLINE_SIZE} JSON-like message, zstd / off, loopback`,
    target: `<= ${BYTES_TARGET}`,
    notes
  })
}
