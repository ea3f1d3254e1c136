// One node's tracing: the active trace context, spans through OpenTelemetry when an SDK is registered, and our
// own ids and records always (the OpenTelemetry API alone is a no-op that would leave every message untraced).
import { ProxyTracerProvider, ROOT_CONTEXT, SpanKind as OtelSpanKind, SpanStatusCode, context, isSpanContextValid, trace } from '@opentelemetry/api'
import { RandomIds } from './ids.ts'
import { SpanRecorder } from './span-recorder.ts'
import { SAMPLED, TraceContext } from './trace-context.ts'
import { TraceCodec } from './wire.ts'
import type { ContextStorage } from './context-storage.ts'
import type { SpanKind, SpanRecord, Traced, TracingStats } from './index.ts'
import type { EndedSpan } from './span-recorder.ts'
import type { MessageTrace } from './trace-context.ts'
import type { WireTrace } from './wire.ts'
import type { Context, Span, TraceState, Tracer } from '@opentelemetry/api'

/** the instrumentation scope of our spans; no version, rather than one that drifts from the package's */
export const TRACER_NAME = 'foundation-mesh'

const OTEL_KINDS: Record<SpanKind, OtelSpanKind> = {
  internal: OtelSpanKind.INTERNAL,
  server: OtelSpanKind.SERVER,
  client: OtelSpanKind.CLIENT,
  producer: OtelSpanKind.PRODUCER,
  consumer: OtelSpanKind.CONSUMER
}

/** What the OpenTelemetry API delegates to while no SDK is registered. */
const NO_SDK = new ProxyTracerProvider().getDelegate()

/** characters of an error kept in a span record */
const MAX_ERROR_LENGTH = 500

export interface NodeTracingInit {
  node: string
  nodeName: string
  sampleRate: number
  maxSpans: number
  /** where the current context lives: the platform's (see NodePlatform.contextStorage), one per node */
  storage: ContextStorage<TraceContext>
}

/** Runs `fn` in `ctx` for OpenTelemetry too, so a user's SDK sees the handler's spans as children of ours. */
function withOtel<T> (ctx: Context, fn: () => T): T {
  return context.with(ctx, fn)
}

/** Whether an OpenTelemetry SDK is registered: the global tracer provider delegates to something other than the no-op. */
function sdkRegistered (): boolean {
  const provider = trace.getTracerProvider()
  // another copy of the API, or a provider set some other way: treat it as an SDK, which is merely slower
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_SDK
}

export class NodeTracing {
  readonly stats: TracingStats
  readonly codec = new TraceCodec()
  /** @internal */
  readonly node: string
  /** @internal */
  readonly nodeName: string
  private readonly sampleRate: number
  /** per node, so the contexts of two nodes in one process never mix */
  private readonly storage: ContextStorage<TraceContext>
  private readonly tracer: Tracer = trace.getTracer(TRACER_NAME)
  private readonly ids = new RandomIds()
  private readonly recorder: SpanRecorder

  constructor (init: NodeTracingInit) {
    this.node = init.node
    this.nodeName = init.nodeName
    this.sampleRate = init.sampleRate
    this.storage = init.storage
    const recorder = this.recorder = new SpanRecorder(init.maxSpans)
    // the count is the recorder's: read, never copied
    this.stats = { rejected: 0, get recorded () { return recorder.recorded } }
  }

  /**
   * The trace that messages sent now belong to: the one we run in, unless the user's active OpenTelemetry span
   * is a newer one (a span they started inside our handler, or outside any of ours).
   */
  current (): TraceContext | undefined {
    const ours = this.storage.getStore()
    // made with no SDK registered: OpenTelemetry's context never holds it, so there is nothing newer to look for
    if (ours !== undefined && ours.otel === undefined) { return ours }
    const active = context.active()
    if (active === ROOT_CONTEXT || active === ours?.otel) { return ours }
    const span = trace.getSpanContext(active)
    if (span === undefined || !isSpanContextValid(span)) { return ours }
    return new TraceContext(span.traceId, span.spanId, span.traceFlags, span.traceState, span.isRemote === true, active)
  }

  /** The trace id of the current trace, if any. */
  traceId (): string | undefined {
    return this.current()?.traceId
  }

  /** What a message leaving now carries: the trace its caller knows, else the current one; undefined when untraced. */
  wire (known?: MessageTrace): WireTrace | undefined {
    const ctx = known === undefined ? this.current() : known
    return ctx == null ? undefined : this.codec.inject(ctx)
  }

  /** Runs `fn` in a trace context, or in none (undefined) where a stale one could leak in, such as a socket's callbacks. */
  within<T> (ctx: TraceContext | undefined, fn: () => T): T {
    if (ctx === undefined) { return this.storage.exit(withOtel, ROOT_CONTEXT, fn) }
    return ctx.otel === undefined ? this.storage.run(ctx, fn) : this.storage.run(ctx, withOtel, ctx.otel, fn)
  }

  /**
   * The span of a message leaving (send, call, publish) to an actor or a topic: a child of the current trace, or
   * the root of a new one for a `sampleRate` share of untraced messages; undefined when the message goes untraced.
   * Nothing is allocated for an untraced message.
   */
  outgoing (verb: string, kind: SpanKind, actor: string | undefined, topic?: string): TracedSpan | undefined {
    const parent = this.current()
    if (parent === undefined && !this.sampled()) { return undefined }
    return this.start(verb, actor ?? topic, kind, parent, actor, topic)
  }

