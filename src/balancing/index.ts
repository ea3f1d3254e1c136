// Load balancing: calls to a service (a process group) go to one of its actors, chosen by a strategy, among the members
// whose gossiped load passes the call's constraints, with failing members ejected for a while and retries held to a budget.
import type { CallOptions } from '../cluster/index.ts'

export { NoEligibleMemberError, ServiceNotFoundError, RouteOptionError } from './errors.ts'

/**
 * How a call picks one of a service's actors.
 * - `round-robin`: each in turn.
 * - `random`: any, uniformly.
 * - `least-connections`: of two picked at random, the one with fewer calls from this node still in flight.
 * - `least-latency`: of two picked at random, the one a new call can expect sooner: its latency per call in flight (an
 * average of its answers, each divided by the calls that were in flight to it from this node plus one, since an actor
 * handles one message at a time) times the square root of its calls in flight now plus one. A failure counts as the
 * whole timeout, and an estimate no answer refreshes decays over 10 s, so an actor avoided for being slow is tried
 * again.
 * - `consistent-hash`: the one that ranks first for `key` (rendezvous hashing), so one key keeps going to one actor
 * while the service's members stay the same.
 */
export type BalancingStrategy = 'round-robin' | 'random' | 'least-connections' | 'least-latency' | 'consistent-hash'

/**
 * Filters on the load each member gossips (every 2 s when it changed, 30 s or more when it did not). A member that has
 * not reported yet passes. They filter and never pick: choosing the member with the least gossiped load sends every
 * caller to the same one, on news seconds old.
 */
export interface RouteConstraints {
  /** the share of the member's cores its process used, 0 to 1 (`0.8`: under 80 %) */
  maxCpu?: number
  /** ms of event-loop delay (p99 over the member's last 2 s) */
  maxEventLoopLag?: number
  /** the share of the member's heap limit in use, 0 to 1 */
  maxHeap?: number
  /** messages waiting in the member's actor mailboxes, all actors together */
  maxMailbox?: number
  /** ms the member has run: leaves out members that just started */
  minUptime?: number
  /** roles the member must have, every one */
  roles?: string[]
}

export interface RouteOptions extends CallOptions {
  /** default `least-latency` */
  strategy?: BalancingStrategy
  /** the key `consistent-hash` places by; required with it */
  key?: string
  constraints?: RouteConstraints
  /**
   * how many other actors a call may be tried on after one that failed without taking the message (its node down,
   * the actor gone, the peer overloaded), within the service's retry budget (default 2)
   */
  retries?: number
}

/** What this node's calls to one service did: for tests, metrics and the dashboard. */
export interface ServiceStats {
  service: string
  /** calls made through `route` */
  requests: number
  /** tries after a failed one, on another actor */
  retries: number
  /** retries the budget refused */
  retriesRefused: number
  /** actors ejected since the start (one actor ejected twice counts twice) */
  ejections: number
  /** actors ejected now, as `node/id` */
  ejected: string[]
}

/** What this node's routed calls did, per service: `cluster.balancer`. */
export interface Balancer {
  /** one service's counters on this node (zeros for a service never routed to) */
  stats(service: string): ServiceStats
  /** every service this node routed calls to */
  allStats(): ServiceStats[]
}
