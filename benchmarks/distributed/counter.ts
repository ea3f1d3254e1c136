// The actor of the failover and handoff benchmarks: it counts the increments it received, answers with its count
// and the node it runs on, and carries its count when it moves.
import type { Actor, ActorContext } from '../../src/index.ts'

export type CounterMessage = { op: 'inc' } | { op: 'get' }

export interface CounterReply {
  count: number
  /** peer id of the node that answered */
  node: string
}

export class InvalidCounterStateError extends Error {
  constructor (state: unknown) {
    super(`a Counter resumes from { count: non-negative integer }, not ${JSON.stringify(state)}`)
    this.name = 'InvalidCounterStateError'
  }
}

export class Counter implements Actor<CounterMessage, CounterReply> {
  private count = 0

  receive (message: CounterMessage, context: ActorContext): CounterReply {
    if (message.op === 'inc') { this.count++ }
    return { count: this.count, node: context.self.node }
  }

  handoff (): { count: number } {
    return { count: this.count }
  }

  resume (state: unknown): void {
    const count = (state as { count?: unknown } | null)?.count
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) { throw new InvalidCounterStateError(state) }
    this.count = count
  }
}
