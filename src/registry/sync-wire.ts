// The registry-sync wire format: a request frame, then an answer of a header frame and one frame per record.
import { Codec } from '../wire/codec.ts'
import { encodeFrame, encodeFrames } from '../wire/frames.ts'
import { InvalidRegistryRecordError } from './errors.ts'
import { MAX_RECORD_BYTES, RecordCodec } from './record.ts'
import type { RegistryRecord } from './record.ts'

/** bumped when the request or answer shape changes; a peer answers only the format it knows */
export const SYNC_FORMAT_VERSION = 1

/** most names one answer may carry: far above what a node holds, low enough to bound what a peer can make us buffer */
export const MAX_SYNC_NAMES = 100_000

/** largest frame of the protocol: a record, since the request and the header are a few bytes */
export const MAX_SYNC_FRAME = MAX_RECORD_BYTES

/** answer frames are joined into writes of about this size, so a large answer respects backpressure */
const ANSWER_CHUNK_BYTES = 64 * 1024

interface EncodedRequest {
  f: number
}

interface EncodedHeader {
  f: number
  /** how many record frames follow */
  n: number
}

/** Encodes the request and the answer's header, and checks both on decode. */
export class SyncCodec {
  private readonly codec = new Codec()
  private readonly records = new RecordCodec()

  /** The request frame, length prefix included. */
  request (): Uint8Array {
    const request: EncodedRequest = { f: SYNC_FORMAT_VERSION }
    return encodeFrame(this.codec.encode(request))
  }

  /** Throws InvalidRegistryRecordError unless the payload is a request this node can answer. */
  checkRequest (payload: Uint8Array): void {
    const value = this.decodeMap(payload, 'request')
    if (value.f !== SYNC_FORMAT_VERSION) {
      throw new InvalidRegistryRecordError(`unknown sync request format ${String(value.f)}`)
    }
  }

  /** The answer as a few buffers of whole frames: the header, then every record. */
  answer (records: RegistryRecord[]): Uint8Array[] {
    const header: EncodedHeader = { f: SYNC_FORMAT_VERSION, n: records.length }
    const chunks: Uint8Array[] = []
    let batch: Uint8Array[] = [this.codec.encode(header)]
    let size = 0

    for (const record of records) {
      const encoded = this.records.encode(record)
      batch.push(encoded)
      size += encoded.byteLength
      if (size >= ANSWER_CHUNK_BYTES) {
        chunks.push(encodeFrames(batch))
        batch = []
        size = 0
      }
    }

    if (batch.length > 0) {
      chunks.push(encodeFrames(batch))
    }

    return chunks
  }

  /** The record count a header announces; throws InvalidRegistryRecordError for a bad header. */
  decodeHeader (payload: Uint8Array): number {
    const value = this.decodeMap(payload, 'answer header')
    if (value.f !== SYNC_FORMAT_VERSION) {
      throw new InvalidRegistryRecordError(`unknown sync answer format ${String(value.f)}`)
    }

    const count = value.n
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > MAX_SYNC_NAMES) {
      throw new InvalidRegistryRecordError(`sync answer announces ${String(count)} names`)
    }

    return count
  }

  decodeRecord (payload: Uint8Array): RegistryRecord {
    return this.records.decode(payload)
  }

  private decodeMap (payload: Uint8Array, what: string): Record<string, unknown> {
    let value: unknown
    try {
      value = this.codec.decode(payload)
    } catch (err: any) {
      throw new InvalidRegistryRecordError(`sync ${what} is not decodable`, { cause: err })
    }

    if (typeof value !== 'object' || value == null || Array.isArray(value)) {
      throw new InvalidRegistryRecordError(`sync ${what} is not a map`)
    }

    return value as Record<string, unknown>
  }
}

/**
 * Collects one member's answer frame by frame. Any bad frame makes the whole answer bad: a member
 * answers for the names it holds, so a record it did not write, or more records than it announced,
 * means the answer cannot be trusted.
 */
export class SyncAnswer {
  readonly records: RegistryRecord[] = []
  private readonly from: string
  private readonly codec: SyncCodec
  private expected?: number
  private rejected = false

  constructor (from: string, codec: SyncCodec) {
    this.from = from
    this.codec = codec
  }

  /** true once the header and every record it announced have arrived, and nothing was wrong */
  get complete (): boolean {
    return !this.rejected && this.expected != null && this.records.length === this.expected
  }

  /** Takes the next frame; throws InvalidRegistryRecordError and marks the answer bad on any problem. */
  push (payload: Uint8Array): void {
    try {
      this.take(payload)
    } catch (err) {
      this.rejected = true
      throw err
    }
  }

  private take (payload: Uint8Array): void {
    if (this.rejected) {
      throw new InvalidRegistryRecordError('frame after a rejected sync answer')
    }

    if (this.expected == null) {
      this.expected = this.codec.decodeHeader(payload)
      return
    }

    if (this.records.length >= this.expected) {
      throw new InvalidRegistryRecordError(`sync answer carries more than the ${this.expected} names it announced`)
    }

    const record = this.codec.decodeRecord(payload)
    if (record.owner !== this.from) {
      throw new InvalidRegistryRecordError(`sync answer from ${this.from} carries "${record.name}" written by ${record.owner}`)
    }

    this.records.push(record)
  }
}