  /**
   * Starts a span named `verb label` (or `verb` alone): a child of `parent`, or a new trace without one. With no
   * OpenTelemetry SDK registered it is ours alone, and touches no OpenTelemetry API.
   */
  start (verb: string, label: string | undefined, kind: SpanKind, parent: TraceContext | undefined, actor?: string, topic?: string): TracedSpan {
    if (sdkRegistered()) { return this.startOtel(verb, label, kind, parent, actor, topic) }
    const traceId = parent === undefined ? this.ids.traceId() : parent.traceId
    return new TracedSpan(this, traceId, this.ids.spanId(), parent?.flags ?? SAMPLED, parent?.traceState, parent?.spanId, undefined, undefined, verb, label, kind, actor, topic)
  }

  /** Runs `fn` as a span of its own, in the current trace or a new one, whatever the sample rate. */
  async trace<T> (name: string, fn: () => T | Promise<T>): Promise<Traced<T>> {
    const span = this.start(name, undefined, 'internal', this.current())
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
  record (span: EndedSpan): void {
    this.recorder.record(span)
  }

  /** A span through the registered SDK, so the user's exporter gets it; our ids when the SDK gives none. */
  private startOtel (verb: string, label: string | undefined, kind: SpanKind, parent: TraceContext | undefined, actor: string | undefined, topic: string | undefined): TracedSpan {
    const base = parent === undefined ? ROOT_CONTEXT : parent.otel ?? trace.setSpanContext(ROOT_CONTEXT, parent.spanContext())
    const name = label === undefined ? verb : `${verb} ${label}`
    let span = this.tracer.startSpan(name, { kind: OTEL_KINDS[kind], root: parent === undefined, attributes: attributesOf(this.nodeName, actor, topic) }, base)
    let ids = span.spanContext()
    if (!isSpanContextValid(ids) || ids.spanId === parent?.spanId) {
      // no SDK behind the tracer after all: the API handed back the parent's ids, or none, so the ids are ours
      ids = {
        traceId: parent?.traceId ?? this.ids.traceId(),
        spanId: this.ids.spanId(),
        traceFlags: parent?.flags ?? SAMPLED,
        traceState: parent?.traceState
      }
      span = trace.wrapSpanContext(ids)
    }
    return new TracedSpan(this, ids.traceId, ids.spanId, ids.traceFlags, ids.traceState, parent?.spanId, span, trace.setSpan(base, span), verb, label, kind, actor, topic)
  }

  private sampled (): boolean {
    const rate = this.sampleRate
    return rate >= 1 || (rate > 0 && Math.random() < rate)
  }
}

function attributesOf (nodeName: string, actor: string | undefined, topic: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = { 'messaging.system': 'foundation', 'foundation.node': nodeName }
  if (actor !== undefined) { attributes['foundation.actor'] = actor }
  if (topic !== undefined) { attributes['messaging.destination.name'] = topic }
  return attributes
}

/**
 * One span in progress, and the context of the work and messages inside it: what runs inside `run` belongs to
 * it; `end` records it (when sampled). Once ended it is its own record, turned into a SpanRecord only when asked.
 */
export class TracedSpan extends TraceContext implements EndedSpan {
  private readonly owner: NodeTracing
  private readonly parentSpanId: string | undefined
  /** the SDK's span, when one was registered at the start */
  private otelSpan: Span | undefined
  private readonly verb: string
  private readonly label: string | undefined
  private readonly kind: SpanKind
  private readonly actor: string | undefined
  private readonly topic: string | undefined
  private readonly start = performance.timeOrigin + performance.now()
  private duration = -1
  private error: string | undefined

  constructor (owner: NodeTracing, traceId: string, spanId: string, flags: number, traceState: TraceState | undefined, parentSpanId: string | undefined,
    otelSpan: Span | undefined, otel: Context | undefined, verb: string, label: string | undefined, kind: SpanKind, actor: string | undefined, topic: string | undefined) {
    super(traceId, spanId, flags, traceState, false, otel)
    this.owner = owner
    this.parentSpanId = parentSpanId
    this.otelSpan = otelSpan
    this.verb = verb
    this.label = label
    this.kind = kind
    this.actor = actor
    this.topic = topic
    this.error = undefined
  }

  run<T> (fn: () => T): T {
    return this.owner.within(this, fn)
  }

  /** Ends the span, failed when `err` is given; only the first call counts. */
  end (err?: unknown): void {
    if (this.duration >= 0) { return }
    this.duration = performance.timeOrigin + performance.now() - this.start
    if (err !== undefined) { this.error = describe(err).slice(0, MAX_ERROR_LENGTH) }
    const span = this.otelSpan
    if (span !== undefined) {
      if (this.error !== undefined) {
        if (err instanceof Error) { span.recordException(err) }
        span.setStatus({ code: SpanStatusCode.ERROR, message: this.error })
      }
      span.end()
      // the record outlives the span: hold on to nothing of OpenTelemetry's
      this.otelSpan = undefined
      this.otel = undefined
    }
    if ((this.flags & SAMPLED) !== 0) { this.owner.record(this) }
  }

  toRecord (): SpanRecord {
    const record: SpanRecord = {
      traceId: this.traceId,
      spanId: this.spanId,
      name: this.label === undefined ? this.verb : `${this.verb} ${this.label}`,
      kind: this.kind,
      node: this.owner.node,
      nodeName: this.owner.nodeName,
      start: this.start,
      duration: this.duration,
      status: this.error === undefined ? 'ok' : 'error'
    }
    if (this.parentSpanId !== undefined) { record.parentSpanId = this.parentSpanId }
    if (this.actor !== undefined) { record.actor = this.actor }
    if (this.topic !== undefined) { record.topic = this.topic }
    if (this.error !== undefined) { record.error = this.error }
    return record
  }
}

function describe (err: unknown): string {
  if (err instanceof Error) {
    const name = (err as { remoteName?: unknown }).remoteName
    return `${typeof name === 'string' ? name : err.name}: ${err.message}`
  }
  return String(err)
}
