// One node's tracing: the active trace context, spans through OpenTelemetry, and our own ids and records when no
// OpenTelemetry SDK is registered (the API alone is a no-op that would leave every message untraced).
import { AsyncLocalStorage } from 'node:async_hooks'
import { ROOT_CONTEXT, SpanKind as OtelSpanKind, SpanStatusCode, TraceFlags, context, isSpanContextValid, trace } from '@opentelemetry/api'
import { RandomIds } from './ids.ts'
import { SpanRecorder } from './span-recorder.ts'
import { TraceCodec } from './wire.ts'
import type { SpanKind, SpanRecord, Traced, TracingStats } from './index.ts'
import type { WireTrace } from './wire.ts'
import type { Context, Span, SpanContext, Tracer } from '@opentelemetry/api'

/** the instrumentation scope of our spans; no version, rather than one that drifts from the package's */
export const TRACER_NAME = 'foundation-mesh'

const OTEL_KINDS: Record<SpanKind, OtelSpanKind> = {
  internal: OtelSpanKind.INTERNAL,
  server: OtelSpanKind.SERVER,
  client: OtelSpanKind.CLIENT,
  producer: OtelSpanKind.PRODUCER,
  consumer: OtelSpanKind.CONSUMER
}

/** characters of an error kept in a span record */
const MAX_ERROR_LENGTH = 500

export interface NodeTracingInit {
  node: string
  nodeName: string
  sampleRate: number
  maxSpans: number
}

/** What a span is about: the actor addressed or handling, or the topic. */
export interface SpanSubject {
  actor?: string
  topic?: string
}

/** Runs `fn` in `ctx` for OpenTelemetry too, so a user's SDK sees the handler's spans as children of ours. */
function withOtel<T> (ctx: Context, fn: () => T): T {
  return context.with(ctx, fn)
}

export class NodeTracing {
  readonly stats: TracingStats = { recorded: 0, rejected: 0 }
  readonly codec = new TraceCodec()
  private readonly init: NodeTracingInit
  /** per node, so the contexts of two nodes in one process never mix */
  private readonly storage = new AsyncLocalStorage<Context>()
  private readonly tracer: Tracer = trace.getTracer(TRACER_NAME)
  private readonly ids = new RandomIds()
  private readonly recorder: SpanRecorder

  constructor (init: NodeTracingInit) {
    this.init = init
    this.recorder = new SpanRecorder(init.maxSpans)
  }

  /** The trace that messages sent now belong to: the user's active OpenTelemetry span, else the one we run in. */
  current (): Context | undefined {
    const active = context.active()
    if (active !== ROOT_CONTEXT) {
      const span = trace.getSpanContext(active)
      if (span !== undefined && isSpanContextValid(span)) { return active }
    }
    return this.storage.getStore()
  }

  /** The trace id of the current trace, if any. */
  traceId (): string | undefined {
    const ctx = this.current()
    return ctx === undefined ? undefined : trace.getSpanContext(ctx)?.traceId
  }

  /** The current trace in wire form, for a message that leaves now; undefined when untraced. */
  wire (): WireTrace | undefined {
    const ctx = this.current()
    return ctx === undefined ? undefined : this.codec.inject(ctx)
  }

  /** Runs `fn` in a trace context, or in none (undefined) where a stale one could leak in, such as a socket's callbacks. */
  within<T> (ctx: Context | undefined, fn: () => T): T {
    return ctx === undefined ? this.storage.exit(withOtel, ROOT_CONTEXT, fn) : this.storage.run(ctx, withOtel, ctx, fn)
  }

  /**
   * The span of a message leaving (send, call, publish) to an actor or a topic: a child of the current trace, or
   * the root of a new one for a `sampleRate` share of untraced messages; undefined when the message goes untraced.
   * Nothing is allocated for an untraced message.
   */
  outgoing (verb: string, kind: SpanKind, actor: string | undefined, topic?: string): TracedSpan | undefined {
    const parent = this.current()
    if (parent === undefined && !this.sampled()) { return undefined }
    return this.start(`${verb} ${actor ?? topic}`, kind, parent, actor !== undefined ? { actor } : { topic })
  }

