// A trace context as this node carries it: plain fields, so propagating a trace costs no OpenTelemetry call
// when no OpenTelemetry SDK is registered.
import type { WireTrace } from './wire.ts'
import type { Context, SpanContext, TraceState } from '@opentelemetry/api'

/** W3C trace flags: the trace is sampled, so its spans are recorded */
export const SAMPLED = 0x01

/** A W3C version-00 traceparent: `00-` trace id `-` span id `-` flags, 55 characters */
export const TRACEPARENT_LENGTH = 55

/** Lowercase hex of one byte, by value, for trace flags. */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * The trace of a message as the code handing it on knows it: a context, `null` when that code already found the
 * message untraced, or undefined to look the current trace up. Passing what is known keeps the lookup to one per
 * message.
 */
export type MessageTrace = TraceContext | null | undefined

/** A span's identity: the trace it belongs to, the span itself, and whether it is sampled. */
export class TraceContext {
  /** 32 lowercase hex digits */
  readonly traceId: string
  /** 16 lowercase hex digits */
  readonly spanId: string
  /** W3C trace flags: SAMPLED, or 0 when the trace is not recorded */
  readonly flags: number
  readonly traceState: TraceState | undefined
  /** the span came from another node (or the user's propagation) rather than starting here */
  readonly remote: boolean
  /**
   * the OpenTelemetry context holding this span, for a span started while an OpenTelemetry SDK was registered or
   * the user's own active span; undefined for ours otherwise, which then never touch OpenTelemetry
   */
  otel: Context | undefined
  /** the wire form, made the first time a message carries it */
  private wireForm: WireTrace | undefined

  constructor (traceId: string, spanId: string, flags: number, traceState: TraceState | undefined, remote: boolean, otel: Context | undefined) {
    this.traceId = traceId
    this.spanId = spanId
    this.flags = flags
    this.traceState = traceState
    this.remote = remote
    this.otel = otel
    this.wireForm = undefined
  }

  /** What a message carries: the traceparent, then the tracestate when there is one that fits. */
  wire (maxTraceStateLength: number): WireTrace {
    if (this.wireForm !== undefined) { return this.wireForm }
    const traceparent = `00-${this.traceId}-${this.spanId}-${HEX_BYTE[this.flags & 0xff]}`
    const state = this.traceState?.serialize()
    this.wireForm = state !== undefined && state !== '' && state.length <= maxTraceStateLength ? [traceparent, state] : [traceparent]
    return this.wireForm
  }

  /** The OpenTelemetry form, for an SDK's span that is a child of this one. */
  spanContext (): SpanContext {
    return { traceId: this.traceId, spanId: this.spanId, traceFlags: this.flags, traceState: this.traceState, isRemote: this.remote }
  }
}
