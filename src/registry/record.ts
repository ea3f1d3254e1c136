// Registry records: the value stored in the DHT and gossiped to caches, its ordering and its validation on decode.
import { isActorRef } from '../actors/ref.ts'
import { Codec } from '../wire/codec.ts'
import { InvalidNameError, InvalidRefError, InvalidRegistryRecordError } from './errors.ts'
import type { ActorRef } from '../actors/ref.ts'

/** bumped when the encoded shape changes; older decoders reject what they do not know */
export const RECORD_FORMAT_VERSION = 1

/** longest name accepted, in UTF-16 code units */
export const MAX_NAME_LENGTH = 512

/** longest peer id, actor id or owner accepted */
export const MAX_ID_LENGTH = 256

/** largest encoded record accepted before decoding is even tried */
export const MAX_RECORD_BYTES = 4 * 1024

/**
 * Orders writes of one name. `time` is a wall clock in ms kept monotonic by the writer, `counter`
 * separates writes within one ms, and the owner's id breaks exact ties so every node picks the same winner.
 */
export interface RecordVersion {
  time: number
  counter: number
}

export interface RegistryRecord {
  name: string
  /** the registered actor; for a tombstone, the actor that held the name */
  ref: ActorRef
  /** peer id of the node that wrote this record */
  owner: string
  version: RecordVersion
  /** true when the name was unregistered: the DHT has no delete */
  tombstone: boolean
}

/** The wire shape: short keys, because every cache in the cluster receives every write. */
interface EncodedRecord {
  f: number
  n: string
  r: { node: string, id: string }
  o: string
  t: number
  c: number
  x: boolean
}

/** Negative when `a` is older than `b`, positive when newer, 0 only for the same write. */
export function compareRecords (a: RegistryRecord, b: RegistryRecord): number {
  if (a.version.time !== b.version.time) {
    return a.version.time < b.version.time ? -1 : 1
  }

  if (a.version.counter !== b.version.counter) {
    return a.version.counter < b.version.counter ? -1 : 1
  }

  if (a.owner !== b.owner) {
    return a.owner < b.owner ? -1 : 1
  }

  return 0
}

export function checkName (name: unknown): asserts name is string {
  if (!isBoundedString(name, MAX_NAME_LENGTH)) {
    throw new InvalidNameError(`a name must be a string of 1 to ${MAX_NAME_LENGTH} characters`)
  }
}

export function checkRef (ref: unknown): asserts ref is ActorRef {
  if (!isActorRef(ref) || !isBoundedString(ref.node, MAX_ID_LENGTH) || !isBoundedString(ref.id, MAX_ID_LENGTH)) {
    throw new InvalidRefError(`a ref needs a node and an id of 1 to ${MAX_ID_LENGTH} characters`)
  }
}

export function sameRef (a: ActorRef, b: ActorRef): boolean {
  return a.node === b.node && a.id === b.id
}

/**
 * Encodes and decodes records. Decoding checks every field, so a record from the network is either
 * well formed or rejected with InvalidRegistryRecordError.
 */
export class RecordCodec {
  private readonly codec = new Codec()

  encode (record: RegistryRecord): Uint8Array {
    const encoded: EncodedRecord = {
      f: RECORD_FORMAT_VERSION,
      n: record.name,
      r: { node: record.ref.node, id: record.ref.id },
      o: record.owner,
      t: record.version.time,
      c: record.version.counter,
      x: record.tombstone
    }

    return this.codec.encode(encoded)
  }

  decode (bytes: Uint8Array): RegistryRecord {
    if (bytes.byteLength > MAX_RECORD_BYTES) {
      throw new InvalidRegistryRecordError(`record of ${bytes.byteLength} bytes exceeds the ${MAX_RECORD_BYTES} byte limit`)
    }

    let value: unknown
    try {
      value = this.codec.decode(bytes)
    } catch (err: any) {
      throw new InvalidRegistryRecordError('record is not decodable', { cause: err })
    }

    return toRecord(value)
  }
}

function toRecord (value: unknown): RegistryRecord {
  if (typeof value !== 'object' || value == null || Array.isArray(value)) {
    throw new InvalidRegistryRecordError('record is not a map')
  }

  const v = value as Partial<EncodedRecord>

  if (v.f !== RECORD_FORMAT_VERSION) {
    throw new InvalidRegistryRecordError(`unknown record format ${String(v.f)}`)
  }

  if (!isBoundedString(v.n, MAX_NAME_LENGTH)) {
    throw new InvalidRegistryRecordError('record name is missing, empty or too long')
  }

  if (!isActorRef(v.r) || !isBoundedString(v.r.node, MAX_ID_LENGTH) || !isBoundedString(v.r.id, MAX_ID_LENGTH)) {
    throw new InvalidRegistryRecordError('record ref is malformed')
  }

  if (!isBoundedString(v.o, MAX_ID_LENGTH)) {
    throw new InvalidRegistryRecordError('record owner is malformed')
  }

  if (!isCount(v.t) || !isCount(v.c)) {
    throw new InvalidRegistryRecordError('record version is malformed')
  }

  if (typeof v.x !== 'boolean') {
    throw new InvalidRegistryRecordError('record tombstone flag is malformed')
  }

  return {
    name: v.n,
    ref: { node: v.r.node, id: v.r.id },
    owner: v.o,
    version: { time: v.t, counter: v.c },
    tombstone: v.x
  }
}

function isBoundedString (value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max
}

function isCount (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
