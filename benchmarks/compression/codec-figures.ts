// What each codec does to one message, in this process, no network: bytes after over bytes before, and the time to
// compress and to inflate it.
import { Packr } from 'msgpackr'
import { nodeFrameCodecs } from '../../src/platform/node/frame-codecs.ts'
import { round2, sig3 } from '../lib/result.ts'
import { jsonLikeMessage } from './messages.ts'

export interface CodecFigure {
  codec: string
  sizeLabel: string
  bytes: number
  compressedBytes: number
  /** compressed over original: 0.3 is 70 % fewer bytes */
  ratio: number
  compressUs: number
  inflateUs: number
  /** MB of original bytes compressed per second of one core */
  compressMBps: number
}

/** Repeats `fn` for about `budgetMs`, at least 20 times; µs per call. */
function timed (fn: () => unknown, budgetMs: number): number {
  for (let i = 0; i < 5; i++) { fn() }
  let calls = 0
  const start = performance.now()
  while (calls < 20 || performance.now() - start < budgetMs) {
    fn()
    calls++
  }
  return (performance.now() - start) * 1000 / calls
}

export function measureCodecs (sizes: ReadonlyArray<[label: string, bytes: number]>, budgetMs = 150): CodecFigure[] {
  const packr = new Packr({ useRecords: false })
  const figures: CodecFigure[] = []
  for (const [sizeLabel, target] of sizes) {
    const payload = packr.pack(jsonLikeMessage(target))
    for (const codec of nodeFrameCodecs()) {
      const compressed = codec.compress(payload)
      const compressUs = timed(() => codec.compress(payload), budgetMs)
      const inflateUs = timed(() => codec.decompress(compressed, payload.byteLength), budgetMs)
      figures.push({
        codec: codec.name,
        sizeLabel,
        bytes: payload.byteLength,
        compressedBytes: compressed.byteLength,
        ratio: round2(compressed.byteLength / payload.byteLength),
        compressUs: sig3(compressUs),
        inflateUs: sig3(inflateUs),
        compressMBps: sig3(payload.byteLength / compressUs)
      })
    }
  }
  return figures
}
