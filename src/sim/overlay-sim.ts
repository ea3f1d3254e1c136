// Ten thousand nodes in one process: the real overlay and Plumtree cores of each (HyParView's partial views, the
// client-server shape, or both switched by the cluster's size), on one scheduler's virtual time, over a network with
// seeded delays, crashes, graceful leaves and cuts. A node learns that a link broke as over TCP: a message to a
// crashed or cut-off peer is lost, and the sender's link to it fails a detection delay later.
import { createHash } from 'node:crypto'
import { randomInt, seededRandom } from '../membership/swim/random.ts'
import { ClientServerCore, resolveClientServerConfig } from '../overlay/client-server/index.ts'
import { HyParViewCore, resolveHyParViewConfig } from '../overlay/hyparview/index.ts'
import { DEFAULT_PLUMTREE_CONFIG, PlumtreeCore } from '../overlay/plumtree/index.ts'
import { SwitchingOverlay } from '../overlay/switching/index.ts'
import { AgreedServers } from './agreed-servers.ts'
import { LinkDelays } from './link-delays.ts'
import { Scheduler } from './scheduler.ts'
import { SimMembers } from './sim-members.ts'
import { createOverlay, leaveOverlay, receiveOverlay, stateOf } from './sim-overlays.ts'
import type { MemberCounts } from './member-counts.ts'
import type { BroadcastTally, OverlayNode, OverlaySimInit } from './overlay-sim-init.ts'
import type { SimOverlayMessage, SimOverlayOutput } from './sim-overlays.ts'
import type { ClientServerConfig, ServerView } from '../overlay/client-server/index.ts'
import type { HyParViewConfig } from '../overlay/hyparview/index.ts'
import type { BroadcastOutput, PlumtreeConfig, PlumtreeMessage } from '../overlay/plumtree/index.ts'

export type { BroadcastTally, OverlayNode, OverlaySimInit } from './overlay-sim-init.ts'

type Wire = { layer: 'overlay', message: SimOverlayMessage } | { layer: 'broadcast', message: PlumtreeMessage }

export class OverlaySim {
  readonly scheduler: Scheduler
  private readonly members: SimMembers
  private readonly hyparview: HyParViewConfig
  /** the agreed servers, in the client-server shape or one that may switch to it */
  private readonly agreed: AgreedServers | undefined
  private agreedView: ServerView = { servers: [] }
  private readonly init: OverlaySimInit
  private readonly clientServer: ClientServerConfig
  private readonly plumtree: PlumtreeConfig
  private readonly failureDetection: number
  private readonly rejoinAfter: number
  private readonly membershipDelay: number
  private readonly random: () => number
  private readonly delays: LinkDelays
  /** links that carry nothing, both ways; see partition() */
  private cut: ((a: number, b: number) => boolean) | undefined
  /** messages sent, by layer */
  readonly sent = { overlay: 0, broadcast: 0 }
  /** every broadcast id's deliveries and payload copies, kept as they happen: a check reads one entry, not every node */
  readonly tallies = new Map<string, BroadcastTally>()

  constructor (init: OverlaySimInit) {
    this.init = init
    this.scheduler = new Scheduler(init.seed)
    this.random = seededRandom(init.seed ^ 0x0f1a7)
    this.hyparview = resolveHyParViewConfig(init.hyparview)
    this.clientServer = resolveClientServerConfig(init.clientServer)
    this.agreed = init.shape === 'client-server' || init.shape === 'auto' ? new AgreedServers(this.clientServer) : undefined
    this.plumtree = { ...DEFAULT_PLUMTREE_CONFIG, ...init.plumtree }
    this.delays = new LinkDelays(this.random, init.latency ?? [10, 100], init.jitter ?? 10)
    this.failureDetection = init.failureDetection ?? 1000
    this.rejoinAfter = init.rejoinAfter ?? 5000
    this.membershipDelay = init.membershipDelay ?? 5000
    this.members = new SimMembers(this.random, this.membershipDelay)
    const clock = this.scheduler.clock()
    clock.every(init.tickInterval ?? 100, () => { this.tickBroadcast() })
    clock.every(init.overlayTickInterval ?? 500, () => { this.tickOverlay() })
  }

  get now (): number {
    return this.scheduler.now
  }

  get seed (): number {
    return this.scheduler.seed
  }

  /** every node that ever joined, in the order it did */
  get nodes (): OverlayNode[] {
    return this.members.nodes
  }

  /** the true member count over time */
  get counts (): MemberCounts {
    return this.members.counts
  }

  up (): OverlayNode[] {
    return this.nodes.filter(node => node.up)
  }

