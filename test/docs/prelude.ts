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
