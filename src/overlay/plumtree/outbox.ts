// What one call into the core produced, and the running counts of what the core sent and received.
import type { PlumtreeMessage, PlumtreeMessageType, PlumtreeOutbound, PlumtreePayload } from './messages.ts'

/** A message for the application: new to this node, handed up exactly once while its id is remembered. */
export interface Delivery {
  id: string
  payload: PlumtreePayload
  origin: string
  /** hops from the origin along the path it came by; 0 for this node's own broadcast */
  hops: number
  /** the neighbour it came from; absent for this node's own broadcast */
  from?: string
}

/** Everything one call produced: messages for the caller to send, messages for the application. */
export interface BroadcastOutput {
  send: PlumtreeOutbound[]
  deliver: Delivery[]
}

export type MessageCounts = Record<PlumtreeMessageType, number>

/** What it costs to run the tree, for redundancy measurements: RMR = received.gossip / (n - 1) - 1 on one sender. */
export interface PlumtreeCounters {
  /** messages sent, by type */
  sent: MessageCounts
  /** messages received, by type */
  received: MessageCounts
  /** ids announced over all IHAVE messages sent */
  ihaveIds: number
  /** payloads received for a message already delivered: what a tree should not have */
  duplicates: number
  /** messages handed to the application, this node's own broadcasts included */
  delivered: number
}

function zero (): MessageCounts {
  return { gossip: 0, ihave: 0, graft: 0, prune: 0 }
}

export function emptyCounters (): PlumtreeCounters {
  return { sent: zero(), received: zero(), ihaveIds: 0, duplicates: 0, delivered: 0 }
}

/** The core does no IO: every part writes here, and the caller sends and delivers what each call drained. */
export class Outbox {
  readonly counters = emptyCounters()
  private out: BroadcastOutput = { send: [], deliver: [] }

  send (to: string, message: PlumtreeMessage): void {
    this.counters.sent[message.type]++
    if (message.type === 'ihave') { this.counters.ihaveIds += message.entries.length }
    this.out.send.push({ to, message })
  }

  deliver (delivery: Delivery): void {
    this.counters.delivered++
    this.out.deliver.push(delivery)
  }

  drain (): BroadcastOutput {
    const out = this.out
    this.out = { send: [], deliver: [] }
    return out
  }
}
