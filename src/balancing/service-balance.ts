// What this node knows of one service's actors: calls in flight, latency and failures of each, its round-robin turn
// and its retry budget. Each node balances on its own measures; nothing of this is gossiped.
import { failedConstraint } from './constraints.ts'
import { NoEligibleMemberError, ServiceNotFoundError } from './errors.ts'
import { EJECTION_DEFAULTS, OutlierState } from './outlier-ejection.ts'
import { PeakEwma } from './peak-ewma.ts'
import { RETRY_BUDGET_DEFAULTS, RetryBudget } from './retry-budget.ts'
import { pick } from './strategies.ts'
import type { MemberFacts } from './constraints.ts'
import type { BalancingStrategy, RouteConstraints, ServiceStats } from './index.ts'
import type { EjectionSettings } from './outlier-ejection.ts'
import type { RetryBudgetSettings } from './retry-budget.ts'
import type { Choice } from './strategies.ts'
import type { ActorRef } from '../actors/ref.ts'

/** One actor of the service, as this node measured it. */
export interface InstanceState extends Choice {
  ref: ActorRef
  outlier: OutlierState
}

export interface ChooseRequest {
  strategy: BalancingStrategy
  key?: string
  constraints: RouteConstraints
  facts(node: string): MemberFacts | undefined
  /** actors this call tried already */
  exclude: ReadonlySet<string>
  now: number
  random(): number
}

/** the states kept beyond the service's actors before the gone ones are dropped */
const PRUNE_SLACK = 16

export class ServiceBalance {
  readonly service: string
  private readonly ejection: EjectionSettings
  private readonly budget: RetryBudget
  private readonly instances = new Map<string, InstanceState>()
  private turn = 0
  /** how many actors the service had at the last choice: the ejection share is of these */
  private size = 0
  private requests = 0
  private retries = 0
  private retriesRefused = 0
  private ejections = 0

  constructor (service: string, now: number, settings: { ejection?: Partial<EjectionSettings>, retryBudget?: Partial<RetryBudgetSettings> }) {
    this.service = service
    this.ejection = { ...EJECTION_DEFAULTS, ...settings.ejection }
    this.budget = new RetryBudget(now, { ...RETRY_BUDGET_DEFAULTS, ...settings.retryBudget })
  }

  requested (now: number): void {
    this.requests++
    this.budget.deposit(now)
  }

  /** Takes a retry from the budget: false when spent. */
  retryAllowed (now: number): boolean {
    if (this.budget.tryWithdraw(now)) {
      this.retries++
      return true
    }
    this.retriesRefused++
    return false
  }

  /**
   * The actor to try: ServiceNotFoundError when the service has none, NoEligibleMemberError naming what left each
   * one out when none may take the call.
   */
  choose (refs: readonly ActorRef[], request: ChooseRequest): InstanceState {
    if (refs.length === 0) { throw new ServiceNotFoundError(this.service) }
    this.size = refs.length
    this.prune(refs)
    const eligible: InstanceState[] = []
    const excluded: Record<string, number> = {}
    for (const ref of refs) {
      const id = `${ref.node}/${ref.id}`
      const reason = this.exclusion(id, ref, request)
      if (reason == null) {
        eligible.push(this.instance(id, request.now, ref))
      } else {
        excluded[reason] = (excluded[reason] ?? 0) + 1
      }
    }
    if (eligible.length === 0) { throw new NoEligibleMemberError(this.service, excluded) }
    return pick(request.strategy, eligible, {
      now: request.now,
      random: request.random,
      key: request.key,
      nextTurn: () => this.turn++
    }) as InstanceState
  }

  instance (id: string, now: number, ref?: ActorRef): InstanceState {
    let state = this.instances.get(id)
    if (state == null) {
      const [node, actor] = splitId(id, ref)
      state = { id, ref: { node, id: actor }, inFlight: 0, latency: new PeakEwma(now), outlier: new OutlierState(now, this.ejection) }
      this.instances.set(id, state)
    }
    return state
  }

  answered (instance: InstanceState, latency: number, now: number): void {
    instance.latency.observe(latency, now)
    instance.outlier.succeeded(now)
  }

  failed (instance: InstanceState, latency: number, now: number): void {
    instance.latency.observe(latency, now)
    if (!instance.outlier.failed(now)) { return }
    const out = [...this.instances.values()].filter(state => state.outlier.isEjected(now)).length
    const allowed = Math.max(1, Math.floor(this.ejection.maxEjectedShare * this.size))
    if (out >= allowed) { return }
    instance.outlier.eject(now)
    this.ejections++
  }

  stats (now: number): ServiceStats {
    return {
      service: this.service,
      requests: this.requests,
      retries: this.retries,
      retriesRefused: this.retriesRefused,
      ejections: this.ejections,
      ejected: [...this.instances.values()].filter(state => state.outlier.isEjected(now)).map(state => state.id)
    }
  }

  /** why the actor may not take this call, or undefined when it may */
  private exclusion (id: string, ref: ActorRef, request: ChooseRequest): string | undefined {
    if (request.exclude.has(id)) { return 'tried' }
    const facts = request.facts(ref.node)
    if (facts == null) { return 'down' }
    const failed = failedConstraint(facts, request.constraints)
    if (failed != null) { return failed }
    if (this.instances.get(id)?.outlier.isEjected(request.now) === true) { return 'ejected' }
    return undefined
  }

  /** drops what it knows of actors that left the service, once they are more than a few */
  private prune (refs: readonly ActorRef[]): void {
    if (this.instances.size <= refs.length + PRUNE_SLACK) { return }
    const live = new Set(refs.map(ref => `${ref.node}/${ref.id}`))
    for (const [id, state] of this.instances) {
      if (!live.has(id) && state.inFlight === 0) { this.instances.delete(id) }
    }
  }
}

function splitId (id: string, ref?: ActorRef): [string, string] {
  if (ref != null) { return [ref.node, ref.id] }
  const slash = id.lastIndexOf('/')
  return [id.slice(0, slash), id.slice(slash + 1)]
}
