// Trace context on the wire: the W3C traceparent and tracestate texts, checked before anything trusts them.
// Parsed at fixed offsets, as W3C Trace Context lays them out, rather than by a regular expression per message.
import { TraceState } from '@opentelemetry/core'
import { TRACEPARENT_LENGTH, TraceContext } from './trace-context.ts'

/** A version-00 traceparent is 55 characters; later versions may add fields, not kilobytes. */
export const MAX_TRACEPARENT_LENGTH = 256
/** The W3C limit a tracestate should be cut to before it is passed on. */
export const MAX_TRACESTATE_LENGTH = 512

/** What an envelope or a publication carries: the traceparent, then the tracestate when there is one. */
export type WireTrace = [traceparent: string, tracestate?: string]

// where the fields of `vv-<trace id>-<span id>-ff` start
const TRACE_ID_AT = 3
const SPAN_ID_AT = 36
const FLAGS_AT = 53
const DASH = 0x2d

export class TraceCodec {
  /** The wire form of a context. */
  inject (ctx: TraceContext): WireTrace {
    return ctx.wire(MAX_TRACESTATE_LENGTH)
  }

  /**
   * The remote span context a peer sent, or undefined when what it sent is not a valid trace context: accepts what
   * OpenTelemetry's W3C propagator accepts, but no surrounding whitespace (no node sends any).
   */
  extract (traceparent: unknown, tracestate: unknown): TraceContext | undefined {
    if (!isWireTraceparent(traceparent) || traceparent.length < TRACEPARENT_LENGTH) { return undefined }
    if (tracestate !== undefined && (typeof tracestate !== 'string' || tracestate.length > MAX_TRACESTATE_LENGTH)) { return undefined }
    const version = hexByte(traceparent, 0)
    // version ff is forbidden; version 00 has exactly four fields, a later one may append more after a dash
    if (version < 0 || version === 0xff) { return undefined }
    if (traceparent.length > TRACEPARENT_LENGTH && (version === 0 || traceparent.charCodeAt(TRACEPARENT_LENGTH) !== DASH)) { return undefined }
    if (traceparent.charCodeAt(TRACE_ID_AT - 1) !== DASH || traceparent.charCodeAt(SPAN_ID_AT - 1) !== DASH || traceparent.charCodeAt(FLAGS_AT - 1) !== DASH) { return undefined }
    if (!isHexId(traceparent, TRACE_ID_AT, SPAN_ID_AT - 1) || !isHexId(traceparent, SPAN_ID_AT, FLAGS_AT - 1)) { return undefined }
    const flags = hexByte(traceparent, FLAGS_AT)
    if (flags < 0) { return undefined }
    const state = tracestate === undefined || tracestate === '' ? undefined : new TraceState(tracestate)
    return new TraceContext(traceparent.slice(TRACE_ID_AT, SPAN_ID_AT - 1), traceparent.slice(SPAN_ID_AT, FLAGS_AT - 1), flags, state, true, undefined)
  }
}

function isWireTraceparent (value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TRACEPARENT_LENGTH
}

/** The value of a lowercase hex digit, or -1. */
function hexDigit (code: number): number {
  if (code >= 0x30 && code <= 0x39) { return code - 0x30 }
  if (code >= 0x61 && code <= 0x66) { return code - 0x61 + 10 }
  return -1
}

/** The byte two lowercase hex digits at `at` spell, or -1. */
function hexByte (text: string, at: number): number {
  const high = hexDigit(text.charCodeAt(at))
  const low = hexDigit(text.charCodeAt(at + 1))
  return high < 0 || low < 0 ? -1 : high * 16 + low
}

/** `text` from `start` to `end` is lowercase hex and not all zero (an invalid W3C id). */
function isHexId (text: string, start: number, end: number): boolean {
  let zero = true
  for (let i = start; i < end; i++) {
    const digit = hexDigit(text.charCodeAt(i))
    if (digit < 0) { return false }
    if (digit !== 0) { zero = false }
  }
  return !zero
}
