// Frame compression's metrics: what it saved on the wire, each way, read at scrape time.
import { counter } from './scraped-metrics.ts'
import type { CompressionStats } from '../../wire/compression/index.ts'
import type { Registry } from 'prom-client'

export function registerCompressionMetrics (registry: Registry, stats: CompressionStats): void {
  counter(registry, 'foundation_compressed_frames_total',
    'Frames compressed before sending (out) and inflated on receipt (in); out with outcome incompressible: at or above the threshold, sent plain because compressing saved nothing',
    ['direction', 'outcome'], (set) => {
      set(stats.compressedFrames, { direction: 'out', outcome: 'compressed' })
      set(stats.incompressibleFrames, { direction: 'out', outcome: 'incompressible' })
      set(stats.inflatedFrames, { direction: 'in', outcome: 'compressed' })
    })
  counter(registry, 'foundation_compression_bytes_total',
    'Bytes of the compressed frames before compression (original) and as they crossed the wire (wire), by direction: 1 - wire / original is what compression saved',
    ['direction', 'stage'], (set) => {
      set(stats.compressedBytesIn, { direction: 'out', stage: 'original' })
      set(stats.compressedBytesOut, { direction: 'out', stage: 'wire' })
      set(stats.inflatedBytesOut, { direction: 'in', stage: 'original' })
      set(stats.inflatedBytesIn, { direction: 'in', stage: 'wire' })
    })
}
