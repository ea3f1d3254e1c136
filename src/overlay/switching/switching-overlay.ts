// An overlay that switches shape with the cluster's size, as a pure state machine: feed it the member count, the
// agreed servers, messages, link failures and time; send what it returns. HyParView runs in the full mesh and in
// partial views (the full mesh only adds the adapter's connections to every member), the client-server core in the
// client-server shape; the topology policy says which, with its hysteresis and settling time.
//
// A switch is make-before-break: the core of the new shape starts at once, and the core of the old one keeps its
// links for a grace period, and past it until the new core holds a link, before it leaves. Members count the size
// a little apart and switch seconds apart; the grace covers that spread, so a member that switched early still
// reaches, by its old links, the members that have not switched yet.
import { TopologyPolicy } from '../topology-policy.ts'
import { OverlayCores } from './overlay-cores.ts'
import type { OverlayCoreName } from './link-union.ts'
import type { OverlayCoresInit, SwitchingMessage, SwitchingOutput } from './overlay-cores.ts'
import type { ServerView } from '../client-server/index.ts'
import type { Topology, TopologyThresholds } from '../topology-policy.ts'

export type { OverlayCoreName, SwitchingMessage, SwitchingOutput }

/** ms the core of the shape left keeps its links after a switch (default 30 s, the policy's settling time) */
export const DEFAULT_SWITCH_GRACE = 30_000
/** ms without a HyParView link before a node joins again through another member (default 5 s) */
export const DEFAULT_REJOIN_AFTER = 5000
/** the grace is outlasted this many times over when the new core has no link yet: a node is not left linkless forever */
const GRACE_LIMIT = 4

export interface SwitchingOverlayInit extends OverlayCoresInit {
  thresholds?: Partial<TopologyThresholds>
  grace?: number
  rejoinAfter?: number
  /** the shape before the first switch (default 'full-mesh'); a node whose shape is fixed never observes a count */
  initial?: Topology
  /** a random member to join HyParView through, from membership */
  contact(): string | undefined
}

export function coreOf (shape: Topology): OverlayCoreName {
  return shape === 'client-server' ? 'client-server' : 'hyparview'
}

export class SwitchingOverlay {
  private readonly policy: TopologyPolicy
  private readonly cores: OverlayCores
  private readonly contact: () => string | undefined
  private readonly grace: number
  private readonly rejoinAfter: number
  /** the core of the shape left, and when the switch was */
  private retiring: { core: OverlayCoreName, since: number } | undefined
  /** since when HyParView, in force, has had no link */
  private aloneSince: number | undefined
  /** since when a newcomer's client-server core has been finding out whether the members are in that shape */
  private probingSince: number | undefined
  /** the member count last observed */
  private members = 0
  /** when HyParView, started by a switch back from client-server, next asks a random member to link */
  private nextReachAt = 0
  private started = false
  private left = false

  constructor (init: SwitchingOverlayInit) {
    this.policy = new TopologyPolicy(init.thresholds, init.initial ?? 'full-mesh', true)
    this.cores = new OverlayCores(init)
    this.contact = init.contact
    this.grace = init.grace ?? DEFAULT_SWITCH_GRACE
    this.rejoinAfter = init.rejoinAfter ?? DEFAULT_REJOIN_AFTER
  }

  get shape (): Topology {
    return this.policy.current
  }

  get thresholds (): TopologyThresholds {
    return this.policy.thresholds
  }

  /** switches so far, the shape taken on joining included */
  get epoch (): number {
    return this.policy.epoch
  }

  /** Whether a core runs here: a message for a core that does not is refused (see receive). */
  runs (core: OverlayCoreName): boolean {
    return this.cores.runs(core)
  }

  /** Whether the node left: every later call returns nothing. */
  get hasLeft (): boolean {
    return this.left
  }

  /** Whether the core of the shape left still holds links. */
  get switching (): boolean {
    return this.retiring != null
  }

  /** the peers linked by either core */
  active (): string[] {
    return this.cores.active()
  }

  /** HyParView's passive view, while it runs */
  passive (): string[] {
    return this.cores.passive()
  }

  /** the client-server role, while that core runs */
  get role (): 'server' | 'client' | undefined {
    return this.cores.role
  }

