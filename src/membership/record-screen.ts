// The records of a membership message that prove nothing never reach the core: each is checked against its member's
// signature (see member-proofs.ts), and one without a proof, or with a proof that does not match, is dropped alone and
// counted. The rest of the message is taken: one member's bad record must not hide the good news others passed on.
// A page let in by an admission ticket speaks for itself only within what its ticket grants: its own record must say
// it is a browser, and take no role the ticket does not grant.
import { BROWSER_ROLE, isBrowser } from './reserved-roles.ts'
import type { MemberRecord } from './index.ts'
import type { MemberProofs } from './member-proofs.ts'
import type { Piggyback, SwimMessage } from './swim/messages.ts'

/** Records dropped, by what was wrong with their proof. */
export interface RefusedRecords {
  /** records without a proof: a member that never proved its key, or a peer that does not sign */
  missing: number
  /** records whose proof is not the member's signature of what the record says */
  forged: number
  /** a page's own records that take roles its admission ticket does not grant, or do not say it is a browser */
  ungranted: number
}

/** The roles the admission ticket of the peer grants, or undefined for a peer no ticket let in (a member). */
export type RolesGranted = (peer: string) => string[] | undefined

export class RecordScreen {
  readonly refused: RefusedRecords = { missing: 0, forged: 0, ungranted: 0 }
  private readonly proofs: MemberProofs
  private readonly onRefused: (record: MemberRecord, why: keyof RefusedRecords) => void
  private readonly rolesGranted: RolesGranted

  constructor (proofs: MemberProofs, onRefused: (record: MemberRecord, why: keyof RefusedRecords) => void = () => {}, rolesGranted: RolesGranted = () => undefined) {
    this.proofs = proofs
    this.onRefused = onRefused
    this.rolesGranted = rolesGranted
  }

  /** A message from `from` (the authenticated sender) with the records it may not give dropped. */
  message (message: SwimMessage, from: string): SwimMessage {
    switch (message.type) {
      case 'sync':
      case 'sync-ack':
        return { ...message, members: this.records(message.members, from) }
      case 'nack':
        return message
      default:
        return { ...message, ...this.news(message, from) }
    }
  }

  /** News with its unproven records dropped, and the witnesses of the suspect records that went with them. */
  news (news: Piggyback, from: string): Piggyback {
    const updates = this.records(news.updates, from)
    if (news.witnesses == null || updates.length === news.updates.length) { return { ...news, updates } }
    const witnesses = news.witnesses.filter(w => updates.some(u => u.id === w.id && u.status === 'suspect'))
    return witnesses.length > 0 ? { updates, witnesses } : { updates }
  }

  private records (records: MemberRecord[], from: string): MemberRecord[] {
    const granted = this.rolesGranted(from)
    let kept: MemberRecord[] | undefined
    for (let i = 0; i < records.length; i++) {
      const record = records[i]
      const check = granted != null && record.id === from && !withinGrant(record, granted) ? 'ungranted' : this.proofs.check(record)
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

/** A page's own record within its ticket: a browser's, with no role but those granted. */
function withinGrant (record: MemberRecord, granted: string[]): boolean {
  return isBrowser(record) && record.roles.every(role => role === BROWSER_ROLE || granted.includes(role))
}
