// The overlay over libp2p: drives the sans-IO switching core (HyParView, and the client-server core past its
// threshold) with real timers, one stream per peer and core, and the host's connection events; announces which peers
// enter and leave the node's links, and which shape the member count calls for.
import { TypedEventEmitter } from '@libp2p/interface'
import { randomInt, sample, seededRandom } from '../../membership/swim/random.ts'
import { resolveClientServerConfig } from '../client-server/client-server-config.ts'
import { resolveHyParViewConfig, viewSizesFor } from '../hyparview/hyparview-config.ts'
import { SwitchingOverlay } from '../switching/switching-overlay.ts'
import { CoreStreams } from './core-streams.ts'
import { MemberServers } from './member-servers.ts'
import type { Member, Membership } from '../../membership/index.ts'
import type { Host } from '../../node/create-host.ts'
import type { DialYield } from '../../node/pair-dial.ts'
import type { ClientServerConfig } from '../client-server/client-server-config.ts'
import type { HyParViewConfig } from '../hyparview/hyparview-config.ts'
import type { OverlayCoreName, SwitchingMessage, SwitchingOutput } from '../switching/switching-overlay.ts'
import type { Topology, TopologyChange, TopologyThresholds } from '../topology-policy.ts'
import type { ComponentLogger, Logger, PeerId, Startable } from '@libp2p/interface'

export interface OverlayComponents {
  host: Host
  membership: Membership
  logger: ComponentLogger
  /** how long the higher id of a pair waits for the other's dial (see pair-dial.ts) */
  dialYield?: DialYield
  /** true for a neighbour whose link carries traffic of the layers above: a full view evicts another first */
  inUse?(peer: string): boolean
}

export interface OverlayInit {
  cluster: string
  maxFrameSize: number
  /** HyParView's settings; the view sizes default to what viewSizesFor gives the expected cluster size */
  hyparview?: Partial<HyParViewConfig>
  /** the client-server shape's settings */
  clientServer?: Partial<ClientServerConfig>
  /** the sizes that call for each shape (checked by TopologyPolicy) */
  thresholds?: Partial<TopologyThresholds>
  /** the shape before the first switch (default 'full-mesh'); a fixed shape never switches */
  initial?: Topology
  /** ms the links of the shape left are kept after a switch (default 30 s, DEFAULT_SWITCH_GRACE) */
  grace?: number
  /** the cluster size the view sizes are chosen for (default 1,000: active view 4, passive 30) */
  expectedSize?: number
  /** ms between the core's ticks (default 250) */
  tickInterval?: number
  /** ms between two joins while HyParView has no link (default 2 s) */
  rejoinInterval?: number
  /** ms the leave may take to reach the linked peers (default 1 s) */
  leaveTimeout?: number
}

export interface OverlayEvents {
  /** a peer became linked, by either core: the link to it is one the overlay keeps */
  'neighbor:up': CustomEvent<string>
  /** a peer is linked by neither core any more */
  'neighbor:down': CustomEvent<string>
}

export interface OverlayStats {
  /** joins of HyParView this node started: the first, and each rejoin after it ran out of links */
  joins: number
  /** links that broke, and dials to would-be neighbours that failed */
  linkFailures: number
  /** overlay messages sent and received, both cores */
  sent: number
  received: number
}

const DEFAULT_EXPECTED_SIZE = 1000
const DEFAULT_TICK_INTERVAL = 250
const DEFAULT_REJOIN_INTERVAL = 2000
/**
 * A NEIGHBOR to a passive peer waits for a dial, a handshake, identify and a round trip: 1 s (the core's default)
 * timed out most of them on a busy machine, and each reply that came later was undone with a DISCONNECT, which
 * left links open on one side only until the other's link keeper closed them
 */
const DEFAULT_NEIGHBOR_TIMEOUT = 3000
const DEFAULT_LEAVE_TIMEOUT = 1000

/**
 * The transport is the overlay's failure detector, as in HyParView's paper: a closed connection or a stream that
 * cannot be opened reports the link failed. Membership is the second one: a member declared dead or gone leaves
 * every view even if its connection lingers. Membership also gives the member list the client-server core takes its
 * servers from, and the members HyParView joins through.
 */
