// traceRequest: every active member's spans of one trace, gathered over the '$trace' endpoint and merged.
import { InvalidTraceAnswerError, InvalidTraceIdError, InvalidTraceRequestError } from './errors.ts'
import type { SpanRecord, TraceRequestOptions, TraceResult } from './index.ts'
import type { NodeTracing } from './node-tracing.ts'
import type { SystemEndpoint } from '../../cluster/system-endpoints.ts'
import type { Member } from '../../membership/index.ts'

export const TRACE_ENDPOINT = '$trace'
/** spans one node answers with for one trace: more than any one request makes, and well under a message's size limit */
export const MAX_SPANS_PER_ANSWER = 500

const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/
const SPAN_ID = /^(?!0{16})[0-9a-f]{16}$/
const KINDS = new Set(['internal', 'server', 'client', 'producer', 'consumer'])
/** longest text field of a span record accepted from another node */
const MAX_TEXT = 1024

export function isTraceId (value: unknown): value is string {
  return typeof value === 'string' && TRACE_ID.test(value)
}

export interface TraceRequestsComponents {
  self: string
  /** this node's tracing; undefined when it is off, and this node then has no spans to give */
  tracing: NodeTracing | undefined
  activeMembers(): Member[]
  call(peer: string, target: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  callTimeout: number
}

export interface TraceRequestsStats {
  /** '$trace' requests from other nodes that were malformed */
  invalidRequests: number
  /** answers from other nodes that were malformed (those members are listed as missing) */
  invalidAnswers: number
}

export class TraceRequests {
  readonly stats: TraceRequestsStats = { invalidRequests: 0, invalidAnswers: 0 }
  private readonly components: TraceRequestsComponents

  constructor (components: TraceRequestsComponents) {
    this.components = components
  }

  /** The '$trace' endpoint: a call with a trace id answers this node's spans of it. */
  readonly endpoint: SystemEndpoint = {
    call: async (_target, body) => {
      if (!isTraceId(body)) {
        this.stats.invalidRequests++
        throw new InvalidTraceRequestError()
      }
      return this.components.tracing?.spansOf(body, MAX_SPANS_PER_ANSWER) ?? []
    }
  }

  async request (traceId: string, options: TraceRequestOptions = {}): Promise<TraceResult> {
    if (!isTraceId(traceId)) { throw new InvalidTraceIdError(traceId) }
    const { self, tracing } = this.components
    const timeout = options.timeout ?? this.components.callTimeout
    const others = this.components.activeMembers().filter(m => m.id !== self)
    // the request is not part of the trace it asks about
    const ask = async (): Promise<Array<{ member: Member, spans?: SpanRecord[], error?: Error }>> => Promise.all(others.map(async (member) => {
      try {
        const answer = await this.components.call(member.id, TRACE_ENDPOINT, traceId, { timeout, signal: options.signal })
        return { member, spans: this.validate(member, traceId, answer) }
      } catch (error: any) {
        return { member, error }
      }
    }))
    const answers = tracing === undefined ? await ask() : await tracing.within(undefined, ask)
    const spans = [...(tracing?.spansOf(traceId) ?? [])]
    const missing: TraceResult['missing'] = []
    for (const answer of answers) {
      if (answer.spans !== undefined) { spans.push(...answer.spans) } else {
        missing.push({ id: answer.member.id, name: answer.member.name, error: `${answer.error?.name}: ${answer.error?.message}` })
      }
    }
    spans.sort((a, b) => a.start - b.start)
    return { traceId, spans, missing }
  }

  private validate (member: Member, traceId: string, answer: unknown): SpanRecord[] {
    const fail = (why: string): never => {
      this.stats.invalidAnswers++
      throw new InvalidTraceAnswerError(member.name, why)
    }
    if (!Array.isArray(answer) || answer.length > MAX_SPANS_PER_ANSWER) { return fail('something other than a list of spans') }
    for (const span of answer) {
      if (!isSpanRecord(span)) { return fail('a malformed span') }
      if (span.traceId !== traceId || span.node !== member.id) { return fail('a span of another trace or node') }
    }
    return answer
  }
}

function isSpanRecord (value: unknown): value is SpanRecord {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) { return false }
  const span = value as Record<string, unknown>
  return isTraceId(span.traceId) && isSpanId(span.spanId) && (span.parentSpanId === undefined || isSpanId(span.parentSpanId)) &&
    isText(span.name) && typeof span.kind === 'string' && KINDS.has(span.kind) && isText(span.node) && isText(span.nodeName) &&
    (span.actor === undefined || isText(span.actor)) && (span.topic === undefined || isText(span.topic)) &&
    isFiniteNumber(span.start) && isFiniteNumber(span.duration) && span.duration >= 0 &&
    (span.status === 'ok' || span.status === 'error') && (span.error === undefined || isText(span.error))
}

function isSpanId (value: unknown): boolean {
  return typeof value === 'string' && SPAN_ID.test(value)
}

function isText (value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT
}

function isFiniteNumber (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}
