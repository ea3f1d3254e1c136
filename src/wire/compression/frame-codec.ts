// A codec a compressed frame may name, by the one-byte id it carries. The platform supplies them (node:zlib on Node.js;
// none in a browser tab, which then speaks plain frames only): the wire code reaches none of Node's modules.

export type CodecName = 'deflate' | 'zstd'

/** The ids frames carry: fixed, so every node reads them alike. */
export const DEFLATE_ID = 1
export const ZSTD_ID = 2

export interface FrameCodec {
  readonly name: CodecName
  readonly id: number
  compress(bytes: Uint8Array): Uint8Array
  /** throws a RangeError (code ERR_BUFFER_TOO_LARGE) past `maxOutput` bytes: an inflated frame is bounded like any other */
  decompress(bytes: Uint8Array, maxOutput: number): Uint8Array
}
