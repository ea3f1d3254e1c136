// Whom to probe next: round robin over a shuffled list bounds the time until any member is probed (SWIM section 4.3).
import { randomInt, shuffle } from './random.ts'
import type { Random } from './random.ts'
import type { View } from './view.ts'

export class ProbeOrder {
  private readonly random: Random
  private readonly view: View
  private readonly joinGrace: number
  private readonly linkSettle: number
  private readonly strangerEvery: number
  private order: string[] = []
  private index = 0
  /**
   * probes drawn, to space the probes of strangers; it starts at a random phase, drawn when probing first keeps to
   * the neighbours: nodes started together would otherwise all probe a stranger in the same second, each probe a
   * dial by the prober and by its helpers
   */
  private probes: number | undefined
  /** members that joined recently, and when their grace ends: left out of the rounds until then */
  private readonly graceEnds = new Map<string, number>()

  constructor (random: Random, view: View, grace: { joinGrace: number, linkSettle: number, strangerProbeEvery?: number } = { joinGrace: 0, linkSettle: 0 }) {
    this.random = random
    this.view = view
    this.strangerEvery = grace.strangerProbeEvery ?? 0
    this.joinGrace = grace.joinGrace
    this.linkSettle = grace.linkSettle
  }

  /**
   * The next member to probe at `now`, undefined when no member may be probed now. While probing is restricted to
   * neighbours, every strangerProbeEvery-th probe goes to a random member outside them instead.
   */
  next (now: number): string | undefined {
    if (this.strangerEvery > 0 && this.view.watchesNeighboursOnly && this.strangerTurn()) {
      const strangers = this.view.strangers().filter(id => !this.inGrace(id, now))
      if (strangers.length > 0) { return strangers[randomInt(this.random, strangers.length)] }
    }
    let drew = false
    for (;;) {
      if (this.index >= this.order.length) {
        // a round made only of members in their grace would be drawn again and again
        if (drew) { return undefined }
        drew = true
        this.forgetGraces(now)
        this.order = shuffle(this.random, this.view.eligible())
        this.index = 0
        if (this.order.length === 0) { return undefined }
      }
      const id = this.order[this.index++]
      if (this.view.isEligible(id) && !this.inGrace(id, now)) { return id }
    }
  }

  /** A newcomer goes at a random place in the rest of the round, so it is probed within this round, its grace past. */
  add (id: string, now: number): void {
    if (this.joinGrace > 0) { this.graceEnds.set(id, now + this.joinGrace) }
    const remaining = this.order.length - this.index
    this.order.splice(this.index + randomInt(this.random, remaining + 1), 0, id)
  }

  /** A connection to the member opened: its grace ends once the connection had linkSettle to settle. */
  linked (id: string, now: number): void {
    const ends = this.graceEnds.get(id)
    if (ends != null && now + this.linkSettle < ends) { this.graceEnds.set(id, now + this.linkSettle) }
  }

  /** Ends the current round, so the next one is drawn from who is eligible now. */
  restart (): void {
    this.index = this.order.length
  }

  /** Drops the graces that ended, those of members that left before being probed included. */
  private forgetGraces (now: number): void {
    for (const [id, ends] of this.graceEnds) {
      if (now >= ends) { this.graceEnds.delete(id) }
    }
  }

  private inGrace (id: string, now: number): boolean {
    const ends = this.graceEnds.get(id)
    if (ends == null) { return false }
    if (now < ends) { return true }
    this.graceEnds.delete(id)
    return false
  }

  private strangerTurn (): boolean {
    this.probes = (this.probes ?? randomInt(this.random, this.strangerEvery)) + 1
    return this.probes % this.strangerEvery === 0
  }
}