  isActive (peer: string): boolean {
    return this.cores.isActive(peer)
  }

  get activeCount (): number {
    return this.cores.activeCount
  }

  /**
   * Joins with the member count membership gave: the node takes the shape it calls for at once. The members may not
   * have switched to it yet (they wait a settling time, a newcomer does not), so where the size lies in the range
   * both shapes serve, the newcomer starts the other core too and retires it as after a switch: at 500 simulated
   * members, newcomers that took client-server at once sat alone for the 30 s until the members switched.
   * `membersShape`, the shape of the member it joins through, settles which shape holds where both could (see
   * TopologyPolicy.adopt). Without a count (the libp2p adapter learns it later), the node starts in its initial shape.
   */
  start (members: number | undefined, now: number, membersShape?: Topology): SwitchingOutput {
    if (members != null) {
      const adopted = membersShape == null ? undefined : this.policy.adopt(membersShape, members, now)
      if (adopted != null) { this.cores.change(adopted) }
      this.decide(members, now)
    }
    this.started = true
    const core = coreOf(this.shape)
    const other: OverlayCoreName = core === 'hyparview' ? 'client-server' : 'hyparview'
    if (members != null && (other === 'hyparview' || members > this.policy.thresholds.partialAtMost)) {
      this.startCore(other, now)
      this.retiring = { core: other, since: now }
      if (other === 'client-server') { this.probingSince = now }
    }
    this.startCore(core, now)
    return this.cores.drain()
  }

  /** The member count as this node's membership has it now; a switch the policy calls for starts here. */
  observe (members: number, now: number): SwitchingOutput {
    if (!this.left) { this.decide(members, now) }
    return this.cores.drain()
  }

  /** Whether the node is still taking its first shape (see TopologyPolicy.joining). */
  joining (now: number): boolean {
    return this.policy.joining(now)
  }

  /** Members heard of, as HyParView's passive candidates while it runs. */
  suggest (peers: Iterable<string>): void {
    this.cores.suggest(peers)
  }

  /** A member known to be gone (declared dead, or left): out of both cores, and never asked again by HyParView. */
  forget (peer: string, now: number): SwitchingOutput {
    if (!this.left) { this.cores.forget(peer, now) }
    return this.cores.drain()
  }

  /** Joins HyParView again at once, if it is in force and has no link: a first member was just heard of. */
  rejoin (now: number): SwitchingOutput {
    if (!this.left && this.cores.runs('hyparview') && coreOf(this.shape) === 'hyparview' && this.cores.linksOf('hyparview') === 0) {
      this.aloneSince = now
      this.joinHyParView(now)
    }
    return this.cores.drain()
  }

  /** The agreed servers, from the member list: kept while HyParView is in force, for a switch to client-server. */
  setView (view: ServerView, now: number): SwitchingOutput {
    this.cores.setView(view, now)
    return this.cores.drain()
  }

  /**
   * Handles one validated message; `from` must be the authenticated sender. A message for a core that does not run
   * here is refused with that core's own unlink (see OverlayCores.receive).
   */
  receive (from: string, message: SwitchingMessage, now: number): SwitchingOutput {
    if (!this.left) { this.cores.receive(from, message, now) }
    return this.cores.drain()
  }

  /** A link or dial to `peer` failed: for one core's protocol, or for both when the connection broke. */
  linkFailed (peer: string, now: number, core?: OverlayCoreName): SwitchingOutput {
    if (!this.left) { this.cores.linkFailed(peer, now, core) }
    return this.cores.drain()
  }

  tick (now: number): SwitchingOutput {
    if (this.left) { return this.cores.drain() }
    this.cores.tick(now)
    this.adoptIfMembersServe(now)
    this.reachAcrossIfBack(now)
    this.retireIfDue(now)
    this.rejoinIfAlone(now)
    return this.cores.drain()
  }

  /** Leaves both cores, telling every linked peer. */
  leave (now: number): SwitchingOutput {
    if (this.left) { return this.cores.drain() }
    this.left = true
    this.cores.stop('hyparview', now)
    this.cores.stop('client-server', now)
    return this.cores.drain()
  }

