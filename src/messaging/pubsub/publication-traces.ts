// The trace contexts a batch of publications carries, and a subscriber's handler run in a span of its own.
import type { PublicationMeta, SubscriptionHandler } from './index.ts'
import type { NodeTracing } from '../../observability/tracing/node-tracing.ts'
import type { TraceContext } from '../../observability/tracing/trace-context.ts'

/**
 * The parsed trace context of each message of a batch (undefined: none is traced), or null when one is malformed:
 * the batch is then dropped, and the rejection counted in the tracing's stats.
 */
export function traceContexts (tracing: NodeTracing, traces: Array<[string, string?] | undefined> | undefined): Array<TraceContext | undefined> | undefined | null {
  if (traces === undefined) { return undefined }
  const contexts = new Array<TraceContext | undefined>(traces.length)
  for (let i = 0; i < traces.length; i++) {
    const trace = traces[i]
    if (trace === undefined) { continue }
    contexts[i] = tracing.codec.extract(trace[0], trace[1])
    if (contexts[i] === undefined) {
      tracing.stats.rejected++
      return null
    }
  }
  return contexts
}

/** A subscriber's handler in a span of its own, child of the publish span. */
export function handleTraced (tracing: NodeTracing, parent: TraceContext, subscription: { handler: SubscriptionHandler }, message: unknown, meta: PublicationMeta): void {
  const span = tracing.start('receive', meta.topic, 'consumer', parent, undefined, meta.topic)
  try {
    span.run(() => { subscription.handler(message, meta) })
    span.end()
  } catch (err) {
    span.end(err)
    throw err
  }
}