  /** Starts a span: a child of `parent`, or a new trace without one. */
  start (name: string, kind: SpanKind, parent: Context | undefined, subject: SpanSubject): TracedSpan {
    const parentSpan = parent === undefined ? undefined : trace.getSpanContext(parent)
    const base = parent ?? ROOT_CONTEXT
    let span = this.tracer.startSpan(name, { kind: OTEL_KINDS[kind], root: parent === undefined, attributes: attributesOf(this.init.nodeName, subject) }, base)
    let ids = span.spanContext()
    if (!isSpanContextValid(ids) || ids.spanId === parentSpan?.spanId) {
      // no SDK: the API handed back the parent's ids, or none, so the ids are ours
      ids = {
        traceId: parentSpan?.traceId ?? this.ids.traceId(),
        spanId: this.ids.spanId(),
        traceFlags: parentSpan?.traceFlags ?? TraceFlags.SAMPLED,
        traceState: parentSpan?.traceState
      }
      span = trace.wrapSpanContext(ids)
    }
    return new TracedSpan(this, span, ids, parentSpan?.spanId, trace.setSpan(base, span), name, kind, subject)
  }

  /** Runs `fn` as a span of its own, in the current trace or a new one, whatever the sample rate. */
  async trace<T> (name: string, fn: () => T | Promise<T>): Promise<Traced<T>> {
    const span = this.start(name, 'internal', this.current(), {})
    try {
      const value = await span.run(fn)
      span.end()
      return { traceId: span.traceId, value }
    } catch (err) {
      span.end(err)
      throw err
    }
  }

  /** The spans of one trace this node still holds. */
  spansOf (traceId: string, limit?: number): SpanRecord[] {
    return this.recorder.ofTrace(traceId, limit)
  }

  /** @internal */
  record (span: SpanRecord): void {
    this.recorder.record(span)
    this.stats.recorded = this.recorder.recorded
  }

  /** @internal */
  get node (): { id: string, name: string } {
    return { id: this.init.node, name: this.init.nodeName }
  }

  private sampled (): boolean {
    const rate = this.init.sampleRate
    return rate >= 1 || (rate > 0 && Math.random() < rate)
  }
}

function attributesOf (nodeName: string, subject: SpanSubject): Record<string, string> {
  const attributes: Record<string, string> = { 'messaging.system': 'foundation', 'foundation.node': nodeName }
  if (subject.actor !== undefined) { attributes['foundation.actor'] = subject.actor }
  if (subject.topic !== undefined) { attributes['messaging.destination.name'] = subject.topic }
  return attributes
}

/** One span in progress: what runs inside `run` belongs to it; `end` records it (when sampled). */
export class TracedSpan {
  /** the context whose span is this one, for the work and the messages inside it */
  readonly context: Context
  private readonly owner: NodeTracing
  private readonly span: Span
  private readonly ids: SpanContext
  private readonly parentSpanId: string | undefined
  private readonly name: string
  private readonly kind: SpanKind
  private readonly subject: SpanSubject
  private readonly start = performance.timeOrigin + performance.now()
  private ended = false

  constructor (owner: NodeTracing, span: Span, ids: SpanContext, parentSpanId: string | undefined, ctx: Context, name: string, kind: SpanKind, subject: SpanSubject) {
    this.owner = owner
    this.span = span
    this.ids = ids
    this.parentSpanId = parentSpanId
    this.context = ctx
    this.name = name
    this.kind = kind
    this.subject = subject
  }

  get traceId (): string {
    return this.ids.traceId
  }

  run<T> (fn: () => T): T {
    return this.owner.within(this.context, fn)
  }

  /** Ends the span, failed when `err` is given; only the first call counts. */
  end (err?: unknown): void {
    if (this.ended) { return }
    this.ended = true
    const error = err === undefined ? undefined : describe(err).slice(0, MAX_ERROR_LENGTH)
    if (error !== undefined) {
      if (err instanceof Error) { this.span.recordException(err) }
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: error })
    }
    this.span.end()
    if ((this.ids.traceFlags & TraceFlags.SAMPLED) === 0) { return }
    const { id, name } = this.owner.node
    const record: SpanRecord = {
      traceId: this.ids.traceId,
      spanId: this.ids.spanId,
      name: this.name,
      kind: this.kind,
      node: id,
      nodeName: name,
      start: this.start,
      duration: performance.timeOrigin + performance.now() - this.start,
      status: error === undefined ? 'ok' : 'error'
    }
    if (this.parentSpanId !== undefined) { record.parentSpanId = this.parentSpanId }
    if (this.subject.actor !== undefined) { record.actor = this.subject.actor }
    if (this.subject.topic !== undefined) { record.topic = this.subject.topic }
    if (error !== undefined) { record.error = error }
    this.owner.record(record)
  }
}

function describe (err: unknown): string {
  if (err instanceof Error) {
    const name = (err as { remoteName?: unknown }).remoteName
    return `${typeof name === 'string' ? name : err.name}: ${err.message}`
  }
  return String(err)
}
