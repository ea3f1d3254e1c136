// Frames compressed with a codec named in the frame, offered per stream so that nodes with and without a codec agree.
export { COMPRESSED_MARK, COMPRESSION_MODES, DEFAULT_AUTO_MIN_RTT, DEFAULT_COMPRESSION_THRESHOLD, FrameCompression } from './frame-compression.ts'
export type { CompressionMode, CompressionPolicy, CompressionStats, FramePacker } from './frame-compression.ts'
export { DEFLATE_ID, ZSTD_ID } from './frame-codec.ts'
export type { CodecName, FrameCodec } from './frame-codec.ts'
