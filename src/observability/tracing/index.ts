// Request tracing: W3C trace context on every message, spans through OpenTelemetry, and each node's recent spans.

export interface TracingInit {
  /**
   * carry trace context on messages and record spans (default on in development, off in production and
   * enterprise). Off, messages carry no trace and nothing is recorded
   */
  enabled?: boolean
  /**
   * share of untraced sends, calls and publishes that start a new trace, from 0 to 1 (default 0: traces start from
   * an OpenTelemetry span or `cluster.trace`, and a message that arrives traced is handled in its trace; 1 traces
   * every message, at a span on each side and a traceparent on the wire)
   */
  sampleRate?: number
  /** spans this node keeps for `traceRequest`, the oldest dropped first (default 10,000) */
  maxSpans?: number
}

export type SpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer'

/** One span this node recorded: a message leaving (send, call, publish) or a handler running. */
export interface SpanRecord {
  /** 32 lowercase hex digits */
  traceId: string
  /** 16 lowercase hex digits */
  spanId: string
  /** the span this one is a child of, on this node or another; absent for the root of a trace */
  parentSpanId?: string
  /** such as 'call counter', 'receive counter', 'publish prices' */
  name: string
  kind: SpanKind
  /** peer id and name of the node that recorded it */
  node: string
  nodeName: string
  /** the actor addressed or handling (its name, else its id), for message spans */
  actor?: string
  /** the topic, for publish spans and subscriber handlers */
  topic?: string
  /** epoch milliseconds, with fractions */
  start: number
  /** milliseconds */
  duration: number
  status: 'ok' | 'error'
  /** the error's name and message, when status is 'error' */
  error?: string
}

/** What `cluster.trace` returns: the function's value and the trace it ran in. */
export interface Traced<T> {
  /** undefined when tracing is off on this node */
  traceId: string | undefined
  value: T
}

export interface TraceRequestOptions {
  /** milliseconds each member has to answer (default messaging.callTimeout, 5 s) */
  timeout?: number
  signal?: AbortSignal
}

/** Every span of one trace the active members recorded, oldest first. */
export interface TraceResult {
  traceId: string
  spans: SpanRecord[]
  /** members that did not answer in time, failed, or answered something malformed: their spans are missing */
  missing: Array<{ id: string, name: string, error: string }>
}

export interface TracingStats {
  /** spans recorded by this node (also those since dropped from the buffer) */
  recorded: number
  /** trace contexts received from the network that were malformed: the frame or publication was rejected */
  rejected: number
}