  private decide (members: number, now: number): void {
    this.members = members
    const change = this.policy.observe(members, now)
    if (change == null) { return }
    this.cores.change(change)
    const from = coreOf(change.from)
    const to = coreOf(change.to)
    // before start() no core runs yet: start() starts the one of the shape taken
    if (!this.started) { return }
    if (from !== to) {
      // a switch back within the grace keeps the core that was retiring, and retires the other
      this.retiring = { core: from, since: now }
      this.startCore(to, now)
    } else if (change.joining && members > this.policy.thresholds.partialAtMost && !this.cores.runs('client-server')) {
      // a newcomer that learnt the size after it started (over libp2p): the members may be in client-server
      this.startCore('client-server', now)
      this.retiring = { core: 'client-server', since: now }
      this.probingSince = now
    }
  }

  /**
   * A newcomer whose client-server core found servers while HyParView found no member that speaks it, a rejoin
   * interval after it started looking, is in a cluster that is in client-server: it takes that shape (see
   * TopologyPolicy.adopt). Over libp2p a newcomer learns the size before any word of the members' shape, and one
   * that took partial views in the band where either shape holds was refused by every member it tried to join.
   */
  private adoptIfMembersServe (now: number): void {
    if (this.probingSince == null) { return }
    // the probe retired with its grace (HyParView found members that speak it), or the shape changed otherwise
    if (!this.cores.runs('client-server') || coreOf(this.shape) !== 'hyparview') {
      this.probingSince = undefined
      return
    }
    // a HyParView link may be one a member is about to refuse: the next tick looks again
    if (this.cores.linksOf('hyparview') > 0 || this.cores.linksOf('client-server') === 0 || now - this.probingSince < this.rejoinAfter) { return }
    this.probingSince = undefined
    const change = this.policy.adopt('client-server', this.members, now)
    if (change == null) { return }
    this.cores.change(change)
    this.retiring = { core: 'hyparview', since: now }
  }

  private startCore (core: OverlayCoreName, now: number): void {
    if (this.cores.runs(core)) { return }
    this.cores.start(core, now)
    if (core === 'hyparview') {
      this.aloneSince = now
      this.joinHyParView(now)
    }
  }

  /**
   * Every member starts HyParView afresh within seconds of the others after a switch back from client-server, and
   * the early ones can join only one another: 14 libp2p nodes back from client-server formed two groups of 7 whose
   * views held only each other, and the old links retired. While they still join everyone, HyParView asks a random
   * member to link every rejoinAfter, as a rotation does, so the groups' views cross.
   */
  private reachAcrossIfBack (now: number): void {
    // a newcomer's probe of client-server is no switch back: its HyParView joined like any newcomer's
    if (this.retiring?.core !== 'client-server' || this.probingSince != null || coreOf(this.shape) !== 'hyparview' || now < this.nextReachAt) { return }
    this.nextReachAt = now + this.rejoinAfter
    this.cores.reachMember(now)
  }

  /** The shape left stops once the grace has passed and the new core holds a link, or long past the grace anyway. */
  private retireIfDue (now: number): void {
    const retiring = this.retiring
    if (retiring == null || coreOf(this.shape) === retiring.core) {
      this.retiring = undefined
      return
    }
    const waited = now - retiring.since
    if (waited < this.grace) { return }
    if (this.cores.linksOf(coreOf(this.shape)) === 0 && waited < GRACE_LIMIT * this.grace) { return }
    this.retiring = undefined
    this.cores.stop(retiring.core, now)
  }

  /**
   * HyParView cannot bring back a node that lost every link (its passive view may hold only peers gone or switched
   * away): it joins again through a member, as the libp2p adapter does.
   */
  private rejoinIfAlone (now: number): void {
    if (!this.cores.runs('hyparview') || coreOf(this.shape) !== 'hyparview' || this.cores.linksOf('hyparview') > 0) {
      this.aloneSince = undefined
      return
    }
    this.aloneSince ??= now
    if (now - this.aloneSince < this.rejoinAfter) { return }
    this.aloneSince = now
    this.joinHyParView(now)
  }

  private joinHyParView (now: number): void {
    const contact = this.contact()
    if (contact != null) { this.cores.join(contact, now) }
  }
}