export class Libp2pOverlay extends TypedEventEmitter<OverlayEvents> implements Startable {
  readonly stats: OverlayStats = { joins: 0, linkFailures: 0, sent: 0, received: 0 }
  readonly config: HyParViewConfig
  readonly clientServerConfig: ClientServerConfig
  private readonly components: OverlayComponents
  private readonly init: OverlayInit
  private readonly self: string
  private readonly tickInterval: number
  private readonly rejoinInterval: number
  private readonly leaveTimeout: number
  private readonly random = seededRandom(crypto.getRandomValues(new Uint32Array(1))[0])
  private readonly streams: CoreStreams
  private readonly servers: MemberServers
  private readonly log: Logger
  private core: SwitchingOverlay
  /** shape changes the core made outside observe (a newcomer adopting the members' shape), for the next observe */
  private changes: TopologyChange[] = []
  private timer: ReturnType<typeof setInterval> | undefined
  private running = false

  constructor (components: OverlayComponents, init: OverlayInit) {
    super()
    this.components = components
    this.init = init
    this.self = components.host.peerId.toString()
    this.config = resolveHyParViewConfig({
      ...viewSizesFor(init.expectedSize ?? DEFAULT_EXPECTED_SIZE),
      neighborTimeout: DEFAULT_NEIGHBOR_TIMEOUT,
      ...init.hyparview
    })
    this.clientServerConfig = resolveClientServerConfig(init.clientServer)
    this.tickInterval = init.tickInterval ?? DEFAULT_TICK_INTERVAL
    this.rejoinInterval = init.rejoinInterval ?? DEFAULT_REJOIN_INTERVAL
    this.leaveTimeout = init.leaveTimeout ?? DEFAULT_LEAVE_TIMEOUT
    this.log = components.logger.forComponent('foundation:overlay')
    this.core = this.createCore()
    this.servers = new MemberServers(components.membership, this.self, this.clientServerConfig)
    this.streams = new CoreStreams({
      host: components.host,
      cluster: init.cluster,
      maxFrameSize: init.maxFrameSize,
      log: this.log,
      dialYield: components.dialYield,
      receive: (from, message) => { this.receive(from, message) },
      onBroken: (peer, core) => { this.linkFailed(peer, core) }
    })
  }

  readonly [Symbol.toStringTag] = 'foundation:overlay'

  /** the peers whose links the overlay keeps, by either core */
  active (): string[] {
    return this.core.active()
  }

  /** HyParView's passive view, while it runs */
  passive (): string[] {
    return this.core.passive()
  }

  isActive (peer: string): boolean {
    return this.core.isActive(peer)
  }

  get shape (): Topology {
    return this.core.shape
  }

  get thresholds (): TopologyThresholds {
    return this.core.thresholds
  }

  /** switches so far */
  get epoch (): number {
    return this.core.epoch
  }

  /** whether the core of the shape left still holds its links, after a switch */
  get switching (): boolean {
    return this.core.switching
  }

  /** 'server' or 'client' in the client-server shape */
  get role (): 'server' | 'client' | undefined {
    return this.core.role
  }

  joining (): boolean {
    return this.core.joining(performance.now())
  }

  /** frames from peers that were malformed or oversize; each reset its stream */
  get invalidFrames (): number {
    return this.streams.invalidFrames
  }

  isStarted (): boolean {
    return this.running
  }

  async start (): Promise<void> {
    if (this.running) { return }
    // a stopped overlay has told its peers it left: coming back is a new life with empty views
    if (this.core.hasLeft) { this.core = this.createCore() }
    await this.streams.start()
    this.running = true
    const { host, membership } = this.components
    host.addEventListener('peer:disconnect', this.onDisconnect)
    membership.addEventListener('member:join', this.onMember)
    membership.addEventListener('member:leave', this.onLeave)
    this.servers.markChanged()
    this.updateServers()
    this.feed(this.core.start(undefined, performance.now()))
    this.core.suggest(this.aliveMembers())
    this.timer = setInterval(() => { this.tick() }, this.tickInterval)
    this.tick()
  }

