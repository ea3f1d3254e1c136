// What a latest-wins channel delivered last per sender, topic and key: a publication no newer than that is stale. One
// key keeps to one stream, so this only catches what a broken stream's retry or a moved connection could reorder.
import { ownedText } from '../../wire/owned-text.ts'
import type { RecordOrder } from './channel-record.ts'

/** Topic and key pairs remembered per sender: past it the oldest remembered is forgotten (and its next value taken). */
export const MAX_SLOTS_PER_SENDER = 65_536

interface SenderOrder {
  epoch: number
  /** the last sequence delivered, by slot (see slotOf) */
  slots: Map<string, number>
}

export class LatestDelivered {
  private readonly senders = new Map<string, SenderOrder>()
  private readonly maxSlots: number

  constructor (maxSlots = MAX_SLOTS_PER_SENDER) {
    this.maxSlots = maxSlots
  }

  /** True, and remembered, when the publication is newer than the last delivered for its slot from its sender. */
  accept (sender: string, slot: string, order: RecordOrder): boolean {
    let known = this.senders.get(sender)
    if (known === undefined || order.epoch > known.epoch) {
      // a sender restarted under the same peer id counts its publications anew
      known = { epoch: order.epoch, slots: new Map() }
      this.senders.set(sender, known)
    } else if (order.epoch < known.epoch) {
      return false
    }
    const last = known.slots.get(slot)
    if (last !== undefined) {
      if (order.sequence <= last) { return false }
      known.slots.set(slot, order.sequence)
      return true
    }
    if (known.slots.size >= this.maxSlots) { known.slots.delete(known.slots.keys().next().value as string) }
    // a slot is made of text decoded from a frame: kept as a slice, it would keep the whole frame's text alive
    known.slots.set(ownedText(slot), order.sequence)
    return true
  }

  /** A member left: its order is forgotten with it. */
  forget (sender: string): void {
    this.senders.delete(sender)
  }
}
