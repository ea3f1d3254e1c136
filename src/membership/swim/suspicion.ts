// Lifeguard's dynamic suspicion: a suspicion starts long and shortens as independent members confirm it.

/** The bounds of one suspicion's timer at the current cluster size. */
export interface SuspicionBounds {
  /** ms to refute once `k` members besides the first confirmed, two of them having seen the connection close */
  min: number
  /** ms to refute once `k` members besides the first confirmed a member that only went silent */
  silentMin: number
  /** ms to refute while only one member suspects */
  max: number
  /** confirmations that bring the timer down to its floor */
  k: number
}

/** Most witnesses remembered per suspicion besides this node; enough for any sane `k`, and a bound on memory. */
export const WITNESS_LIMIT = 16

/**
 * memberlist's curve: from `max` with no confirmation down to `floor` at `k`, logarithmically, so the first few
 * independent confirmations count most.
 */
export function suspicionTimeout (confirmations: number, floor: number, max: number, k: number): number {
  if (k <= 0 || confirmations >= k) { return floor }
  const fraction = Math.log(confirmations + 1) / Math.log(k + 1)
  return Math.max(floor, Math.floor(max - fraction * (max - floor)))
}

/** Who suspects a member, as carried on the wire next to its suspect record. */
export interface WitnessReport {
  /** members that suspect it from their own failed probe */
  by: string[]
  /** those of them that also saw their connection to it close */
  closed: string[]
}

interface Suspicion {
  incarnation: number
  startedAt: number
  /** ms the suspicion lasts at least, whatever confirms it: a browser tab's lease, else 0 */
  floor: number
  /** this node pinged the suspect itself before declaring it dead on others' word */
  verifying: boolean
  /** members said to suspect this incarnation from their own probe; true for those that saw the connection close */
  witnesses: Map<string, boolean>
  /** authenticated senders that told us of witnesses, this node included once it is a witness itself */
  reporters: Set<string>
}

/**
 * The open suspicions of other members.
 *
 * Independence comes from the witnesses: a suspicion relayed by a hundred members still has one witness, and
 * the first witness is the suspicion itself, every further one a confirmation. Witness ids travel with the record
 * (as in memberlist) so that confirmations reach members that never talk to the witnesses directly, which is the
 * rule in a partial view. They are not signed, so what any one sender claims counts for at most one: a
 * confirmation needs both a distinct witness and a distinct authenticated sender. A member repeating a suspicion
 * a thousand times, or naming witnesses of its own invention, counts once; on its own it cannot bring a
 * suspicion below `max`.
 */
export class Suspicions {
  private readonly self: string
  private readonly open = new Map<string, Suspicion>()

  constructor (self: string) {
    this.self = self
  }

  get size (): number {
    return this.open.size
  }

  /**
   * A suspicion of `id` at `incarnation` begins now, unless it is already under way; it lasts at least `floor` ms
   * (a browser tab's lease).
   */
  begin (id: string, incarnation: number, now: number, floor = 0): void {
    if (this.open.get(id)?.incarnation !== incarnation) {
      this.open.set(id, { incarnation, startedAt: now, floor, verifying: false, witnesses: new Map(), reporters: new Set() })
    }
  }

  end (id: string): void {
    this.open.delete(id)
  }

  /** True when this node suspects `id` from its own probe, not only on others' word. */
  witnessedBySelf (id: string): boolean {
    return this.open.get(id)?.witnesses.has(this.self) === true
  }

  /**
   * Marks the suspicion of `id` as being checked by this node; false if it already was. Checked once: a member
   * that answers our own ping is not declared dead on hearsay, however its refutation got lost.
   */
  verify (id: string): boolean {
    const suspicion = this.open.get(id)
    if (suspicion == null || suspicion.verifying) { return false }
    suspicion.verifying = true
    return true
  }

  /** The suspect answered our own ping: its refutation must be on its way, so the timer starts over. */
  answered (id: string, now: number): void {
    const suspicion = this.open.get(id)
    if (suspicion?.verifying === true) { suspicion.startedAt = now }
  }

  /** This node suspects `id` from its own probe; true when that is news for the others. */
  witness (id: string, incarnation: number, closed: boolean): boolean {
    const suspicion = this.open.get(id)
    if (suspicion?.incarnation !== incarnation) { return false }
    suspicion.reporters.add(this.self)
    const known = suspicion.witnesses.get(this.self)
    if (known === true || known === closed) { return false }
    suspicion.witnesses.set(this.self, closed)
    return true
  }

  /** `from` told us who suspects `id` at `incarnation`; true when it named a witness we did not know. */
  report (id: string, incarnation: number, from: string, report: WitnessReport): boolean {
    const suspicion = this.open.get(id)
    if (suspicion?.incarnation !== incarnation || from === id) { return false }
    if (suspicion.reporters.size < WITNESS_LIMIT) { suspicion.reporters.add(from) }
    const closed = new Set(report.closed)
    let news = false
    for (const witness of report.by) {
      if (witness === id || witness === this.self) { continue }
      const known = suspicion.witnesses.get(witness)
      if (known == null && suspicion.witnesses.size > WITNESS_LIMIT) { continue }
      if (known == null || (known === false && closed.has(witness))) {
        suspicion.witnesses.set(witness, closed.has(witness))
        news = true
      }
    }
    return news
  }

  /** What our messages say about who suspects `id` at `incarnation`; undefined when we know no witness. */
  reportOf (id: string, incarnation: number): WitnessReport | undefined {
    const suspicion = this.open.get(id)
    if (suspicion?.incarnation !== incarnation || suspicion.witnesses.size === 0) { return undefined }
    const by: string[] = []
    const closed: string[] = []
    for (const [witness, sawClose] of suspicion.witnesses) {
      by.push(witness)
      if (sawClose) { closed.push(witness) }
    }
    return { by, closed }
  }

  /** Confirmations of the suspicion of `id`: distinct witnesses beyond the first, each vouched by a distinct sender. */
  confirmations (id: string): number {
    const suspicion = this.open.get(id)
    return suspicion == null ? 0 : Math.max(0, Math.min(suspicion.witnesses.size, suspicion.reporters.size) - 1)
  }

  /** Members whose suspicion outlived its timer at `now`. */
  expired (now: number, bounds: SuspicionBounds): string[] {
    const due: string[] = []
    for (const [id, s] of this.open) {
      if (now >= s.startedAt + this.timeout(s, bounds)) { due.push(id) }
    }
    return due
  }

  /**
   * A member that only went silent may be stalled (a long GC, a blocked event loop, a saturated CPU, a paused VM)
   * rather than gone, so its suspicion never runs below `silentMin`. A process that exits closes its connections:
   * once two witnesses (or the one other member there is) saw that, and failed to reach it again, `min` applies.
   */
  private timeout (s: Suspicion, { min, silentMin, max, k }: SuspicionBounds): number {
    const vouched = s.reporters.size
    const confirmations = Math.max(0, Math.min(s.witnesses.size, vouched) - 1)
    let closed = 0
    for (const sawClose of s.witnesses.values()) { if (sawClose) { closed++ } }
    const floor = Math.min(closed, vouched) >= Math.min(2, k + 1) ? min : silentMin
    return Math.max(s.floor, suspicionTimeout(confirmations, floor, max, k))
  }
}
