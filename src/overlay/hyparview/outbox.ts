// What one call into the core produced, collected as the parts of the core act and handed to the caller at the end.
import type { HyParViewMessage, HyParViewOutbound } from './messages.ts'

/**
 * A peer entered (`up`) or left (`down`) the active view: the adapter opens or closes its link, and a broadcast
 * layer (Plumtree) adds it to or removes it from its eager and lazy peers.
 */
export interface OverlayEvent { type: 'up' | 'down', peer: string }

/** Everything one call produced: messages for the caller to deliver, in order, and active view changes. */
export interface OverlayOutput {
  send: HyParViewOutbound[]
  events: OverlayEvent[]
}

/** The core does no IO: every part writes here, and the caller delivers what each call drained. */
export class Outbox {
  private out: OverlayOutput = { send: [], events: [] }

  send (to: string, message: HyParViewMessage): void {
    this.out.send.push({ to, message })
  }

  emit (type: OverlayEvent['type'], peer: string): void {
    this.out.events.push({ type, peer })
  }

  drain (): OverlayOutput {
    const out = this.out
    this.out = { send: [], events: [] }
    return out
  }
}
