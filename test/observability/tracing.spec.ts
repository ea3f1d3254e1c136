import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { expect } from 'aegir/chai'
import { SEND } from '../../src/messaging/direct/envelope.ts'
import { protocolName } from '../../src/node/protocols.ts'
import { Codec } from '../../src/wire/codec.ts'
import { encodeFrame } from '../../src/wire/frames.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { FoundationInit } from '../../src/config/index.ts'
import type { ActorContext, SpanRecord } from '../../src/index.ts'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'

/** Answers with the trace id it handled the call in. */
class Leaf {
  receive (_message: unknown, ctx: ActorContext): unknown {
    return { leafTrace: ctx.traceId }
  }
}

/** Calls the leaf on another node from inside its handler: the call must carry this message's trace. */
class Middle {
  private readonly node: FoundationNode

  constructor (node: FoundationNode) {
    this.node = node
  }

  async receive (_message: unknown, ctx: ActorContext): Promise<unknown> {
    const leaf = await this.node.call<{ leafTrace: string }>('leaf', {}, { timeout: 5000 })
    return { middleTrace: ctx.traceId, ...leaf }
  }
}

/** Keeps the trace id of every message it gets. */
class Sink {
  static readonly seen: Array<string | undefined> = []
  receive (_message: unknown, ctx: ActorContext): void {
    Sink.seen.push(ctx.traceId)
  }
}

function only (spans: SpanRecord[], test: (s: SpanRecord) => boolean, what: string): SpanRecord {
  const found = spans.filter(test)
  expect(found, what).to.have.length(1)
  return found[0]
}