  async stop (): Promise<void> {
    if (!this.running) { return }
    const { host, membership } = this.components
    clearInterval(this.timer)
    host.removeEventListener('peer:disconnect', this.onDisconnect)
    membership.removeEventListener('member:join', this.onMember)
    membership.removeEventListener('member:leave', this.onLeave)
    const { send } = this.core.leave(performance.now())
    for (const { to, message } of send) { this.send(to, message) }
    this.running = false
    await this.streams.flush(send, { signal: AbortSignal.timeout(this.leaveTimeout) })
    await this.streams.stop()
  }

  /** The member count as membership has it now; the switches made since the last call, already under way. */
  observe (members: number): TopologyChange[] {
    if (!this.running) { return [] }
    this.feed(this.core.observe(members, performance.now()))
    const changes = this.changes
    this.changes = []
    return changes
  }

  private createCore (): SwitchingOverlay {
    return new SwitchingOverlay({
      self: this.self,
      random: this.random,
      hyparview: this.config,
      clientServer: this.clientServerConfig,
      thresholds: this.init.thresholds,
      initial: this.init.initial,
      grace: this.init.grace,
      rejoinAfter: this.rejoinInterval,
      contact: () => this.contact(),
      members: (count) => sample(this.random, this.aliveMembers(), count),
      inUse: (peer) => this.components.inUse?.(peer) === true
    })
  }

  private aliveMembers (): string[] {
    return this.components.membership.members().filter(m => m.status === 'alive' && m.id !== this.self).map(m => m.id)
  }

  /**
   * A random alive member to join HyParView through. Not one already connected, though its link would cost no dial:
   * every node of a cluster that starts at once is connected to the same seed first, and the seed, adding each
   * newcomer to its active view and walking it on, would evict a link per join, so the overlay would settle only
   * long after.
   */
  private contact (): string | undefined {
    const alive = this.aliveMembers()
    if (alive.length === 0) { return undefined }
    const contact = alive[randomInt(this.random, alive.length)]
    this.stats.joins++
    this.log('joining through %s', contact)
    return contact
  }

  private updateServers (): void {
    const view = this.servers.viewIfChanged()
    if (view != null) { this.feed(this.core.setView(view, performance.now())) }
  }

  private tick (): void {
    if (!this.running) { return }
    this.updateServers()
    this.feed(this.core.tick(performance.now()))
  }

  private receive (from: string, message: SwitchingMessage): void {
    if (!this.running) { return }
    this.stats.received++
    this.feed(this.core.receive(from, message, performance.now()))
  }

  private linkFailed (peer: string, core?: OverlayCoreName): void {
    if (!this.running) { return }
    this.stats.linkFailures++
    this.feed(this.core.linkFailed(peer, performance.now(), core))
  }

  private send (to: string, message: SwitchingMessage): void {
    this.stats.sent++
    this.streams.send(to, message)
  }

  private feed (out: SwitchingOutput): void {
    if (!this.running) { return }
    this.changes.push(...out.changes)
    for (const { to, message } of out.send) { this.send(to, message) }
    for (const event of out.events) {
      this.log.trace('%s %s', event.type, event.peer)
      this.safeDispatchEvent(event.type === 'up' ? 'neighbor:up' : 'neighbor:down', { detail: event.peer })
    }
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail.toString()
    if (this.core.isActive(peer)) { this.linkFailed(peer) }
  }

  /**
   * Every member heard of is a candidate link (walks alone leave the nodes that joined together knowing little
   * more than their contact), and the first one is this node's way into the overlay.
   */
  private readonly onMember = (evt: CustomEvent<Member>): void => {
    this.servers.markChanged()
    if (evt.detail.id !== this.self) { this.core.suggest([evt.detail.id]) }
    // the core rejoins by itself every rejoinInterval without a link; the first member need not wait for it
    if (this.running && this.stats.joins === 0) { this.feed(this.core.rejoin(performance.now())) }
  }

  /** A member declared dead or gone leaves every view, even if its connection lingers. */
  private readonly onLeave = (evt: CustomEvent<Member>): void => {
    if (!this.running) { return }
    this.servers.markChanged(evt.detail.id)
    if (this.core.isActive(evt.detail.id)) { this.stats.linkFailures++ }
    this.feed(this.core.forget(evt.detail.id, performance.now()))
  }
}
