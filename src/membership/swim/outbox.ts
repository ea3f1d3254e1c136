// What one call into the core produced, collected as the parts of the core act and handed to the caller at the end.
import { copyMember } from './member-table.ts'
import type { Outbound, Piggyback, SwimMessage } from './messages.ts'
import type { MemberRecord } from '../index.ts'

export type SwimEventType = 'join' | 'suspect' | 'alive' | 'leave'

export interface SwimEvent {
  type: SwimEventType
  member: MemberRecord
}

/**
 * Everything one call produced: messages for the caller to deliver, view changes for it to announce, and news this
 * node learnt first-hand, which a caller with a broadcast tree may push to every member at once.
 */
export interface SwimOutput {
  send: Outbound[]
  events: SwimEvent[]
  news: Piggyback[]
  /** members gone long enough that nothing of them is kept: the caller lets go of what it kept of them too */
  forgotten: string[]
  /** active members whose record names new addresses (a tab reserving on a relay, say): the caller dials them there */
  moved?: MemberRecord[]
}

/** The core does no IO: every part writes here, and the caller delivers what each call drained. */
export class Outbox {
  private out: SwimOutput = { send: [], events: [], news: [], forgotten: [] }

  send (to: string, message: SwimMessage): void {
    this.out.send.push({ to, message })
  }

  emit (type: SwimEventType, member: MemberRecord): void {
    this.out.events.push({ type, member: copyMember(member) })
  }

  /** One record (with its witnesses if a suspicion) this node knows first-hand: its own, its verdict, a peer's word. */
  news (news: Piggyback): void {
    this.out.news.push(news)
  }

  forget (id: string): void {
    this.out.forgotten.push(id)
  }

  moved (member: MemberRecord): void {
    (this.out.moved ??= []).push(copyMember(member))
  }

  drain (): SwimOutput {
    const out = this.out
    this.out = { send: [], events: [], news: [], forgotten: [] }
    return out
  }
}
