// When a starting node counts as joined: it has synced membership with another member, or discovery had its first
// say and found no one to join (or no one it found came within the grace period).
import { SECOND } from '../../config/units.ts'
import type { StrategyStatus } from '../../discovery/index.ts'

/**
 * ms after its start that a node whose discovery found peers, none of which joined, counts as joined alone: the
 * peers were stale listings (a pod being deleted). connect() waits as long for a peer to join.
 */
export const DEFAULT_JOIN_GRACE = 10 * SECOND

export interface JoinCheckComponents {
  /** active members other than this node */
  otherMembers(): number
  /** each discovery strategy's state */
  strategies(): StrategyStatus[]
  /** periodic mDNS queries that came due (sent or skipped); undefined when mDNS does not run */
  mdnsRounds(): number | undefined
  /** ms since the node started */
  uptime(): number
}

export interface JoinState {
  joined: boolean
  detail: string
}

/**
 * Joined means the node has the cluster's view, not that the cluster is whole: once joined it stays so, as a
 * node whose peers all crash or are cut off still serves. Until then it is joined when another member is active
 * (the SWIM join sync exchanged whole views with it, so it knows what that member knows); or no discovery runs
 * (members come only by connect(), nothing is awaited); or every strategy finished its first round (a polling
 * strategy answered or failed once, mDNS reached its first periodic query, a query interval after asking at
 * start) and found no other node, so it is the first one; or those rounds found peers but none joined within
 * DEFAULT_JOIN_GRACE of the start.
 */
export class JoinCheck {
  private readonly components: JoinCheckComponents
  private readonly grace: number
  private joinedBecause: string | undefined

  constructor (components: JoinCheckComponents, grace = DEFAULT_JOIN_GRACE) {
    this.components = components
    this.grace = grace
  }

  check (): JoinState {
    if (this.joinedBecause != null) { return { joined: true, detail: this.joinedBecause } }
    const state = this.evaluate()
    if (state.joined) { this.joinedBecause = state.detail }
    return state
  }

  private evaluate (): JoinState {
    const { components } = this
    const others = components.otherMembers()
    if (others > 0) { return { joined: true, detail: `membership synced with ${others} other member(s)` } }
    const strategies = components.strategies()
    if (strategies.length === 0) { return { joined: true, detail: 'no discovery runs: alone until connect()' } }
    const waiting = strategies.filter(s => !this.roundDone(s)).map(s => s.name)
    if (waiting.length > 0) { return { joined: false, detail: `waiting for the first discovery round of ${waiting.join(', ')}` } }
    const found = strategies.reduce((sum, s) => sum + s.candidates, 0)
    if (found === 0) { return { joined: true, detail: 'discovery found no other node: the first member' } }
    if (components.uptime() >= this.grace) {
      return { joined: true, detail: `discovery found ${found} peer(s), none joined within ${this.grace} ms: alone` }
    }
    return { joined: false, detail: `discovery found ${found} peer(s): waiting for a membership sync` }
  }

  private roundDone (strategy: StrategyStatus): boolean {
    if (strategy.name === 'mdns') { return strategy.lastSuccess != null || (this.components.mdnsRounds() ?? 0) > 0 }
    return strategy.lastSuccess != null || strategy.failures > 0
  }
}
