// Messages of the '$registry' endpoint: a node hands a member a write of a name, the member folds it in and says what
// it now resolves the name to. Both sides check what they receive.
import { InvalidRegistryRecordError } from './errors.ts'
import { RecordCodec } from './record.ts'
import type { RegistryRecord } from './record.ts'

/** bumped when a message shape changes; a member answers only the format it knows */
export const VISIBILITY_FORMAT_VERSION = 1

/** the only operation so far: fold this record in, and answer what the name resolves to */
const SEE = 'see'

interface EncodedRequest {
  f: number
  op: string
  /** the record, as RecordCodec encodes it (size-limited and checked on decode) */
  r: Uint8Array
}

interface EncodedAnswer {
  f: number
  /** the member's lookup returns the asked record's actor */
  s: boolean
  /** the newest record of the name the member knows, if any */
  r?: Uint8Array
}

export interface VisibilityAnswer {
  /** the member's lookup of the name returns the asked record's actor */
  sees: boolean
  /** the newest record of the name the member knows (held or cached), live or not */
  record?: RegistryRecord
}

export class VisibilityCodec {
  private readonly records = new RecordCodec()

  request (record: RegistryRecord): EncodedRequest {
    return { f: VISIBILITY_FORMAT_VERSION, op: SEE, r: this.records.encode(record) }
  }

  /** The record a member asks about; InvalidRegistryRecordError for anything else. */
  readRequest (body: unknown): RegistryRecord {
    const value = asMap(body, 'request')
    if (value.f !== VISIBILITY_FORMAT_VERSION) {
      throw new InvalidRegistryRecordError(`unknown registry request format ${String(value.f)}`)
    }
    if (value.op !== SEE) {
      throw new InvalidRegistryRecordError(`unknown registry request "${String(value.op)}"`)
    }
    if (!(value.r instanceof Uint8Array)) {
      throw new InvalidRegistryRecordError('registry request carries no record')
    }
    return this.records.decode(value.r)
  }

  answer (answer: VisibilityAnswer): EncodedAnswer {
    const encoded: EncodedAnswer = { f: VISIBILITY_FORMAT_VERSION, s: answer.sees }
    if (answer.record != null) {
      encoded.r = this.records.encode(answer.record)
    }
    return encoded
  }

  /** A member's answer, checked; InvalidRegistryRecordError when it is malformed or not about `name`. */
  readAnswer (body: unknown, name: string): VisibilityAnswer {
    const value = asMap(body, 'answer')
    if (value.f !== VISIBILITY_FORMAT_VERSION) {
      throw new InvalidRegistryRecordError(`unknown registry answer format ${String(value.f)}`)
    }
    if (typeof value.s !== 'boolean') {
      throw new InvalidRegistryRecordError('registry answer has no "sees" flag')
    }
    if (value.r == null) {
      return { sees: value.s }
    }
    if (!(value.r instanceof Uint8Array)) {
      throw new InvalidRegistryRecordError('registry answer record is not binary')
    }
    const record = this.records.decode(value.r)
    if (record.name !== name) {
      throw new InvalidRegistryRecordError(`registry answer is about "${record.name}", not "${name}"`)
    }
    return { sees: value.s, record }
  }
}

function asMap (body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body == null || Array.isArray(body) || body instanceof Uint8Array) {
    throw new InvalidRegistryRecordError(`registry ${what} is not a map`)
  }
  return body as Record<string, unknown>
}
