// Routed calls: one of a service's actors takes each call, chosen by a strategy among those whose member passes the
// constraints and that are not ejected; a try that failed without the actor taking the message goes to another one,
// within the service's retry budget.
import { ActorNotFoundError } from '../actors/errors.ts'
import { AbortError, NodeDownError, PeerOverloadedError } from '../messaging/errors.ts'
import { systemClock } from '../time/clock.ts'
import { checkConstraints } from './constraints.ts'
import { RouteOptionError, ServiceNotFoundError } from './errors.ts'
import { ServiceBalance } from './service-balance.ts'
import type { MemberFacts } from './constraints.ts'
import type { Balancer, BalancingStrategy, RouteOptions, ServiceStats } from './index.ts'
import type { EjectionSettings } from './outlier-ejection.ts'
import type { RetryBudgetSettings } from './retry-budget.ts'
import type { InstanceState } from './service-balance.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { CallOptions } from '../cluster/index.ts'
import type { Clock } from '../time/clock.ts'

export const DEFAULT_STRATEGY: BalancingStrategy = 'least-latency'
/** other actors a failed try may go on to */
export const DEFAULT_RETRIES = 2
const STRATEGIES = new Set<BalancingStrategy>(['round-robin', 'random', 'least-connections', 'least-latency', 'consistent-hash'])

export interface LoadBalancerComponents {
  /** the actors of a service, cluster-wide: its process group's members */
  instances(service: string): ActorRef[]
  /** an active member's roles and last reported load; undefined for a node that is not an active member */
  facts(node: string): MemberFacts | undefined
  call(ref: ActorRef, message: unknown, options: CallOptions): Promise<unknown>
  clock?: Clock
  /** uniform in [0, 1) (default Math.random) */
  random?(): number
}

export interface LoadBalancerInit {
  /** ms a routed call waits in all, its retries included, unless it says otherwise */
  callTimeout: number
  ejection?: Partial<EjectionSettings>
  retryBudget?: Partial<RetryBudgetSettings>
}

/** Errors that say the actor never took the message: another one may take it. */
function isRetryable (err: unknown): boolean {
  return err instanceof NodeDownError || err instanceof ActorNotFoundError || err instanceof PeerOverloadedError
}

export class LoadBalancer implements Balancer {
  private readonly components: LoadBalancerComponents
  private readonly init: LoadBalancerInit
  private readonly clock: Clock
  private readonly random: () => number
  private readonly services = new Map<string, ServiceBalance>()

  constructor (components: LoadBalancerComponents, init: LoadBalancerInit) {
    this.components = components
    this.init = init
    this.clock = components.clock ?? systemClock()
    this.random = components.random ?? Math.random
  }

  async route<Reply = unknown>(service: string, message: unknown, options: RouteOptions = {}): Promise<Reply> {
    checkRouteOptions(service, options)
    options.signal?.throwIfAborted()
    // a name no actor serves keeps no state here: callers may route to names that do not exist
    if (this.components.instances(service).length === 0) { throw new ServiceNotFoundError(service) }
    const balance = this.balanceOf(service)
    const started = this.clock.now()
    const deadline = started + (options.timeout ?? this.init.callTimeout)
    const retries = options.retries ?? DEFAULT_RETRIES
    const strategy = options.strategy ?? DEFAULT_STRATEGY
    balance.requested(started)
    const tried = new Set<string>()
    let lastError: unknown
    for (let attempt = 0; ; attempt++) {
      const now = this.clock.now()
      let choice
      try {
        choice = balance.choose(this.components.instances(service), {
          strategy,
          key: options.key,
          constraints: options.constraints ?? {},
          facts: (node) => this.components.facts(node),
          exclude: tried,
          now,
          random: this.random
        })
      } catch (err) {
        // no other actor left to retry on: the caller learns why the last try failed
        throw lastError ?? err
      }
      if (attempt > 0 && !balance.retryAllowed(now)) { throw lastError }
      tried.add(choice.id)
      const outcome = await this.attempt(balance, choice, message, deadline - now, options.signal)
      if (outcome.ok) { return outcome.value as Reply }
      lastError = outcome.error
      if (attempt >= retries || !isRetryable(lastError) || deadline <= this.clock.now()) { throw lastError }
    }
  }

  /** What this node's routed calls to `service` did. */
  stats (service: string): ServiceStats {
    return this.services.get(service)?.stats(this.clock.now()) ?? {
      service, requests: 0, retries: 0, retriesRefused: 0, ejections: 0, ejected: []
    }
  }

  /** Every service this node routed calls to. */
  allStats (): ServiceStats[] {
    const now = this.clock.now()
    return [...this.services.values()].map(balance => balance.stats(now))
  }

  private balanceOf (service: string): ServiceBalance {
    let balance = this.services.get(service)
    if (balance == null) {
      balance = new ServiceBalance(service, this.clock.now(), this.init)
      this.services.set(service, balance)
    }
    return balance
  }

  private async attempt (balance: ServiceBalance, instance: InstanceState, message: unknown, timeout: number, signal?: AbortSignal): Promise<{ ok: true, value: unknown } | { ok: false, error: unknown }> {
    // an actor handles one message at a time: an answer's latency counts the calls queued ahead of it
    const ahead = instance.inFlight
    instance.inFlight++
    const sent = this.clock.now()
    try {
      const value = await this.components.call(instance.ref, message, { timeout, signal })
      balance.answered(instance, (this.clock.now() - sent) / (ahead + 1), this.clock.now())
      return { ok: true, value }
    } catch (error) {
      // the caller's own abort says nothing of the actor; a failure weighs as a call that took the whole timeout,
      // or an actor that fails fast would look the fastest of all
      if (!(error instanceof AbortError)) { balance.failed(instance, Math.max(this.clock.now() - sent, timeout), this.clock.now()) }
      return { ok: false, error }
    } finally {
      instance.inFlight--
    }
  }
}

function checkRouteOptions (service: string, options: RouteOptions): void {
  if (typeof service !== 'string' || service.length === 0) { throw new RouteOptionError('service', 'must be a group name') }
  if (options.strategy != null && !STRATEGIES.has(options.strategy)) {
    throw new RouteOptionError('strategy', `must be one of ${[...STRATEGIES].join(', ')}, not ${String(options.strategy)}`)
  }
  if (options.strategy === 'consistent-hash' && typeof options.key !== 'string') {
    throw new RouteOptionError('key', 'is required, as a string, with the consistent-hash strategy')
  }
  if (options.retries != null && (!Number.isSafeInteger(options.retries) || options.retries < 0)) {
    throw new RouteOptionError('retries', `must be a whole number of 0 or more, not ${String(options.retries)}`)
  }
  if (options.timeout != null && (typeof options.timeout !== 'number' || !(options.timeout > 0))) {
    throw new RouteOptionError('timeout', `must be a number of ms above 0, not ${String(options.timeout)}`)
  }
  if (options.constraints != null) { checkConstraints(options.constraints) }
}
