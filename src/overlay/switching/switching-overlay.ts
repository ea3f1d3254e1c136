// An overlay that switches shape with the cluster's size, as a pure state machine: feed it the member count, the
// agreed servers, messages, link failures and time; send what it returns. HyParView runs in the full mesh and in
// partial views (the full mesh only adds the adapter's connections to every member), the client-server core in the
// client-server shape; the topology policy says which, with its hysteresis and settling time.
//
// A switch is make-before-break: the core of the new shape starts at once, and the core of the old one keeps its
// links for a grace period, and past it until the new core holds a link, before it leaves. Members count the size
// a little apart and switch seconds apart; the grace covers that spread, so a member that switched early still
// reaches, by its old links, the members that have not switched yet.
import { ClientServerCore } from '../client-server/client-server-core.ts'
import { HyParViewCore } from '../hyparview/hyparview-core.ts'
import { TopologyPolicy } from '../topology-policy.ts'
import { LinkUnion } from './link-union.ts'
import type { OverlayCoreName } from './link-union.ts'
import type { ClientServerConfig, ClientServerMessage, ServerView } from '../client-server/index.ts'
import type { HyParViewConfig, HyParViewMessage, OverlayEvent, Random } from '../hyparview/index.ts'
import type { Topology, TopologyChange, TopologyThresholds } from '../topology-policy.ts'

export type { OverlayCoreName }

/** A message of one of the two cores: the adapter carries each core's messages on that core's protocol. */
export type SwitchingMessage = { core: 'hyparview', message: HyParViewMessage } | { core: 'client-server', message: ClientServerMessage }

export interface SwitchingOutput {
  send: Array<{ to: string, message: SwitchingMessage }>
  /** links of either core, as one set */
  events: OverlayEvent[]
  /** the shape changed */
  changes: TopologyChange[]
}

/** ms the core of the shape left keeps its links after a switch (default 30 s, the policy's settling time) */
export const DEFAULT_SWITCH_GRACE = 30_000
/** ms without a HyParView link before a node joins again through another member (default 5 s) */
export const DEFAULT_REJOIN_AFTER = 5000
/** the grace is outlasted this many times over when the new core has no link yet: a node is not left linkless forever */
const GRACE_LIMIT = 4

export interface SwitchingOverlayInit {
  self: string
  now: number
  random: Random
  /** checked by resolveHyParViewConfig */
  hyparview: HyParViewConfig
  /** checked by resolveClientServerConfig */
  clientServer: ClientServerConfig
  thresholds?: Partial<TopologyThresholds>
  grace?: number
  rejoinAfter?: number
  /** the shape before the first switch (default 'full-mesh'); a node whose shape is fixed never observes a count */
  initial?: Topology
  /** a random member to join HyParView through, from membership */
  contact(): string | undefined
  /** see HyParViewCoreInit.members */
  members?(count: number): Iterable<string>
  /** see HyParViewCoreInit.inUse */
  inUse?(peer: string): boolean
}

export function coreOf (shape: Topology): OverlayCoreName {
  return shape === 'client-server' ? 'client-server' : 'hyparview'
}

export class SwitchingOverlay {
  private readonly init: SwitchingOverlayInit
  private readonly policy: TopologyPolicy
  private readonly grace: number
  private readonly rejoinAfter: number
  private readonly links = new LinkUnion()
  private hyparview: HyParViewCore | undefined
  private clientServer: ClientServerCore | undefined
  private view: ServerView = { servers: [] }
  /** the core of the shape left, and when the switch was */
  private retiring: { core: OverlayCoreName, since: number } | undefined
  /** since when HyParView, in force, has had no link */
  private aloneSince: number | undefined
  private out: SwitchingOutput = { send: [], events: [], changes: [] }
  private left = false

  constructor (init: SwitchingOverlayInit) {
    this.init = init
    this.policy = new TopologyPolicy(init.thresholds, init.initial ?? 'full-mesh', true)
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
    return (core === 'hyparview' ? this.hyparview : this.clientServer) != null
  }

  private get started (): boolean {
    return this.hyparview != null || this.clientServer != null || this.left
  }

  /** Whether the node left: every later call returns nothing. */
  get hasLeft (): boolean {
    return this.left
  }

