// What one call into the core produced, collected as the parts of the core act and handed to the caller at the end.
import { copyMember } from './member-table.ts'
import type { Outbound, SwimMessage } from './messages.ts'
import type { Member } from '../index.ts'

export type SwimEventType = 'join' | 'suspect' | 'alive' | 'leave'

export interface SwimEvent {
  type: SwimEventType
  member: Member
}

/** Everything one call produced: messages for the caller to deliver, view changes for it to announce. */
export interface SwimOutput {
  send: Outbound[]
  events: SwimEvent[]
}

/** The core does no IO: every part writes here, and the caller delivers what each call drained. */
export class Outbox {
  private out: SwimOutput = { send: [], events: [] }

  send (to: string, message: SwimMessage): void {
    this.out.send.push({ to, message })
  }

  emit (type: SwimEventType, member: Member): void {
    this.out.events.push({ type, member: copyMember(member) })
  }

  drain (): SwimOutput {
    const out = this.out
    this.out = { send: [], events: [] }
    return out
  }
}
