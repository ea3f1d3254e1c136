// Compressed frames: which stream protocols take them, when a frame is worth compressing, and inflating one that came
// in, bounded by the frame limit.
import { FrameTooLargeError, MalformedFrameError } from '../errors.ts'
import type { CodecName, FrameCodec } from './frame-codec.ts'

/**
 * The first byte of a compressed frame: 0xc1 is the one byte MessagePack never uses, so a frame that starts with it
 * cannot be a plain payload, and a frame that does not is one, byte for byte as before compression existed. The second
 * byte names the codec, the rest is the compressed payload.
 */
export const COMPRESSED_MARK = 0xc1
const HEADER_BYTES = 2

/**
 * `off` never compresses (inflating what peers send still works). `auto` compresses frames of at least the threshold
 * on links whose round trip is at least `autoMinRtt` ms: on a LAN the time compressing takes is more than the bytes it
 * saves. `on` compresses them on every link, with the best codec both ends have. `zstd` and `deflate` are `on` with
 * that codec only (a peer without it gets plain frames).
 */
export type CompressionMode = 'off' | 'auto' | 'on' | CodecName

export const COMPRESSION_MODES = ['off', 'auto', 'on', 'zstd', 'deflate'] as const satisfies readonly CompressionMode[]

export interface CompressionPolicy {
  mode: CompressionMode
  /** frames smaller than this many bytes go as they are: small messages compress badly (default 1 KiB) */
  threshold: number
  /** `auto` compresses on links with a round trip of at least this many ms (default 10) */
  autoMinRtt?: number
}

export const DEFAULT_COMPRESSION_THRESHOLD = 1024
export const DEFAULT_AUTO_MIN_RTT = 10
/** peers whose round trip is kept at most, before the table starts over */
const MAX_PEERS_TIMED = 10_000

/** What compression did on this node, for metrics: plain numbers, read when scraped. */
export interface CompressionStats {
  /** frames sent compressed, their bytes before and after */
  compressedFrames: number
  compressedBytesIn: number
  compressedBytesOut: number
  /** frames at or above the threshold that compressed to no fewer bytes, and went plain */
  incompressibleFrames: number
  /** compressed frames received, their bytes on the wire and inflated */
  inflatedFrames: number
  inflatedBytesIn: number
  inflatedBytesOut: number
}

/** Turns payloads into the frames one stream carries; the identity for a stream that takes only plain frames. */
export type FramePacker = (payload: Uint8Array) => Uint8Array

export class FrameCompression {
  readonly stats: CompressionStats = { compressedFrames: 0, compressedBytesIn: 0, compressedBytesOut: 0, incompressibleFrames: 0, inflatedFrames: 0, inflatedBytesIn: 0, inflatedBytesOut: 0 }
  readonly policy: Readonly<Required<CompressionPolicy>>
  /** every codec this process can inflate, best first */
  private readonly codecs: FrameCodec[]
  private readonly byId = new Map<number, FrameCodec>()
  /**
   * the shortest round trip seen to each peer, in ms, over every stream any protocol opened to it: a negotiation on a
   * busy node takes longer than the link does, and the shortest sample has least of that
   */
  private readonly rtts = new Map<string, number>()
  /**
   * each payload's frame while the payload lives: a publication goes to every member as one payload, queued for each,
   * and is compressed once
   */
  private readonly packed = new WeakMap<Uint8Array, { codec: FrameCodec, frame: Uint8Array }>()

  /**
   * `codecs`: those this process has, best first (the platform's); `stats`: counters to add to (default its own), so
   * that every protocol of a node counts in one place
   */
  constructor (policy: CompressionPolicy, codecs: FrameCodec[], stats?: CompressionStats) {
    this.policy = { autoMinRtt: DEFAULT_AUTO_MIN_RTT, ...policy }
    this.codecs = codecs
    if (stats != null) { this.stats = stats }
    for (const codec of codecs) { this.byId.set(codec.id, codec) }
  }

  /** The same codecs, threshold and counters with another mode: a channel's own setting. */
  withMode (mode: CompressionMode): FrameCompression {
    return new FrameCompression({ ...this.policy, mode }, this.codecs, this.stats)
  }

  /**
   * The protocol ids to handle for a stream protocol: its own (plain frames only, what a node without compression
   * speaks) and one per codec this node inflates. The id a stream was opened with tells its sender which codec the
   * reader has, so a node without zstd is never sent it.
   */
  accepted (protocol: string): string[] {
    return [protocol, ...this.codecs.map(codec => variantOf(protocol, codec.name))]
  }

