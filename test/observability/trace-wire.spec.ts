import { ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { expect } from 'aegir/chai'
import { RandomIds } from '../../src/observability/tracing/ids.ts'
import { TraceContext } from '../../src/observability/tracing/trace-context.ts'
import { TraceCodec } from '../../src/observability/tracing/wire.ts'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

describe('trace context on the wire', () => {
  const codec = new TraceCodec()

  it('reads a traceparent as the W3C propagator does', () => {
    const propagator = new W3CTraceContextPropagator()
    const texts = [
      `00-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-00`, `00-${TRACE}-${SPAN}-ff`, `01-${TRACE}-${SPAN}-01-later-fields`,
      `00-${TRACE}-${SPAN}-01-x`, `ff-${TRACE}-${SPAN}-01`, `00-${'0'.repeat(32)}-${SPAN}-01`, `00-${TRACE}-${'0'.repeat(16)}-01`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`, `00-${TRACE}-${SPAN}-1`, `00-${TRACE}-${SPAN}-0g`, `00_${TRACE}-${SPAN}-01`,
      `00-${TRACE}_${SPAN}-01`, `00-${TRACE}-${SPAN}_01`, `01-${TRACE}-${SPAN}-01x`, `0-${TRACE}-${SPAN}-01`, ''
    ]
    for (const text of texts) {
      const theirs = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { traceparent: text }, { keys: () => ['traceparent'], get: (c, k) => (c as any)[k] }))
      const ours = codec.extract(text, undefined)
      expect(ours === undefined ? undefined : { traceId: ours.traceId, spanId: ours.spanId, traceFlags: ours.flags, isRemote: true }, text).to.deep.equal(theirs)
    }
  })

  it('rejects what is not text of a sane length, and a tracestate that is not', () => {
    expect(codec.extract(42, undefined)).to.equal(undefined)
    expect(codec.extract(`00-${TRACE}-${SPAN}-01`.padEnd(300, '-'), undefined)).to.equal(undefined)
    expect(codec.extract(`00-${TRACE}-${SPAN}-01`, 7)).to.equal(undefined)
    expect(codec.extract(`00-${TRACE}-${SPAN}-01`, 'a=1'.padEnd(600, 'x'))).to.equal(undefined)
  })

  it('writes back what it read, tracestate included', () => {
    const ctx = codec.extract(`00-${TRACE}-${SPAN}-03`, 'vendor=abc,other=1')
    expect(ctx).to.be.an.instanceOf(TraceContext)
    expect(codec.inject(ctx as TraceContext)).to.deep.equal([`00-${TRACE}-${SPAN}-03`, 'vendor=abc,other=1'])
    expect(codec.inject(codec.extract(`00-${TRACE}-${SPAN}-01`, '') as TraceContext)).to.deep.equal([`00-${TRACE}-${SPAN}-01`])
  })

  it('draws ids of the right length, lowercase hex, all different', () => {
    const ids = new RandomIds()
    const seen = new Set<string>()
    for (let i = 0; i < 1000; i++) {
      const traceId = ids.traceId()
      const spanId = ids.spanId()
      expect(traceId).to.match(/^[0-9a-f]{32}$/)
      expect(spanId).to.match(/^[0-9a-f]{16}$/)
      seen.add(traceId).add(spanId)
    }
    expect(seen.size).to.equal(2000)
  })
})
