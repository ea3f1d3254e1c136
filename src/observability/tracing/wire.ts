// Trace context on the wire: the W3C traceparent and tracestate texts, checked before anything trusts them.
import { ROOT_CONTEXT, isSpanContextValid, trace } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import type { Context, TextMapGetter } from '@opentelemetry/api'

/** A version-00 traceparent is 55 characters; later versions may add fields, not kilobytes. */
export const MAX_TRACEPARENT_LENGTH = 256
/** The W3C limit a tracestate should be cut to before it is passed on. */
export const MAX_TRACESTATE_LENGTH = 512

/** What an envelope or a publication carries: the traceparent, then the tracestate when there is one. */
export type WireTrace = [traceparent: string, tracestate?: string]

interface Carrier { traceparent?: string, tracestate?: string }

const getter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => key === 'traceparent' ? carrier.traceparent : key === 'tracestate' ? carrier.tracestate : undefined
}

export class TraceCodec {
  private readonly propagator = new W3CTraceContextPropagator()

  /** The wire form of a context's span; undefined when it holds no valid span. */
  inject (ctx: Context): WireTrace | undefined {
    const carrier: Carrier = {}
    this.propagator.inject(ctx, carrier, { set: (c, key, value) => { c[key as keyof Carrier] = value } })
    if (carrier.traceparent == null) { return undefined }
    const state = carrier.tracestate
    return state != null && state !== '' && state.length <= MAX_TRACESTATE_LENGTH ? [carrier.traceparent, state] : [carrier.traceparent]
  }

  /** The remote span context a peer sent, or undefined when what it sent is not a valid trace context. */
  extract (traceparent: unknown, tracestate: unknown): Context | undefined {
    if (!isWireTraceparent(traceparent)) { return undefined }
    if (tracestate !== undefined && (typeof tracestate !== 'string' || tracestate.length > MAX_TRACESTATE_LENGTH)) { return undefined }
    const ctx = this.propagator.extract(ROOT_CONTEXT, { traceparent, tracestate }, getter)
    const span = trace.getSpanContext(ctx)
    return span !== undefined && isSpanContextValid(span) ? ctx : undefined
  }
}

export function isWireTraceparent (value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TRACEPARENT_LENGTH
}