  /** Whether the core of the shape left still holds links. */
  get switching (): boolean {
    return this.retiring != null
  }

  active (): string[] {
    return this.links.peers()
  }

  /** HyParView's passive view, while it runs */
  passive (): string[] {
    return this.hyparview?.passive() ?? []
  }

  /** the client-server role, while that core runs */
  get role (): 'server' | 'client' | undefined {
    return this.clientServer?.role
  }

  isActive (peer: string): boolean {
    return this.links.has(peer)
  }

  get activeCount (): number {
    return this.links.size
  }

  /**
   * Joins with the member count membership gave: the node takes the shape it calls for at once. The members may not
   * have switched to it yet (they wait a settling time, a newcomer does not), so where the size lies in the range
   * both shapes serve, the newcomer starts the other core too and retires it as after a switch: at 500 simulated
   * members, newcomers that took client-server at once sat alone for the 30 s until the members switched.
   * `membersShape`, the shape of the member it joins through, settles which shape holds where both could (see
   * TopologyPolicy.adopt).
   */
  start (members: number | undefined, now: number, membersShape?: Topology): SwitchingOutput {
    if (members != null) {
      const adopted = membersShape == null ? undefined : this.policy.adopt(membersShape, members, now)
      if (adopted != null) { this.out.changes.push(adopted) }
      this.decide(members, now)
    }
    const core = coreOf(this.shape)
    const other: OverlayCoreName = core === 'hyparview' ? 'client-server' : 'hyparview'
    if (members != null && (other === 'hyparview' || members > this.policy.thresholds.partialAtMost)) {
      this.startCore(other, now)
      this.retiring = { core: other, since: now }
    }
    this.startCore(core, now)
    return this.drain()
  }

  /** The member count as this node's membership has it now; a switch the policy calls for starts here. */
  observe (members: number, now: number): SwitchingOutput {
    if (!this.left) { this.decide(members, now) }
    return this.drain()
  }

  /** Whether the node is still taking its first shape (see TopologyPolicy.joining). */
  joining (now: number): boolean {
    return this.policy.joining(now)
  }

  /** Members heard of, as HyParView's passive candidates while it runs. */
  suggest (peers: Iterable<string>): void {
    this.hyparview?.suggest(peers)
  }

  /** A member known to be gone (declared dead, or left): out of both cores, and never asked again by HyParView. */
  forget (peer: string, now: number): SwitchingOutput {
    if (this.left) { return this.drain() }
    if (this.hyparview != null) { this.take('hyparview', this.hyparview.forget(peer, now)) }
    if (this.clientServer != null) { this.take('client-server', this.clientServer.linkFailed(peer, now)) }
    return this.drain()
  }

  /** Joins HyParView again at once, if it is in force and has no link: a first member was just heard of. */
  rejoin (now: number): SwitchingOutput {
    if (!this.left && this.hyparview != null && coreOf(this.shape) === 'hyparview' && this.hyparview.activeCount === 0) {
      this.aloneSince = now
      this.joinHyParView(now)
    }
    return this.drain()
  }

  /** The agreed servers, from the member list: kept while HyParView is in force, for a switch to client-server. */
  setView (view: ServerView, now: number): SwitchingOutput {
    this.view = view
    if (this.clientServer != null) { this.take('client-server', this.clientServer.setView(view, now)) }
    return this.drain()
  }

  /**
   * Handles one validated message; `from` must be the authenticated sender. A message for a core that does not run
   * here is refused with that core's own unlink (DISCONNECT, UNLINK): the sender drops the link it thinks it has,
   * rests this node and links elsewhere, as if this node were full.
   */
  receive (from: string, message: SwitchingMessage, now: number): SwitchingOutput {
    if (this.left) { return this.drain() }
    if (message.core === 'hyparview') {
      if (this.hyparview != null) {
        this.take('hyparview', this.hyparview.receive(from, message.message, now))
      } else if (message.message.type !== 'disconnect') {
        this.out.send.push({ to: from, message: { core: 'hyparview', message: { type: 'disconnect' } } })
      }
    } else if (this.clientServer != null) {
      this.take('client-server', this.clientServer.receive(from, message.message, now))
    } else if (message.message.type !== 'unlink') {
      this.out.send.push({ to: from, message: { core: 'client-server', message: { type: 'unlink' } } })
    }
    return this.drain()
  }