describe('request tracing', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  afterEach(async () => { await nodes.stopAll() })

  async function chain (init: FoundationInit = {}): Promise<FoundationNode[]> {
    const [a, b, c] = await nodes.startMany(3, { clusterName: uniqueCluster(), ...init })
    await formed([a, b, c])
    await c.spawn(Leaf, { name: 'leaf', visible: true })
    await b.spawn(Middle, { name: 'middle', args: [b], visible: true })
    return [a, b, c]
  }

  it('follows a call chain A -> B -> C as one trace that traceRequest gathers from any node', async () => {
    const [a, b, c] = await chain()
    const { traceId, value } = await a.trace('checkout', async () => a.call<any>('middle', {}, { timeout: 5000 }))
    expect(traceId).to.match(/^[0-9a-f]{32}$/)
    expect(value).to.deep.equal({ middleTrace: traceId, leafTrace: traceId })

    for (const asker of [a, b, c]) {
      const result = await asker.traceRequest(traceId ?? '')
      expect(result.missing).to.deep.equal([])
      const spans = result.spans
      expect(spans.every(s => s.traceId === traceId)).to.be.true()
      expect(new Set(spans.map(s => s.nodeName))).to.deep.equal(new Set([a.name, b.name, c.name]))
      const root = only(spans, s => s.name === 'checkout', 'the root span')
      expect(root).to.include({ node: a.id, kind: 'internal', status: 'ok' })
      expect(root.parentSpanId).to.equal(undefined)
      const callB = only(spans, s => s.name === 'call middle', 'the call to B')
      expect(callB).to.include({ node: a.id, kind: 'client', parentSpanId: root.spanId })
      const onB = only(spans, s => s.name === 'receive middle', 'the handler on B')
      expect(onB).to.include({ node: b.id, kind: 'server', parentSpanId: callB.spanId, actor: 'middle' })
      const callC = only(spans, s => s.name === 'call leaf', 'the call to C')
      expect(callC).to.include({ node: b.id, kind: 'client', parentSpanId: onB.spanId })
      const onC = only(spans, s => s.name === 'receive leaf', 'the handler on C')
      expect(onC).to.include({ node: c.id, nodeName: c.name, kind: 'server', parentSpanId: callC.spanId })
      expect(spans.map(s => s.start)).to.deep.equal(spans.map(s => s.start).sort((x, y) => x - y))
    }
  })

  it('carries the trace on sends and publishes, to actors and subscribers on other nodes', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
    await formed([a, b])
    Sink.seen.length = 0
    await b.spawn(Sink, { name: 'sink', visible: true })
    const heard: Array<string | undefined> = []
    b.pubsub.subscribe('prices', () => { heard.push(b.tracing?.traceId()) })
    await eventually(() => a.host.services.pubsub.getSubscribers(`foundation/${a.config.clusterName}/topic/prices`).length > 0, 'a sees b subscribed')

    const { traceId } = await a.trace('update', async () => {
      a.send('sink', { price: 1 })
      await a.pubsub.publish('prices', { price: 1 })
    })
    await eventually(() => Sink.seen.length === 1 && heard.length === 1, 'the send and the publication arrive')
    expect(Sink.seen).to.deep.equal([traceId])
    expect(heard).to.deep.equal([traceId])

    const { spans } = await a.traceRequest(traceId ?? '')
    const send = only(spans, s => s.name === 'send sink', 'the send')
    only(spans, s => s.name === 'receive sink' && s.kind === 'consumer' && s.parentSpanId === send.spanId && s.node === b.id, 'the send handled on b')
    const publish = only(spans, s => s.name === 'publish prices' && s.kind === 'producer', 'the publish')
    only(spans, s => s.name === 'receive prices' && s.parentSpanId === publish.spanId && s.node === b.id, 'the publication handled on b')
  })

  it('starts traces for sampled messages, and a handler gets no trace for an untraced one', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster(), tracing: { sampleRate: 0 } })
    await formed([a, b])
    await b.spawn(Leaf, { name: 'leaf', visible: true })
    expect(await a.call('leaf', {}, { timeout: 5000 })).to.deep.equal({ leafTrace: undefined })

    const [c, d] = await nodes.startMany(2, { clusterName: uniqueCluster(), tracing: { sampleRate: 1 } })
    await formed([c, d])
    await d.spawn(Leaf, { name: 'leaf', visible: true })
    const { leafTrace } = await c.call<{ leafTrace: string }>('leaf', {}, { timeout: 5000 })
    expect(leafTrace).to.match(/^[0-9a-f]{32}$/)
    expect((await c.traceRequest(leafTrace)).spans.map(s => s.name)).to.deep.equal(['call leaf', 'receive leaf'])
  })

  it('puts no trace field on an untraced envelope, and one on a traced envelope', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster(), tracing: { sampleRate: 0 } })
    await formed([a, b])
    Sink.seen.length = 0
    const sink = await b.spawn(Sink)
    const codec = (a.messaging as any).codec as Codec
    const encoded: unknown[][] = []
    const encode = codec.encode.bind(codec)
    codec.encode = (value: unknown) => {
      if (Array.isArray(value) && value[0] === SEND && value[1] === sink.id) { encoded.push(value) }
      return encode(value)
    }
    a.send(sink, 'plain')
    const { traceId } = await a.trace('traced', () => { a.send(sink, 'traced') })
    await eventually(() => Sink.seen.length === 2, 'both sends arrive')
    expect(encoded).to.have.length(2)
    expect(encoded[0]).to.deep.equal([SEND, sink.id, 'plain'])
    expect(encode(encoded[0]).byteLength).to.equal(new Codec().encode([SEND, sink.id, 'plain']).byteLength)
    expect(encoded[1]).to.have.length(4)
    expect(encoded[1][3]).to.match(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
    expect(Sink.seen).to.deep.equal([undefined, traceId])
  })

  it('rejects and counts a malformed trace context from a raw peer, and keeps running', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
    await formed([a, b])
    Sink.seen.length = 0
    const sink = await b.spawn(Sink)
    const stream = await a.host.dialProtocol(b.host.peerId, protocolName(a.config.clusterName, 'direct'))
    stream.send(encodeFrame(new Codec().encode([SEND, sink.id, 'bad', '00-not-a-trace-context-01'])))
    await eventually(() => b.tracing?.stats.rejected === 1, 'b rejects the trace context')
    expect(b.messaging.stats.invalidFrames).to.equal(1)
    expect(Sink.seen).to.deep.equal([])

    // the node goes on, traced messages included
    await b.spawn(Leaf, { name: 'leaf', visible: true })
    const { traceId, value } = await a.trace('after', async () => a.call('leaf', {}, { timeout: 5000 }))
    expect(value).to.deep.equal({ leafTrace: traceId })
  })

  it('lists a member that cannot answer as missing, and rejects malformed requests', async () => {
    const [a, b, c] = await chain()
    const { traceId } = await a.trace('partial', async () => a.call('middle', {}, { timeout: 5000 }))
    c.endpoints.unregister('$trace')
    const result = await a.traceRequest(traceId ?? '', { timeout: 2000 })
    expect(result.missing).to.have.length(1)
    expect(result.missing[0]).to.include({ id: c.id, name: c.name })
    expect(new Set(result.spans.map(s => s.node))).to.deep.equal(new Set([a.id, b.id]))

    await expect(a.messaging.call(b.id, '$trace', { traceId: 42 }, { timeout: 2000 })).to.eventually.be.rejected.with.property('name', 'InvalidTraceRequestError')
    expect(b.traces.stats.invalidRequests).to.equal(1)
    await expect(a.traceRequest('nope')).to.eventually.be.rejected.with.property('name', 'InvalidTraceIdError')
  })

  describe('with an OpenTelemetry SDK registered', () => {
    const exporter = new InMemorySpanExporter()
    let provider: BasicTracerProvider

    beforeEach(() => {
      provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
      trace.setGlobalTracerProvider(provider)
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
    })

    afterEach(async () => {
      await nodes.stopAll()
      exporter.reset()
      await provider.shutdown()
      trace.disable()
      context.disable()
      propagation.disable()
    })

    it('exports one trace across the nodes, each span a child of the one before', async () => {
      const [a, b, c] = await chain({ tracing: { sampleRate: 0 } })
      const userTracer = trace.getTracer('shop')
      const userTrace = await userTracer.startActiveSpan('user-request', async (span) => {
        await a.call('middle', {}, { timeout: 5000 })
        span.end()
        return span.spanContext().traceId
      })

      const exported = exporter.getFinishedSpans()
      const ours = exported.filter(s => s.instrumentationScope.name === 'foundation-mesh')
      const byName = (name: string): ReadableSpan => {
        const found = ours.filter(s => s.name === name)
        expect(found, name).to.have.length(1)
        return found[0]
      }
      const user = exported.find(s => s.name === 'user-request')
      expect(user).to.not.equal(undefined)
      expect(ours.every(s => s.spanContext().traceId === userTrace)).to.be.true()
      const links: Array<[string, string]> = [['call middle', 'user-request'], ['receive middle', 'call middle'], ['call leaf', 'receive middle'], ['receive leaf', 'call leaf']]
      for (const [child, parent] of links) {
        const parentSpan = parent === 'user-request' ? user as ReadableSpan : byName(parent)
        expect(byName(child).parentSpanContext?.spanId, `${child} is a child of ${parent}`).to.equal(parentSpan.spanContext().spanId)
      }
      expect(byName('receive leaf').attributes['foundation.node']).to.equal(c.name)

      // our records use the SDK's ids
      const { spans } = await b.traceRequest(userTrace)
      expect(new Set(spans.map(s => s.spanId))).to.deep.equal(new Set(ours.map(s => s.spanContext().spanId)))
    })
  })
})
