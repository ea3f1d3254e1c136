// Merging membership news: which record wins, what each status change announces, and refuting doubts about self.
import { isBrowser } from '../reserved-roles.ts'
import { isActiveStatus, supersedes } from './member-table.ts'
import { MAX_INCARNATION } from './messages.ts'
import type { Gossip } from './gossip.ts'
import type { LocalHealth } from './local-health.ts'
import type { Witnesses } from './messages.ts'
import type { Outbox } from './outbox.ts'
import type { SuspicionBounds, Suspicions } from './suspicion.ts'
import type { SwimConfig } from './swim-config.ts'
import type { View } from './view.ts'
import type { MemberRecord } from '../index.ts'

/**
 * How much longer the shortest suspicion of a member that only went silent is than that of a member whose
 * connections closed: a blocked event loop or a paused VM is silent too, but its connections stay open, while a
 * process that exited closes them. Four times suspectTimeout lets the development profile (1 s) ride out a 3 s
 * stall with a second to spare, and still declares a killed process dead a second after its connections close.
 */
export const SILENT_SUSPICION_MULT = 4

export interface NewsMergerInit {
  config: Pick<SwimConfig, 'suspectTimeout' | 'suspicionMaxMult' | 'indirectProbes' | 'tombstoneTimeout' | 'browserLease'>
  view: View
  gossip: Gossip
  outbox: Outbox
  suspicions: Suspicions
  health: LocalHealth
  /** a member became active: probing should reach it within the current round */
  onJoin(id: string, now: number): void
  /** ping a suspect ourselves before declaring it dead on others' word; its failure comes back as suspect() */
  verify(id: string, now: number): void
}

export class NewsMerger {
  private readonly config: NewsMergerInit['config']
  private readonly view: View
  private readonly gossip: Gossip
  private readonly outbox: Outbox
  private readonly suspicions: Suspicions
  private readonly health: LocalHealth
  private readonly onJoin: (id: string, now: number) => void
  private readonly verify: NewsMergerInit['verify']
  /** members held dead or left, waiting to be forgotten */
  private readonly tombstones = new Set<string>()

  constructor (init: NewsMergerInit) {
    this.config = init.config
    this.view = init.view
    this.gossip = init.gossip
    this.outbox = init.outbox
    this.suspicions = init.suspicions
    this.health = init.health
    this.onJoin = init.onJoin
    this.verify = init.verify
  }

  /**
   * Applies news from peer `from`; true when some of it doubted us and the sender needs our current record. A record
   * `from` holds of itself is its own word, news first-hand: a newcomer's record in its first sync, a leave, a
   * refutation.
   */
  merge (from: string, updates: MemberRecord[], now: number): boolean {
    let refuted = false
    for (const update of updates) {
      if (this.heardOfDeath(from, update, now)) { continue }
      if (this.apply(update, now, update.id === from)) { refuted = true }
    }
    return refuted
  }

  /**
   * Another member's verdict that a member we hold alive or suspect is dead counts as that member's suspicion, with
   * the sender as its witness: we declare the death ourselves when our own suspicion runs out (after a ping of ours,
   * where we may send one). One member's word, a bug's, a liar's, or a stale verdict from across a partition that
   * just healed, then cannot take down a live member, which refutes the suspicion as it would any other; a member
   * really dead is suspected by others as well, and dies here a ping later than it would have. True when handled.
   */
  private heardOfDeath (from: string, update: MemberRecord, now: number): boolean {
    if (update.status !== 'dead' || update.id === this.view.self.id) { return false }
    const held = this.view.table.get(update.id)?.member
    if (held == null || !isActiveStatus(held.status) || !supersedes(update, held)) { return false }
    this.apply({ ...update, status: 'suspect' }, now)
    this.suspicions.report(update.id, update.incarnation, from, { by: [from], closed: [] })
    return true
  }

  /**
   * Takes in who `from` says suspects whom, after its news was merged: only reports at the incarnation we hold
   * suspect count, so a stale or refuted suspicion confirms nothing. New witnesses are news to pass on, as long
   * as the others may still need them to reach the shortest timeout.
   */
  confirm (from: string, updates: MemberRecord[], witnesses: Witnesses[] | undefined): void {
    if (witnesses == null) { return }
    const k = this.bounds().k
    for (const report of witnesses) {
      const update = updates.find(u => u.id === report.id && u.status === 'suspect')
      const held = this.view.table.get(report.id)?.member
      if (update == null || held?.status !== 'suspect' || held.incarnation !== update.incarnation) { continue }
      if (this.suspicions.report(held.id, held.incarnation, from, report) && this.suspicions.confirmations(held.id) <= k) {
        this.gossip.spread(held)
      }
    }
  }

  /**
   * Our own verdict (a probe failed, after the connection closed if `closed`): suspect the member, or confirm a
   * suspicion we only had by hearsay.
   */
  suspect (id: string, now: number, closed: boolean): void {
    const member = this.view.table.get(id)?.member
    if (member == null) { return }
    if (member.status === 'alive') {
      this.apply({ ...member, status: 'suspect' }, now)
      this.suspicions.witness(id, member.incarnation, closed)
      // first-hand news once it names us as its witness
      const suspected = this.view.table.get(id)?.member
      if (suspected != null) { this.gossip.spread(suspected, true) }
      // tell the suspect at once: if it is alive it refutes now instead of when gossip happens to reach it
      this.gossip.send(id)
    } else if (member.status === 'suspect' && this.suspicions.witness(id, member.incarnation, closed)) {
      // our confirmation is news for the others: send the record again, with us as a witness
      this.gossip.spread(member, true)
    }
  }

