// Which shape the overlay takes for the cluster's size: every member connected to every other while the cluster is
// small, HyParView's partial views past a threshold, a few servers most members link to past a larger one. Sans-IO:
// fed the agreed member count and the time, it answers when to switch and why.
//
// Each threshold has a lower one to come back by (hysteresis), and a size must hold for a settling time before a
// switch, so a cluster whose size hovers around a threshold switches once per real crossing, not at every join. A
// node that has just started is learning the cluster's size, not watching it change: it takes the shape the size
// calls for at once, or a newcomer to a cluster of hundreds would link to every member until the settling time passed.

export type Topology = 'full-mesh' | 'partial-view' | 'client-server'

export interface TopologyThresholds {
  /** partial views from this many members (default 64) */
  partialFrom: number
  /** back to a full mesh at this many or fewer (default 48) */
  fullMeshAtMost: number
  /** client-server from this many members (default 5,000) */
  clientServerFrom: number
  /** back to partial views at this many or fewer (default 4,000) */
  partialAtMost: number
  /** ms a size must call for another shape, without a break, before the switch (default 30 s: three shuffles) */
  settle: number
}

/**
 * memberlist changes its own behaviour above 32 members, Distributed Erlang meshes fail between 60 and 200 nodes,
 * partisan's HyParView is used up to about 2,000 and libp2p's connection manager caps at 300 connections: partial
 * views well before the cap, client-server once even a partial view's membership news costs more than a few
 * servers relaying it. The lower thresholds sit a quarter below, wider than the ±10% a cluster's size swings by
 * in rolling deploys and autoscaling.
 */
export const DEFAULT_TOPOLOGY_THRESHOLDS: Readonly<TopologyThresholds> = Object.freeze({
  partialFrom: 64,
  fullMeshAtMost: 48,
  clientServerFrom: 5000,
  partialAtMost: 4000,
  settle: 30_000
})

export interface TopologyChange {
  from: Topology
  to: Topology
  /** the member count that called for it, and for how long */
  members: number
  /** counts every switch: a node that hears of a switch with a lower epoch than its own ignores it */
  epoch: number
  /** the node took its first shape while joining, learning the size rather than watching it change */
  joining: boolean
  reason: string
}

export class InvalidTopologyThresholdsError extends Error {
  static readonly name = 'InvalidTopologyThresholdsError'

  constructor (message: string) {
    super(`invalid topology thresholds: ${message}`)
    this.name = 'InvalidTopologyThresholdsError'
  }
}

export function checkThresholds (t: TopologyThresholds): TopologyThresholds {
  const numbers = Object.entries(t).filter(([, value]) => !Number.isFinite(value) || value < 0).map(([key]) => key)
  if (numbers.length > 0) { throw new InvalidTopologyThresholdsError(`${numbers.join(', ')} must be numbers of at least 0`) }
  if (!(t.fullMeshAtMost < t.partialFrom)) { throw new InvalidTopologyThresholdsError('fullMeshAtMost must be below partialFrom, or sizes between flip back and forth') }
  if (!(t.partialAtMost < t.clientServerFrom)) { throw new InvalidTopologyThresholdsError('partialAtMost must be below clientServerFrom') }
  if (!(t.partialFrom <= t.partialAtMost)) { throw new InvalidTopologyThresholdsError('partialFrom must not exceed partialAtMost') }
  return t
}

export class TopologyPolicy {
  readonly thresholds: TopologyThresholds
  private shape: Topology
  private epochs = 0
  /** every switch so far was taken on joining: the node has not watched the size change yet */
  private onlyJoining = true
  /** the shape the size calls for, and since when, while it differs from the one in force */
  private pending: { to: Topology, since: number } | undefined
  /** whether the node takes its first shape at once: see joining() */
  private readonly joins: boolean
  /** when the node first counted another member */
  private firstContact: number | undefined

