// The spans this node recorded lately: a ring buffer, so memory stays bounded however busy the node is.
import type { SpanRecord } from './index.ts'

/** An ended span, turned into its record only when someone asks for its trace. */
export interface EndedSpan {
  readonly traceId: string
  toRecord(): SpanRecord
}

export class SpanRecorder {
  private readonly spans: Array<EndedSpan | undefined>
  private next = 0
  recorded = 0

  constructor (capacity: number) {
    this.spans = new Array(capacity)
  }

  record (span: EndedSpan): void {
    this.spans[this.next] = span
    this.next = (this.next + 1) % this.spans.length
    this.recorded++
  }

  /** The spans of one trace still held, in the order they ended. */
  ofTrace (traceId: string, limit = Infinity): SpanRecord[] {
    const found: SpanRecord[] = []
    const size = this.spans.length
    for (let i = 0; i < size && found.length < limit; i++) {
      const span = this.spans[(this.next + i) % size]
      if (span?.traceId === traceId) { found.push(span.toRecord()) }
    }
    return found
  }
}