  /**
   * Declares suspects whose timer ran out dead; returns the tombstones old enough to forget. A suspect we only
   * know of by others' word, and may ping, gets one ping of ours first: under heavy churn its refutation may never
   * have reached us, and the ping carries our doubt, which it answers with its current record. If it stays silent,
   * we are a witness too and it is declared dead at the next tick.
   */
  expire (now: number): string[] {
    if (this.suspicions.size > 0) {
      for (const id of this.suspicions.expired(now, this.bounds())) {
        const member = this.view.table.get(id)?.member
        if (member?.status !== 'suspect') {
          this.suspicions.end(id)
        } else if (this.suspicions.witnessedBySelf(id) || !this.view.isEligible(id)) {
          this.apply({ ...member, status: 'dead' }, now, true)
        } else if (this.suspicions.verify(id)) {
          this.verify(id, now)
        }
      }
    }
    const forgotten: string[] = []
    for (const id of this.tombstones) {
      const entry = this.view.table.get(id)
      if (entry == null || isActiveStatus(entry.member.status)) {
        this.tombstones.delete(id)
      } else if (now >= entry.changedAt + this.config.tombstoneTimeout) {
        this.view.table.delete(id)
        this.tombstones.delete(id)
        forgotten.push(id)
      }
    }
    return forgotten
  }

  /**
   * The suspicion timer at the current size n (self included): min = suspectTimeout * max(1, log10 n), as
   * memberlist scales it; a member that only went silent gets SILENT_SUSPICION_MULT times that; max =
   * suspicionMaxMult * min; k = indirectProbes, but never more than the n - 2 members that could confirm
   * (everyone but the suspect and the first witness).
   */
  bounds (): SuspicionBounds {
    const n = this.view.table.activeCount() + 1
    const min = this.config.suspectTimeout * Math.max(1, Math.log10(n))
    const max = min * Math.max(SILENT_SUSPICION_MULT, this.config.suspicionMaxMult)
    return {
      min,
      silentMin: min * SILENT_SUSPICION_MULT,
      max,
      k: Math.max(0, Math.min(this.config.indirectProbes, n - 2))
    }
  }

  /** Returns true when the update was about us and made us refute. */
  private apply (update: MemberRecord, now: number, firstHand = false): boolean {
    if (update.id === this.view.self.id) { return this.refute(update) }
    const entry = this.view.table.get(update.id)
    if (entry != null && !supersedes(update, entry.member)) { return false }
    // the death or leave of a member never known here is nothing to remember (as in memberlist): taken in, each
    // member's copy would live a tombstone timeout from when it came, and syncs hand copies back and forth, so a
    // member that left would be forgotten by no one while members keep syncing
    if (entry == null && !isActiveStatus(update.status)) { return false }
    const before = entry?.member.status
    const addressesBefore = entry?.member.addresses
    const member = this.view.table.set(update, now).member
    // whoever learns news passes it on: that is what makes the spread infection-style
    this.gossip.spread(member, firstHand)
    if (member.status === 'suspect') {
      this.suspicions.begin(member.id, member.incarnation, now, isBrowser(member) ? this.config.browserLease : 0)
    } else {
      this.suspicions.end(member.id)
    }
    if (!isActiveStatus(member.status)) { this.tombstones.add(member.id) }

    const wasActive = before != null && isActiveStatus(before)
    const isActive = isActiveStatus(member.status)
    if (!wasActive && isActive) {
      this.onJoin(member.id, now)
      this.outbox.emit('join', member)
      if (member.status === 'suspect') { this.outbox.emit('suspect', member) }
    } else if (wasActive && !isActive) {
      this.outbox.emit('leave', member)
    } else if (before === 'alive' && member.status === 'suspect') {
      this.outbox.emit('suspect', member)
    } else if (before === 'suspect' && member.status === 'alive') {
      this.outbox.emit('alive', member)
    }
    if (wasActive && isActive && addressesBefore != null && !sameAddresses(addressesBefore, member.addresses)) { this.outbox.moved(member) }
    return false
  }

  /** A suspect we pinged before declaring it dead answered: its refutation is on its way. */
  answered (id: string, now: number): void {
    this.suspicions.answered(id, now)
  }

  /**
   * Only this node may speak for itself: any doubt at our incarnation or above is answered with a higher one.
   * A doubt about an older incarnation means the sender missed our refutation: it gets our current record.
   * Either way the caller sends our record back to the sender.
   */
  private refute (update: MemberRecord): boolean {
    const self = this.view.self
    if (self.status === 'left') { return false }
    if (update.incarnation < self.incarnation) {
      if (update.status === 'alive') { return false }
      this.gossip.spread(self, true)
      return true
    }
    if (update.status === 'alive' && update.incarnation === self.incarnation) { return false }
    // a member can raise its incarnation only so far; a record at the bound was forged and is left unanswered
    if (update.incarnation >= MAX_INCARNATION) { return false }
    // being doubted is a sign that we answer late (Lifeguard); an old record of ours coming back is not
    if (update.status === 'suspect' || update.status === 'dead') { this.health.raise() }
    this.view.raiseIncarnation(update.incarnation + 1)
    this.gossip.spread(self, true)
    return true
  }
}

function sameAddresses (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((address, i) => address === b[i])
}