  /**
   * `joins` makes the first switch immediate while the node is joining (a newcomer learning the size): until one
   * settling time after it first counted another member. From its start instead, a newcomer on a busy cluster that
   * took longer than that to hear from its seed would sit in the full mesh a settling time, dialling every member.
   */
  constructor (thresholds: Partial<TopologyThresholds> = {}, initial: Topology = 'full-mesh', joins = false) {
    this.thresholds = checkThresholds({ ...DEFAULT_TOPOLOGY_THRESHOLDS, ...thresholds })
    this.shape = initial
    this.joins = joins
  }

  get current (): Topology {
    return this.shape
  }

  get epoch (): number {
    return this.epochs
  }

  /** The shape `members` calls for, seen from the one in force: each way has its own threshold. */
  wanted (members: number): Topology {
    const t = this.thresholds
    switch (this.shape) {
      case 'full-mesh':
        return members >= t.clientServerFrom ? 'client-server' : members >= t.partialFrom ? 'partial-view' : 'full-mesh'
      case 'partial-view':
        return members >= t.clientServerFrom ? 'client-server' : members <= t.fullMeshAtMost ? 'full-mesh' : 'partial-view'
      default:
        return members <= t.fullMeshAtMost ? 'full-mesh' : members <= t.partialAtMost ? 'partial-view' : 'client-server'
    }
  }

  /** The agreed member count now; a change when the shape to switch to has been called for long enough. */
  observe (members: number, now: number): TopologyChange | undefined {
    if (members > 1) { this.firstContact ??= now }
    const to = this.wanted(members)
    if (to === this.shape) {
      this.pending = undefined
      return undefined
    }
    if (this.pending?.to !== to) {
      this.pending = { to, since: now }
    }
    const joining = this.joining(now)
    if (!joining && now - this.pending.since < this.thresholds.settle) { return undefined }
    const from = this.shape
    this.shape = to
    this.pending = undefined
    this.epochs++
    if (!joining) { this.onlyJoining = false }
    const held = joining ? 'on joining' : `for ${this.thresholds.settle / 1000} s`
    return { from, to, members, epoch: this.epochs, joining, reason: `${members} members ${held}: ${describe(from, to, this.thresholds)}` }
  }

  /**
   * A newcomer told which shape the members are in takes it, if the size it counts lies where that shape holds:
   * which shape holds inside a hysteresis band is the cluster's history, and a newcomer has none. Counted alone, 450
   * members call for partial views; a cluster that grew past 500 and shrank back to 450 is in client-server, and
   * newcomers that took partial views there sat alone, or linked only to one another, until the next crossing.
   * A node that only took shapes on joining so far may still adopt one: it learns the members' shape after its size.
   */
  adopt (shape: Topology, members: number, now: number): TopologyChange | undefined {
    if (!this.onlyJoining || shape === this.shape) { return undefined }
    const from = this.shape
    this.shape = shape
    if (this.wanted(members) !== shape) {
      this.shape = from
      return undefined
    }
    if (members > 1) { this.firstContact ??= now }
    this.pending = undefined
    this.epochs++
    return { from, to: shape, members, epoch: this.epochs, joining: true, reason: `${members} members on joining: the shape the members are in` }
  }

  /**
   * Whether this node is still taking its first shape: it has not counted another member yet, or first did within
   * one settling time, and it never switched.
   */
  joining (now: number): boolean {
    return this.joins && this.epochs === 0 && (this.firstContact == null || now - this.firstContact < this.thresholds.settle)
  }
}

function describe (from: Topology, to: Topology, t: TopologyThresholds): string {
  if (to === 'partial-view' && from === 'full-mesh') { return `at least ${t.partialFrom}, past what a full mesh serves` }
  if (to === 'partial-view') { return `at most ${t.partialAtMost}, back within what partial views serve` }
  if (to === 'full-mesh') { return `at most ${t.fullMeshAtMost}, small enough for every member to link to every other` }
  return `at least ${t.clientServerFrom}, past what partial views serve`
}
