// The names API examples use without defining them: a started cluster, an actor class, the members placement sees.
// Examples are type-checked against these, never run.
import type { Actor, Cluster, PlacementCandidate } from '../../src/index.ts'

/** A node of a started cluster, as `await Foundation.start()` returns it. */
export declare const cluster: Cluster

/** The README's counter: `{ inc: n }` adds, any call answers the count. */
export class Counter implements Actor<{ inc?: number, get?: boolean }, number> {
  count = 0

  receive (message: { inc?: number, get?: boolean }): number {
    if (message.inc != null) { this.count += message.inc }
    return this.count
  }
}

/** The members placement chooses among. */
export declare const members: PlacementCandidate[]

/** Keys to place. */
export declare const names: string[]

/** An actor that scores a text: the balancing examples' service. */
export class Scorer implements Actor<{ text?: string, score?: string }, number> {
  receive (message: { text?: string, score?: string }): number {
    return (message.text ?? message.score ?? '').length
  }
}

/** A text to score. */
export declare const text: string

/** One row of the map-reduce examples' dataset. */
export interface Row {
  id: number
  text: string
  /** where the row's score is fetched from */
  url: string
}

/** The map-reduce examples' dataset. */
export declare const rows: Row[]
