// How one actor is chosen among the eligible ones. The load-aware strategies compare two actors picked at random
// (power of two choices) rather than take the least loaded of all: every caller would pick the same one.
import { hash32 } from '../placement/hash.ts'
import { ranksBefore, score } from '../placement/rendezvous.ts'
import type { BalancingStrategy } from './index.ts'
import type { LatencyEstimate } from './latency-estimate.ts'

/** One actor that may take the call, with what this node measured of it. */
export interface Choice {
  /** `node/id`: the actor's key among the service's */
  id: string
  /** calls from this node to it still waiting for an answer */
  inFlight: number
  latency: LatencyEstimate
}

export interface PickContext {
  now: number
  /** uniform in [0, 1) */
  random(): number
  /** the key of `consistent-hash` */
  key?: string
  /** increments on every round-robin pick of this service */
  nextTurn(): number
}

/**
 * The cost of an actor no answer came from yet while calls to it are in flight: high, so a new actor gets one call at
 * a time until it answers (with none in flight, it costs 0 and is tried at once).
 */
const UNKNOWN_LATENCY_PENALTY = 1e9

/** One of the eligible actors, listed in the group's order (stable while the group does not change: round robin's turn). */
export function pick (strategy: BalancingStrategy, choices: readonly Choice[], context: PickContext): Choice {
  if (choices.length === 1) { return choices[0] }
  switch (strategy) {
    case 'round-robin': return choices[context.nextTurn() % choices.length]
    case 'random': return choices[Math.floor(context.random() * choices.length)]
    case 'least-connections': return twoChoices(choices, context, (choice) => choice.inFlight)
    case 'least-latency': return twoChoices(choices, context, (choice) => latencyCost(choice, context.now))
    case 'consistent-hash': return rendezvous(context.key ?? '', choices)
    default: throw new TypeError(`unknown balancing strategy ${String(strategy)}`)
  }
}

/**
 * What a new call to the actor can expect: its latency per call in flight, times the square root of its calls in
 * flight plus one. The root weighs the queue less than the latency: a slow actor with nothing queued must not look as
 * good as a fast one with a few calls waiting, since every call it takes lands in the tail. An actor no answer came
 * from yet costs 0 (tried at once) until a call to it is in flight, then more than any measured.
 */
export function latencyCost (choice: Choice, now: number): number {
  if (!choice.latency.known) { return choice.inFlight > 0 ? UNKNOWN_LATENCY_PENALTY + choice.inFlight : 0 }
  return choice.latency.value(now) * Math.sqrt(choice.inFlight + 1)
}

function twoChoices (choices: readonly Choice[], context: PickContext, cost: (choice: Choice) => number): Choice {
  const first = Math.floor(context.random() * choices.length)
  // the second is any other one: draw among length - 1 and skip the first
  let second = Math.floor(context.random() * (choices.length - 1))
  if (second >= first) { second++ }
  const a = choices[first]
  const b = choices[second]
  const costA = cost(a)
  const costB = cost(b)
  if (costA === costB) { return context.random() < 0.5 ? a : b }
  return costA < costB ? a : b
}

/** the actor ranked first for `key` by rendezvous hashing: one key moves only when its actor leaves */
function rendezvous (key: string, choices: readonly Choice[]): Choice {
  let best = choices[0]
  let bestScore = score(key, hash32(best.id))
  for (let i = 1; i < choices.length; i++) {
    const s = score(key, hash32(choices[i].id))
    if (ranksBefore(s, choices[i].id, bestScore, best.id)) {
      best = choices[i]
      bestScore = s
    }
  }
  return best
}
