// The frame codecs of Node.js: node:zlib's, nothing else to install.
import zlib from 'node:zlib'
import { DEFLATE_ID, ZSTD_ID } from '../../wire/compression/frame-codec.ts'
import type { FrameCodec } from '../../wire/compression/frame-codec.ts'

/**
 * Level 1 of both: the fastest, and on messages of a few KiB within a few percent of the higher levels' ratio.
 * Calls are synchronous: a frame is at most messaging.maxMessageSize (1 MiB), a few ms at worst, and the async
 * forms would run on libuv's 4 threads, where concurrent deflates fragment memory and frames of one stream would
 * need re-ordering. One thread compressing one frame at a time is also the cap on concurrent zlib work.
 */
const deflate: FrameCodec = {
  name: 'deflate',
  id: DEFLATE_ID,
  compress: (bytes) => zlib.deflateRawSync(bytes, { level: 1 }),
  decompress: (bytes, maxOutput) => zlib.inflateRawSync(bytes, { maxOutputLength: Math.max(1, maxOutput) })
}

/** zstd came to node:zlib in 22.15 and 23.8: a node on an older 22 offers and takes deflate only. */
function zstdCodec (): FrameCodec | undefined {
  if (typeof zlib.zstdCompressSync !== 'function' || typeof zlib.zstdDecompressSync !== 'function') { return undefined }
  const params = { [zlib.constants.ZSTD_c_compressionLevel]: 1 }
  return {
    name: 'zstd',
    id: ZSTD_ID,
    compress: (bytes) => zlib.zstdCompressSync(bytes, { params }),
    decompress: (bytes, maxOutput) => zlib.zstdDecompressSync(bytes, { maxOutputLength: Math.max(1, maxOutput) })
  }
}

/** The codecs this process has, best first. */
export function nodeFrameCodecs (): FrameCodec[] {
  const zstd = zstdCodec()
  return zstd != null ? [zstd, deflate] : [deflate]
}