  /**
   * Adds `count` nodes, one every `spacing` ms, each joining through a random node that is up (partial views) or
   * linking once the member list names it (client-server).
   */
  grow (count: number, spacing = 5): void {
    for (let i = 0; i < count; i++) {
      const node = this.add()
      if (node.overlay instanceof HyParViewCore) {
        const contact = this.members.contact(node)
        if (contact != null) { this.feedOverlay(node, node.overlay.join(contact.id, this.now)) }
      } else if (node.overlay instanceof SwitchingOverlay) {
        // a newcomer receives the member list on joining: it counts the members, and knows the servers, at once
        node.overlay.setView(this.agreedView, this.now)
        const contact = this.members.contact(node)?.overlay
        const membersShape = contact instanceof SwitchingOverlay ? contact.shape : undefined
        this.feedOverlay(node, node.overlay.start(this.members.size, this.now, membersShape))
        this.membersChanged()
      } else {
        this.membersChanged()
      }
      this.scheduler.runSync(spacing)
    }
  }

  /** Crashes these nodes at once: no goodbye; their peers notice as their links fail, and membership after a while. */
  crash (nodes: OverlayNode[]): void {
    for (const node of nodes) { this.members.down(node, this.now) }
    for (const node of nodes) {
      for (const peer of node.overlay.active()) { this.linkBreaks(this.members.get(peer), node) }
    }
    this.membersChanged()
  }

  /** These nodes leave gracefully: each tells its linked peers, and the farewells arrive after it has gone. */
  leave (nodes: OverlayNode[]): void {
    for (const node of nodes) {
      if (!node.up) { continue }
      this.feedOverlay(node, leaveOverlay(node.overlay, this.now))
      node.left = true
      this.members.down(node, this.now)
    }
    this.membersChanged()
  }

  /** Client-server: the agreed member list reaches every node up a detection delay after a change. */
  private membersChanged (): void {
    const agreed = this.agreed
    if (agreed == null || agreed.markChanged()) { return }
    this.scheduler.after(this.failureDetection, () => {
      const up = this.up()
      const view = agreed.view(up.map(node => node.id))
      this.agreedView = view
      for (const node of up) {
        if (node.overlay instanceof ClientServerCore || node.overlay instanceof SwitchingOverlay) { this.feedOverlay(node, node.overlay.setView(view, this.now)) }
      }
    })
  }

  /** Cuts every link between the two groups; the links across break, as on a real cut, after the detection delay. */
  partition (a: OverlayNode[], b: OverlayNode[]): void {
    const side = new Uint8Array(this.nodes.length)
    for (const node of a) { side[node.index] = 1 }
    for (const node of b) { side[node.index] = 2 }
    this.cut = (x, y) => side[x] !== 0 && side[y] !== 0 && side[x] !== side[y]
    for (const node of [...a, ...b]) {
      for (const peer of node.overlay.active()) {
        const other = this.members.get(peer)
        if (other != null && this.cut(node.index, other.index)) { this.linkBreaks(node, other) }
      }
    }
  }

  heal (): void {
    this.cut = undefined
  }

  /** Sends a broadcast from `origin` now. */
  broadcastFrom (origin: OverlayNode, id: string, payload: unknown = id): void {
    this.deliverAll(origin, origin.broadcast.broadcast(id, payload, this.now))
  }

  run (ms: number): void {
    this.scheduler.runSync(ms)
  }

  runUntil (done: () => boolean, ms: number): boolean {
    return this.scheduler.runUntilSync(done, ms)
  }

  node (id: string): OverlayNode | undefined {
    return this.members.get(id)
  }

  tallyOf (id: string): BroadcastTally {
    let tally = this.tallies.get(id)
    if (tally == null) {
      tally = { delivered: 0, payloads: 0, lastHop: 0 }
      this.tallies.set(id, tally)
    }
    return tally
  }

  private add (): OverlayNode {
    const index = this.nodes.length
    const id = `n${index}`
    const broadcast = new PlumtreeCore({ self: id, config: this.plumtree, now: this.now })
    const node: OverlayNode = {
      id,
      index,
      overlay: createOverlay(this.init.shape ?? 'partial-view', {
        self: id,
        now: this.now,
        random: () => seededRandom(randomInt(this.random, 2 ** 32)),
        hyparview: this.hyparview,
        clientServer: this.clientServer,
        thresholds: this.init.switching?.thresholds,
        grace: this.init.switching?.grace,
        rejoinAfter: this.rejoinAfter,
        contact: () => this.members.contact(this.members.get(id))?.id,
        members: (count) => this.members.sample(id, count, this.now),
        inUse: (peer) => broadcast.carriesPayloads(peer, this.now)
      }),
      broadcast,
      up: true,
      delivered: new Map(),
      duplicates: 0,
      changes: [],
      // membership tells a node of a change after a detection delay, and its gossip spreads it over a few more seconds
      countLag: this.init.shape === 'auto' ? this.failureDetection + this.random() * Math.max(0, this.membershipDelay - this.failureDetection) : 0
    }
    this.members.add(node, this.now)
    return node
  }

