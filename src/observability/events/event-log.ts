// A bounded ring buffer of recent cluster events, fed by the node's own events; listeners exist only while watched.
import { describe } from './describe.ts'
import { RECORDED_EVENTS } from './index.ts'
import type { NameOf } from './describe.ts'
import type { RecordedEvent, RecordedEventType } from './index.ts'
import type { ClusterEvents } from '../../cluster/index.ts'
import type { TypedEventTarget } from '@libp2p/interface'

/** Entries kept per node: enough to see a failover through, small enough to send in one debug answer. */
export const DEFAULT_EVENT_LOG_CAPACITY = 200

export interface EventLogComponents {
  nameOf: NameOf
  /** clock in ms (default Date.now) */
  now?(): number
}

export interface EventLogInit {
  /** entries kept, oldest dropped first (default 200) */
  capacity?: number
}

export type EventLogListener = (event: RecordedEvent) => void

export class EventLog {
  private readonly components: EventLogComponents
  private readonly ring: Array<RecordedEvent | undefined>
  private next = 0
  private seq = 0
  private readonly listeners = new Set<EventLogListener>()

  constructor (components: EventLogComponents, init: EventLogInit = {}) {
    this.components = components
    this.ring = new Array(Math.max(1, init.capacity ?? DEFAULT_EVENT_LOG_CAPACITY))
  }

  /** Records every kept event type `source` dispatches from now on. */
  watch (source: TypedEventTarget<ClusterEvents>): void {
    for (const type of RECORDED_EVENTS) {
      source.addEventListener(type, (evt) => { this.record(type, evt.detail) })
    }
  }

  record (type: RecordedEventType, detail: unknown): RecordedEvent {
    const described = describe(type, detail, this.components.nameOf)
    const event: RecordedEvent = { seq: ++this.seq, time: (this.components.now ?? Date.now)(), type, ...described }
    this.ring[this.next] = event
    this.next = (this.next + 1) % this.ring.length
    for (const listener of this.listeners) { listener(event) }
    return event
  }

  /** The newest `limit` entries (default all kept), oldest first. */
  recent (limit = this.ring.length): RecordedEvent[] {
    const out: RecordedEvent[] = []
    const count = Math.min(limit, this.ring.length)
    for (let i = count; i >= 1; i--) {
      const event = this.ring[(this.next - i + this.ring.length) % this.ring.length]
      if (event != null) { out.push(event) }
    }
    return out
  }

  /** Calls `listener` with each new entry; returns the unsubscribe. */
  subscribe (listener: EventLogListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** listeners subscribed now: 0 when nobody watches */
  get listenerCount (): number {
    return this.listeners.size
  }
}