  /** The ids to propose when opening a stream, the one this node would rather use first; just `protocol` when off. */
  offered (protocol: string): string[] {
    return [...this.sendingCodecs().map(codec => variantOf(protocol, codec.name)), protocol]
  }

  /** A round trip to `peer` of `ms`, such as a stream negotiation took. */
  observeRtt (peer: string, ms: number): void {
    const known = this.rtts.get(peer)
    if (known != null && known <= ms) { return }
    // a bound on what departed peers leave behind: the samples come back with the next streams
    if (known == null && this.rtts.size >= MAX_PEERS_TIMED) { this.rtts.clear() }
    this.rtts.set(peer, ms)
  }

  /**
   * How frames go out to `peer` on a stream opened with `negotiated` (one of {@link offered}'s ids). Under `auto` the
   * round trip is read at each frame, so a shorter sample from any later stream to the peer counts at once.
   */
  packer (negotiated: string, peer: string): FramePacker | undefined {
    const codec = this.sendingCodecs().find(c => negotiated.endsWith(`/${c.name}`))
    if (codec == null) { return undefined }
    if (this.policy.mode !== 'auto') { return (payload) => this.pack(codec, payload) }
    const { autoMinRtt, threshold } = this.policy
    // most frames are small: they leave before the round trip is looked up
    return (payload) => payload.byteLength < threshold || (this.rtts.get(peer) ?? 0) < autoMinRtt ? payload : this.pack(codec, payload)
  }

  /**
   * A frame as it came off a stream, inflated if it is compressed: a plain frame is returned as it is. An unknown
   * codec or a corrupt body is a MalformedFrameError, an inflated size past `maxSize` a FrameTooLargeError: either
   * resets the stream it came on.
   */
  unpack (frame: Uint8Array, maxSize: number): Uint8Array {
    if (frame.byteLength === 0 || frame[0] !== COMPRESSED_MARK) { return frame }
    if (frame.byteLength < HEADER_BYTES) { throw new MalformedFrameError('a compressed frame without its codec byte') }
    const codec = this.byId.get(frame[1])
    if (codec == null) { throw new MalformedFrameError(`a frame compressed with codec ${frame[1]}, which this node does not have`) }
    let inflated: Uint8Array
    try {
      inflated = codec.decompress(frame.subarray(HEADER_BYTES), maxSize)
    } catch (err: any) {
      if (err?.code === 'ERR_BUFFER_TOO_LARGE') { throw new FrameTooLargeError(maxSize + 1, maxSize) }
      throw new MalformedFrameError(`a ${codec.name} frame that does not inflate: ${err?.message ?? err}`, { cause: err })
    }
    const stats = this.stats
    stats.inflatedFrames++
    stats.inflatedBytesIn += frame.byteLength
    stats.inflatedBytesOut += inflated.byteLength
    return inflated
  }

  private sendingCodecs (): FrameCodec[] {
    switch (this.policy.mode) {
      case 'off': return []
      case 'auto':
      case 'on': return this.codecs
      default: return this.codecs.filter(c => c.name === this.policy.mode)
    }
  }

  private pack (codec: FrameCodec, payload: Uint8Array): Uint8Array {
    if (payload.byteLength < this.policy.threshold) { return payload }
    const stats = this.stats
    const known = this.packed.get(payload)
    if (known?.codec === codec) {
      if (known.frame !== payload) {
        stats.compressedFrames++
        stats.compressedBytesIn += payload.byteLength
        stats.compressedBytesOut += known.frame.byteLength
      }
      return known.frame
    }
    const frame = this.compressed(codec, payload)
    this.packed.set(payload, { codec, frame })
    return frame
  }

  /** The frame for a payload at or above the threshold: compressed, or the payload itself when that saves nothing. */
  private compressed (codec: FrameCodec, payload: Uint8Array): Uint8Array {
    const body = codec.compress(payload)
    const stats = this.stats
    if (body.byteLength + HEADER_BYTES >= payload.byteLength) {
      stats.incompressibleFrames++
      return payload
    }
    const frame = new Uint8Array(body.byteLength + HEADER_BYTES)
    frame[0] = COMPRESSED_MARK
    frame[1] = codec.id
    frame.set(body, HEADER_BYTES)
    stats.compressedFrames++
    stats.compressedBytesIn += payload.byteLength
    stats.compressedBytesOut += frame.byteLength
    return frame
  }
}

/** The id of `protocol` for streams that may carry frames compressed with `codec`. */
function variantOf (protocol: string, codec: CodecName): string {
  return `${protocol}/${codec}`
}
