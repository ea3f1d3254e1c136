// The records of a membership message that prove nothing never reach the core: each is checked against its member's
// signature (see member-proofs.ts), and one without a proof, or with a proof that does not match, is dropped alone and
// counted. The rest of the message is taken: one member's bad record must not hide the good news others passed on.
import type { MemberRecord } from './index.ts'
import type { MemberProofs } from './member-proofs.ts'
import type { Piggyback, SwimMessage } from './swim/messages.ts'

/** Records dropped, by what was wrong with their proof. */
export interface RefusedRecords {
  /** records without a proof: a member that never proved its key, or a peer that does not sign */
  missing: number
  /** records whose proof is not the member's signature of what the record says */
  forged: number
}

export class RecordScreen {
  readonly refused: RefusedRecords = { missing: 0, forged: 0 }
  private readonly proofs: MemberProofs
  private readonly onRefused: (record: MemberRecord, why: keyof RefusedRecords) => void

  constructor (proofs: MemberProofs, onRefused: (record: MemberRecord, why: keyof RefusedRecords) => void = () => {}) {
    this.proofs = proofs
    this.onRefused = onRefused
  }

  message (message: SwimMessage): SwimMessage {
    switch (message.type) {
      case 'sync':
      case 'sync-ack':
        return { ...message, members: this.records(message.members) }
      case 'nack':
        return message
      default:
        return { ...message, ...this.news(message) }
    }
  }

  /** News with its unproven records dropped, and the witnesses of the suspect records that went with them. */
  news (news: Piggyback): Piggyback {
    const updates = this.records(news.updates)
    if (news.witnesses == null || updates.length === news.updates.length) { return { ...news, updates } }
    const witnesses = news.witnesses.filter(w => updates.some(u => u.id === w.id && u.status === 'suspect'))
    return witnesses.length > 0 ? { updates, witnesses } : { updates }
  }

  private records (records: MemberRecord[]): MemberRecord[] {
    let kept: MemberRecord[] | undefined
    for (let i = 0; i < records.length; i++) {
      const record = records[i]
      const check = this.proofs.check(record)
      if (check === 'proven') {
        kept?.push(record)
        continue
      }
      kept ??= records.slice(0, i)
      this.refused[check]++
      this.onRefused(record, check)
    }
    return kept ?? records
  }
}