  /** A link or dial to `peer` failed: for one core's protocol, or for both when the connection broke. */
  linkFailed (peer: string, now: number, core?: OverlayCoreName): SwitchingOutput {
    if (core !== 'client-server' && this.hyparview != null) { this.take('hyparview', this.hyparview.linkFailed(peer, now)) }
    if (core !== 'hyparview' && this.clientServer != null) { this.take('client-server', this.clientServer.linkFailed(peer, now)) }
    return this.drain()
  }

  tick (now: number): SwitchingOutput {
    if (this.left) { return this.drain() }
    if (this.hyparview != null) { this.take('hyparview', this.hyparview.tick(now)) }
    if (this.clientServer != null) { this.take('client-server', this.clientServer.tick(now)) }
    this.retireIfDue(now)
    this.rejoinIfAlone(now)
    return this.drain()
  }

  /** Leaves both cores, telling every linked peer. */
  leave (now: number): SwitchingOutput {
    if (this.left) { return this.drain() }
    this.left = true
    this.stopCore('hyparview', now)
    this.stopCore('client-server', now)
    return this.drain()
  }

  private decide (members: number, now: number): void {
    const change = this.policy.observe(members, now)
    if (change == null) { return }
    this.out.changes.push(change)
    const from = coreOf(change.from)
    const to = coreOf(change.to)
    // before start() no core runs yet: start() starts the one of the shape taken
    if (from === to || !this.started) { return }
    // a switch back within the grace keeps the core that was retiring, and retires the other
    this.retiring = { core: from, since: now }
    this.startCore(to, now)
  }

  private startCore (core: OverlayCoreName, now: number): void {
    if (this.runs(core)) { return }
    if (core === 'client-server') {
      this.clientServer = new ClientServerCore({ self: this.init.self, config: this.init.clientServer })
      this.take('client-server', this.clientServer.setView(this.view, now))
      return
    }
    const { self, hyparview: config, random, members, inUse } = this.init
    this.hyparview = new HyParViewCore({ self, config, random, now, members, inUse })
    this.aloneSince = now
    this.joinHyParView(now)
  }

  private stopCore (core: OverlayCoreName, now: number): void {
    if (core === 'hyparview' && this.hyparview != null) {
      this.take('hyparview', this.hyparview.leave(now))
      this.hyparview = undefined
    } else if (core === 'client-server' && this.clientServer != null) {
      this.take('client-server', this.clientServer.leave())
      this.clientServer = undefined
    }
    this.out.events.push(...this.links.dropCore(core))
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
    const current = coreOf(this.shape) === 'hyparview' ? this.hyparview : this.clientServer
    if ((current?.activeCount ?? 0) === 0 && waited < GRACE_LIMIT * this.grace) { return }
    this.retiring = undefined
    this.stopCore(retiring.core, now)
  }

  /**
   * HyParView cannot bring back a node that lost every link (its passive view may hold only peers gone or switched
   * away): it joins again through a member, as the libp2p adapter does.
   */
  private rejoinIfAlone (now: number): void {
    if (this.hyparview == null || coreOf(this.shape) !== 'hyparview' || this.hyparview.activeCount > 0) {
      this.aloneSince = undefined
      return
    }
    this.aloneSince ??= now
    if (now - this.aloneSince < this.rejoinAfter) { return }
    this.aloneSince = now
    this.joinHyParView(now)
  }

  private joinHyParView (now: number): void {
    const contact = this.init.contact()
    if (contact != null && this.hyparview != null) { this.take('hyparview', this.hyparview.join(contact, now)) }
  }

  private take (core: OverlayCoreName, out: { send: Array<{ to: string, message: unknown }>, events: OverlayEvent[] }): void {
    for (const { to, message } of out.send) { this.out.send.push({ to, message: { core, message } as SwitchingMessage }) }
    for (const event of out.events) {
      const union = this.links.apply(core, event)
      if (union != null) { this.out.events.push(union) }
    }
  }

  private drain (): SwitchingOutput {
    const out = this.out
    this.out = { send: [], events: [], changes: [] }
    return out
  }
}
