// What a node knows of one other cluster: the gateways to it among its own members, how each answered, and which
// are cut off from that cluster. A sans-IO core: the caller feeds it membership, answers and the time.
import { LatencyEstimate } from '../balancing/latency-estimate.ts'
import { RETRY_BUDGET_DEFAULTS, RetryBudget } from '../balancing/retry-budget.ts'
import { pick } from '../balancing/strategies.ts'
import type { RemoteClusterInfo } from './index.ts'
import type { Choice } from '../balancing/strategies.ts'

/**
 * The gateways a sender chooses among: the longest-lived usable ones, as Akka's oldest nodes carry the traffic
 * between data centres. Traffic concentrates on a few, and a gateway that just joined takes none until one goes.
 */
export const MAX_GATEWAYS_CONSIDERED = 3

/** One gateway to the cluster, as this node measured it. */
export interface GatewayState extends Choice {
  /** it failed a message it never took, or said it cannot reach the cluster: left out until a probe says otherwise */
  cutOff: boolean
  /** its last load report says it cannot reach the cluster: left out until one says otherwise */
  reportedCut: boolean
}

export interface ChooseGateway {
  /** gateways this call tried already */
  exclude: ReadonlySet<string>
  /** ms a member has been up, as it last reported; undefined before its first report (it then ranks youngest) */
  uptimeOf(id: string): number | undefined
  now: number
  /** uniform in [0, 1) */
  random(): number
}

export class RemoteCluster {
  readonly name: string
  /** retries to another gateway may add a share of the calls, as routed calls' retries do */
  readonly budget: RetryBudget
  /** the active members that advertise a gateway here */
  private readonly gateways = new Map<string, GatewayState>()
  /** members of any status that advertise one: a cluster stays known while its gateways are remembered */
  private advertised = 0

  constructor (name: string, now: number) {
    this.name = name
    this.budget = new RetryBudget(now, RETRY_BUDGET_DEFAULTS)
  }

  /**
   * The gateway members now: `active` alive or suspect, `advertised` how many of any status (the dead ones too), and
   * those whose last report says they cannot reach the cluster.
   */
  update (active: ReadonlySet<string>, advertised: number, now: number, reportedCut: ReadonlySet<string> = new Set()): void {
    this.advertised = advertised
    for (const id of this.gateways.keys()) {
      if (!active.has(id)) { this.gateways.delete(id) }
    }
    for (const id of active) {
      const state = this.gateways.get(id) ?? { id, inFlight: 0, latency: new LatencyEstimate(now), cutOff: false, reportedCut: false }
      state.reportedCut = reportedCut.has(id)
      this.gateways.set(id, state)
    }
  }

  /** whether any member, of any status, still advertises a gateway to the cluster */
  get known (): boolean {
    return this.advertised > 0
  }

  /** whether any active gateway is usable: not cut off, by this node's calls or by its own report */
  get reachable (): boolean {
    for (const state of this.gateways.values()) {
      if (usable(state)) { return true }
    }
    return false
  }

  get (id: string): GatewayState | undefined {
    return this.gateways.get(id)
  }

  /** the active gateways cut off now */
  cutOffIds (): string[] {
    return [...this.gateways.values()].filter(state => state.cutOff).map(state => state.id)
  }

  /** Leaves a gateway out until `restore`; false when it was out already, or is no active gateway. */
  cutOff (id: string): boolean {
    const state = this.gateways.get(id)
    if (state == null || state.cutOff) { return false }
    state.cutOff = true
    return true
  }

  /** Takes a gateway back; false when it was not cut off. */
  restore (id: string): boolean {
    const state = this.gateways.get(id)
    if (state?.cutOff !== true) { return false }
    state.cutOff = false
    return true
  }

  /**
   * The gateway for a call: of the longest-lived usable ones not tried yet, the better of two drawn at random by
   * latency per call in flight (the least-latency strategy of routed calls); undefined when none is left.
   */
  chooseForCall (request: ChooseGateway): GatewayState | undefined {
    const candidates = this.considered(request.uptimeOf).filter(state => !request.exclude.has(state.id))
    if (candidates.length === 0) { return undefined }
    return pick('least-latency', candidates, { now: request.now, random: request.random, nextTurn: () => 0 }) as GatewayState
  }

  /**
   * The gateway for a send to `key` (the target): one target's sends take one gateway while the gateways stay, so
   * they arrive in the order they were sent, and different targets spread over the gateways (rendezvous hashing).
   */
  chooseForSend (key: string, request: Omit<ChooseGateway, 'exclude'>): GatewayState | undefined {
    const candidates = this.considered(request.uptimeOf)
    if (candidates.length === 0) { return undefined }
    return pick('consistent-hash', candidates, { now: request.now, random: request.random, key, nextTurn: () => 0 }) as GatewayState
  }

  info (): RemoteClusterInfo {
    return { name: this.name, gateways: this.gateways.size, reachable: this.reachable }
  }

  /** the longest-lived usable gateways, at most MAX_GATEWAYS_CONSIDERED, oldest first (ties by peer id) */
  private considered (uptimeOf: ChooseGateway['uptimeOf']): GatewayState[] {
    const choices = [...this.gateways.values()].filter(usable)
    if (choices.length <= MAX_GATEWAYS_CONSIDERED) { return choices }
    const age = (state: GatewayState): number => uptimeOf(state.id) ?? -1
    return choices
      .sort((a, b) => age(b) - age(a) || (a.id < b.id ? -1 : 1))
      .slice(0, MAX_GATEWAYS_CONSIDERED)
  }
}

function usable (state: GatewayState): boolean {
  return !state.cutOff && !state.reportedCut
}
