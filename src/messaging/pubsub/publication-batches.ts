// Joins the publications of one topic made in one turn of the event loop into one gossipsub message.

/**
 * gossipsub writes one RPC per message to every peer, and a stream caps near 17-35k frames/s here; a burst of
 * publishes becomes one message instead, cut where the next body would pass the size limit. Batches are sent
 * on the next macrotask, so a loop that awaits each publish still fills a batch.
 */
export interface PublicationBatchesInit {
  maxBytes: number
  send(topic: string, bodies: Uint8Array[]): Promise<void>
  /** a batch could not be handed to gossipsub: its messages reached no other node */
  onError(err: Error, topic: string, count: number): void
}

/** Room for the publication header and the frame length prefixes of a batch. */
const BATCH_OVERHEAD = 256
/** Length prefix of one body, at most. */
const FRAME_PREFIX = 5

const nextTurn: (fn: () => void) => void = typeof setImmediate === 'function'
  ? (fn) => { setImmediate(fn) }
  : (fn) => { setTimeout(fn, 0) }

interface Batch {
  topic: string
  bodies: Uint8Array[]
  bytes: number
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

  add (topic: string, body: Uint8Array): void {
    let batch = this.open.get(topic)
    if (batch != null && batch.bytes + body.byteLength + FRAME_PREFIX + BATCH_OVERHEAD > this.init.maxBytes) {
      this.flush(batch)
      batch = undefined
    }
    if (batch == null) {
      const created: Batch = { topic, bodies: [], bytes: 0 }
      this.open.set(topic, created)
      nextTurn(() => { this.flush(created) })
      batch = created
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
    const bytes = batch.bytes - batch.bodies.length * FRAME_PREFIX
    const sent = this.init.send(batch.topic, batch.bodies)
      .catch((err: Error) => { this.init.onError(err, batch.topic, batch.bodies.length) })
      .finally(() => {
        this.unsentBytes -= bytes
        this.sending.delete(sent)
      })
    this.sending.add(sent)
  }
}