  /**
   * A digest of every node's views, deliveries and the messages sent: two runs of one seed give the same, a
   * change in any core's behaviour almost surely another.
   */
  fingerprint (): string {
    const hash = createHash('sha256')
    for (const node of this.nodes) {
      hash.update(`${node.id} ${node.up ? 1 : 0} ${node.overlay.active().sort().join(',')} | ${stateOf(node.overlay)} | ${node.delivered.size}\n`)
    }
    hash.update(`${this.now} ${this.sent.overlay} ${this.sent.broadcast}`)
    return hash.digest('hex').slice(0, 16)
  }

  private tickBroadcast (): void {
    for (const node of this.nodes) {
      if (node.up) { this.deliverAll(node, node.broadcast.tick(this.now)) }
    }
  }

  private tickOverlay (): void {
    for (const node of this.nodes) {
      if (!node.up) { continue }
      if (node.overlay instanceof SwitchingOverlay) { this.feedOverlay(node, node.overlay.observe(this.counts.at(this.now - node.countLag), this.now)) }
      this.feedOverlay(node, node.overlay.tick(this.now))
      this.rejoinIfAlone(node)
    }
  }

  private rejoinIfAlone (node: OverlayNode): void {
    // a client-server node links from the member list alone
    if (!(node.overlay instanceof HyParViewCore)) { return }
    if (node.overlay.activeCount > 0) {
      node.aloneSince = undefined
      return
    }
    node.aloneSince ??= this.now
    if (this.now - node.aloneSince < this.rejoinAfter) { return }
    node.aloneSince = this.now
    const contact = this.members.contact(node)
    if (contact != null) { this.feedOverlay(node, node.overlay.join(contact.id, this.now)) }
  }

  private feedOverlay (node: OverlayNode, out: SimOverlayOutput): void {
    for (const { to, message } of out.send) { this.carry(node, to, { layer: 'overlay', message }) }
    if ('changes' in out) { node.changes.push(...out.changes) }
    for (const event of out.events) {
      const changed = event.type === 'up' ? node.broadcast.neighborUp(event.peer, this.now) : node.broadcast.neighborDown(event.peer, this.now)
      this.deliverAll(node, changed)
    }
  }

  private deliverAll (node: OverlayNode, out: BroadcastOutput): void {
    for (const { to, message } of out.send) { this.carry(node, to, { layer: 'broadcast', message }) }
    for (const delivery of out.deliver) {
      if (node.delivered.has(delivery.id)) {
        node.duplicates++
        continue
      }
      node.delivered.set(delivery.id, delivery.hops)
      const tally = this.tallyOf(delivery.id)
      tally.delivered++
      tally.lastHop = Math.max(tally.lastHop, delivery.hops)
    }
  }

  /** Schedules a message; one to a node that is down or across a cut is lost and its link fails at the sender. */
  private carry (from: OverlayNode, to: string, wire: Wire): void {
    this.sent[wire.layer]++
    const target = this.members.get(to)
    const at = this.arrival(from, target)
    this.scheduler.after(at - this.now, () => {
      // a node that left gracefully is down, but its farewells were on their way
      if (!from.up && from.left !== true) { return }
      if (target == null || !target.up || this.cut?.(from.index, target.index) === true) {
        this.linkBreaks(from, target, to)
        return
      }
      if (wire.layer === 'broadcast' && wire.message.type === 'gossip') { this.tallyOf(wire.message.id).payloads++ }
      if (wire.layer === 'overlay') {
        this.feedOverlay(target, receiveOverlay(target.overlay, from.id, wire.message, this.now))
      } else {
        this.deliverAll(target, target.broadcast.receive(from.id, wire.message, this.now))
      }
    })
  }

  /** When a message sent now from `from` to `to` arrives: after its link's delay and some jitter, never before the previous one. */
  private arrival (from: OverlayNode, to: OverlayNode | undefined): number {
    return this.delays.arrival(from.index, to?.index, this.now)
  }

  /** `node`'s link to `peer` fails a detection delay from now, unless `node` is down by then. */
  private linkBreaks (node: OverlayNode | undefined, peer: OverlayNode | undefined, peerId = peer?.id): void {
    if (node == null || peerId == null) { return }
    this.scheduler.after(this.failureDetection, () => {
      if (node.up) { this.feedOverlay(node, node.overlay.linkFailed(peerId, this.now)) }
    })
  }
}
