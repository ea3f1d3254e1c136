// What this node knows of one service's actors: calls in flight, latency and failures of each, its round-robin turn
// and its retry budget. Each node balances on its own measures; nothing of this is gossiped.
import { failedConstraint } from './constraints.ts'
import { NoEligibleMemberError, ServiceNotFoundError } from './errors.ts'
import { LatencyEstimate } from './latency-estimate.ts'
import { EJECTION_DEFAULTS, OutlierState } from './outlier-ejection.ts'
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
/** a service of fewer actors is looked at whole on every call: cheap, and exact */
const DRAW_FROM = 16
/** draws before a call gives up drawing and looks at every actor (when nearly all are left out) */
const MAX_DRAWS = 16
/** how many actors each strategy draws, for those that can choose from a few */
const DRAWN: Partial<Record<BalancingStrategy, number>> = { random: 1, 'round-robin': 1, 'least-connections': 2, 'least-latency': 2 }

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
   * one out when none may take the call. The strategies that draw at random, and round robin, look at a few actors
   * only, so a call to a service of hundreds costs no more than one of five; the others, and a draw that keeps meeting
   * actors left out, look at every one.
   */
  choose (refs: readonly ActorRef[], request: ChooseRequest): InstanceState {
    if (refs.length === 0) { throw new ServiceNotFoundError(this.service) }
    this.size = refs.length
    this.prune(refs)
    const context = {
      now: request.now,
      random: request.random,
      key: request.key,
      nextTurn: () => this.turn++
    }
    const drawn = this.draw(refs, request)
    if (drawn != null) { return drawn.length === 1 ? drawn[0] : pick(request.strategy, drawn, context) as InstanceState }
    const eligible: InstanceState[] = []
    const excluded: Record<string, number> = {}
    for (const ref of refs) {
      const id = idOf(ref)
      const reason = this.exclusion(id, ref, request)
      if (reason == null) {
        eligible.push(this.instance(id, request.now, ref))
      } else {
        excluded[reason] = (excluded[reason] ?? 0) + 1
      }
    }
    if (eligible.length === 0) { throw new NoEligibleMemberError(this.service, excluded) }
    return pick(request.strategy, eligible, context) as InstanceState
  }

  instance (id: string, now: number, ref?: ActorRef): InstanceState {
    let state = this.instances.get(id)
    if (state == null) {
      const [node, actor] = splitId(id, ref)
      state = { id, ref: { node, id: actor }, inFlight: 0, latency: new LatencyEstimate(now), outlier: new OutlierState(now, this.ejection) }
      this.instances.set(id, state)
    }
    return state
  }

  /** `latency`: the answer's, divided by the calls in flight to the actor when it was sent plus one */
  answered (instance: InstanceState, latency: number, now: number): void {
    instance.latency.observe(latency, now)
    instance.outlier.succeeded(now)
  }

  /** `latency`: at least the call's whole timeout, so an actor that fails fast does not look fast */
  failed (instance: InstanceState, latency: number, now: number): void {
    instance.latency.penalize(latency, now)
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

  /**
   * The actors to choose between without looking at every one: one for `random`, two for the power of two choices,
   * the next eligible in turn for round robin; undefined when the service is small, the strategy needs every actor
   * (consistent hash), or no draw met an actor that may take the call.
   */
  private draw (refs: readonly ActorRef[], request: ChooseRequest): InstanceState[] | undefined {
    const wanted = DRAWN[request.strategy]
    if (wanted == null || refs.length < DRAW_FROM) { return undefined }
    const drawn: InstanceState[] = []
    for (let tries = 0; tries < MAX_DRAWS && drawn.length < wanted; tries++) {
      const index = request.strategy === 'round-robin' ? this.turn++ % refs.length : Math.floor(request.random() * refs.length)
      const ref = refs[index]
      const id = idOf(ref)
      if (drawn.some(state => state.id === id) || this.exclusion(id, ref, request) != null) { continue }
      drawn.push(this.instance(id, request.now, ref))
    }
    // one found where two were wanted: most actors are left out, and the one found is as good a pick as a scan's
    return drawn.length > 0 ? drawn : undefined
  }

  /** why the actor may not take this call, or undefined when it may */
  private exclusion (id: string, ref: ActorRef, request: ChooseRequest): string | undefined {
    if (request.exclude.has(id)) { return 'tried' }
    // without constraints the member's facts are not needed: the group drops a member's actors when it leaves
    const constrained = hasAny(request.constraints)
    const facts = constrained ? request.facts(ref.node) : undefined
    if (constrained && facts == null) { return 'down' }
    const failed = facts == null ? undefined : failedConstraint(facts, request.constraints)
    if (failed != null) { return failed }
    if (this.instances.get(id)?.outlier.isEjected(request.now) === true) { return 'ejected' }
    return undefined
  }

  /** drops what it knows of actors that left the service, once they are more than a few */
  private prune (refs: readonly ActorRef[]): void {
    if (this.instances.size <= refs.length + PRUNE_SLACK) { return }
    const live = new Set(refs.map(idOf))
    for (const [id, state] of this.instances) {
      if (!live.has(id) && state.inFlight === 0) { this.instances.delete(id) }
    }
  }
}

function idOf (ref: ActorRef): string {
  return `${ref.node}/${ref.id}`
}

function hasAny (constraints: RouteConstraints): boolean {
  for (const key in constraints) {
    if ((constraints as Record<string, unknown>)[key] != null) { return true }
  }
  return false
}

function splitId (id: string, ref?: ActorRef): [string, string] {
  if (ref != null) { return [ref.node, ref.id] }
  const slash = id.lastIndexOf('/')
  return [id.slice(0, slash), id.slice(slash + 1)]
}
