// Joins the publications of one topic made in one turn of the event loop into one gossipsub message.
import { nextTurn } from '../../time/next-turn.ts'
import type { TraceEntry } from './publication.ts'
import type { WireTrace } from '../../observability/tracing/wire.ts'

/**
 * gossipsub writes one RPC per message to every peer, and a stream caps near 17-35k frames/s here; a burst of
 * publishes becomes one message instead, cut where the next body would pass the size limit. Batches are sent
 * on the next macrotask, so a loop that awaits each publish still fills a batch.
 */
export interface PublicationBatchesInit {
  maxBytes: number
  /** `traces` holds the trace context of each traced body, when any is */
  send(topic: string, bodies: Uint8Array[], traces?: TraceEntry[]): Promise<void>
  /** a batch could not be handed to gossipsub: its messages reached no other node */
  onError(err: Error, topic: string, count: number): void
}

/** Room for the publication header and the frame length prefixes of a batch. */
const BATCH_OVERHEAD = 256
/** Length prefix of one body, at most. */
const FRAME_PREFIX = 5
/** msgpack's array and string headers and the index of one trace table entry, at most. */
const TRACE_ENTRY_OVERHEAD = 16

interface Batch {
  topic: string
  bodies: Uint8Array[]
  bytes: number
  /** of `bytes`, those of the trace table */
  traceBytes: number
  /** made only once a traced body joins */
  traces?: TraceEntry[]
}

export class PublicationBatches {
  private readonly init: PublicationBatchesInit
  private readonly open = new Map<string, Batch>()
  private sending = new Set<Promise<void>>()
  private unsentBytes = 0

  constructor (init: PublicationBatchesInit) {
    this.init = init
  }

  /** Bytes queued or being sent: publishers wait above a high-water mark instead of growing memory. */
  get pendingBytes (): number {
    return this.unsentBytes
  }

  add (topic: string, body: Uint8Array, trace?: WireTrace): void {
    const traceBytes = trace === undefined ? 0 : TRACE_ENTRY_OVERHEAD + trace[0].length + (trace[1]?.length ?? 0)
    let batch = this.open.get(topic)
    if (batch != null && batch.bytes + body.byteLength + FRAME_PREFIX + traceBytes + BATCH_OVERHEAD > this.init.maxBytes) {
      this.flush(batch)
      batch = undefined
    }
    if (batch == null) {
      const created: Batch = { topic, bodies: [], bytes: 0, traceBytes: 0 }
      this.open.set(topic, created)
      nextTurn(() => { this.flush(created) })
      batch = created
    }
    if (trace !== undefined) {
      (batch.traces ??= []).push([batch.bodies.length, ...trace])
      batch.bytes += traceBytes
      batch.traceBytes += traceBytes
    }
    batch.bodies.push(body)
    batch.bytes += body.byteLength + FRAME_PREFIX
    this.unsentBytes += body.byteLength
  }

  /** Resolves when every batch handed to gossipsub so far is sent. */
  async drained (): Promise<void> {
    await Promise.allSettled([...this.sending])
  }

  private flush (batch: Batch): void {
    if (this.open.get(batch.topic) !== batch) { return }
    this.open.delete(batch.topic)
    const bytes = batch.bytes - batch.bodies.length * FRAME_PREFIX - batch.traceBytes
    const sent = this.init.send(batch.topic, batch.bodies, batch.traces)
      .catch((err: Error) => { this.init.onError(err, batch.topic, batch.bodies.length) })
      .finally(() => {
        this.unsentBytes -= bytes
        this.sending.delete(sent)
      })
    this.sending.add(sent)
  }
}
