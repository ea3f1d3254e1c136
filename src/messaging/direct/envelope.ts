// The frames of the direct protocol: sends, calls and their answers, and publishes to one node.
import { MalformedFrameError } from '../../wire/errors.ts'
import { isWireError } from './wire-error.ts'
import type { WireError } from './wire-error.ts'

export const SEND = 1
export const CALL = 2
export const REPLY = 3
export const FAIL = 4
export const PUBLISH = 5

/**
 * msgpack arrays, not objects: field names would cost more bytes than a 1 KiB message's header. A traced send,
 * call or publish ends with its W3C traceparent, and its tracestate when there is one; an untraced one carries
 * neither, so it costs no byte.
 */
export type Envelope =
  | [typeof SEND, actorId: string, body: unknown, traceparent?: string, tracestate?: string]
  | [typeof CALL, callId: number, actorId: string, body: unknown, traceparent?: string, tracestate?: string]
  | [typeof REPLY, callId: number, body: unknown]
  | [typeof FAIL, callId: number, error: WireError]
  | [typeof PUBLISH, topic: string, body: unknown, traceparent?: string, tracestate?: string]

/** Where the trace fields of a send, call or publish begin: the length of the untraced envelope. */
export const TRACE_AT = { [SEND]: 3, [CALL]: 4, [PUBLISH]: 3 } as const

/**
 * Checks a decoded value is a well-formed envelope; anything else is a malformed frame. Trace fields are checked
 * for their type here and parsed where they are used.
 */
export function validateEnvelope (value: unknown): Envelope {
  if (!Array.isArray(value)) { throw new MalformedFrameError('envelope is not an array') }
  const kind = value[0]
  switch (kind) {
    case SEND:
      if (traced(value, 3) && typeof value[1] === 'string') { return value as Envelope }
      break
    case CALL:
      if (traced(value, 4) && isCallId(value[1]) && typeof value[2] === 'string') { return value as Envelope }
      break
    case REPLY:
      if (value.length === 3 && isCallId(value[1])) { return value as Envelope }
      break
    case FAIL:
      if (value.length === 3 && isCallId(value[1]) && isWireError(value[2])) { return value as Envelope }
      break
    case PUBLISH:
      if (traced(value, 3) && typeof value[1] === 'string') { return value as Envelope }
      break
    default:
      break
  }
  throw new MalformedFrameError(`malformed envelope of kind ${String(kind)}`)
}

/**
 * `length` fields, then optionally a traceparent and a tracestate, both strings. A shorter array is malformed: its
 * body is missing (a body of undefined or null is encoded, and decodes as null).
 */
function traced (value: unknown[], length: number): boolean {
  if (value.length < length) { return false }
  return value.length <= length + 2 && value.slice(length).every(field => typeof field === 'string')
}

function isCallId (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
}
