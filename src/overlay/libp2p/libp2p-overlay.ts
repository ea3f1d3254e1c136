// HyParView over libp2p: drives the sans-IO core with real timers, one stream per peer, and the host's connection
// events; announces which peers enter and leave the active view.
import { TypedEventEmitter } from '@libp2p/interface'
import { randomInt, sample, seededRandom } from '../../membership/swim/random.ts'
import { protocolName } from '../../node/protocols.ts'
import { MessageStreams } from '../../wire/message-streams.ts'
import { resolveHyParViewConfig, viewSizesFor } from '../hyparview/hyparview-config.ts'
import { HyParViewCore } from '../hyparview/hyparview-core.ts'
import { validateHyParViewMessage } from '../hyparview/messages.ts'
import type { Member, Membership } from '../../membership/index.ts'
import type { Host } from '../../node/create-host.ts'
import type { DialYield } from '../../node/pair-dial.ts'
import type { HyParViewConfig } from '../hyparview/hyparview-config.ts'
import type { HyParViewMessage } from '../hyparview/messages.ts'
import type { OverlayOutput } from '../hyparview/outbox.ts'
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
  /** the cluster size the view sizes are chosen for (default 1,000: active view 4, passive 30) */
  expectedSize?: number
  /** ms between the core's ticks (default 250) */
  tickInterval?: number
  /** ms between two joins while the active view stays empty (default 2 s) */
  rejoinInterval?: number
  /** ms the leave may take to reach the active peers (default 1 s) */
  leaveTimeout?: number
}

export interface OverlayEvents {
  /** a peer entered the active view: the link to it is one the overlay keeps */
  'neighbor:up': CustomEvent<string>
  /** a peer left the active view */
  'neighbor:down': CustomEvent<string>
}

export interface OverlayStats {
  /** joins this node started: the first, and each rejoin after its active view ran empty */
  joins: number
  /** active links that broke, and dials to would-be neighbours that failed */
  linkFailures: number
  /** HyParView messages sent and received */
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
 * The transport is HyParView's failure detector, as in the paper: a closed connection or a stream that cannot be
 * opened reports the link failed. Membership is the second one: a member declared dead or gone leaves the active
 * view even if its connection lingers. A node whose active view is empty joins again through a member it knows.
 */
export class Libp2pOverlay extends TypedEventEmitter<OverlayEvents> implements Startable {
  readonly stats: OverlayStats = { joins: 0, linkFailures: 0, sent: 0, received: 0 }
  readonly config: HyParViewConfig
  private readonly components: OverlayComponents
  private readonly self: string
  private readonly tickInterval: number
  private readonly rejoinInterval: number
  private readonly leaveTimeout: number
  private readonly random = seededRandom(crypto.getRandomValues(new Uint32Array(1))[0])
  private readonly streams: MessageStreams<HyParViewMessage>
  private readonly log: Logger
  private core: HyParViewCore
  private timer: ReturnType<typeof setInterval> | undefined
  private lastJoinAt = -Infinity
  private running = false

  constructor (components: OverlayComponents, init: OverlayInit) {
    super()
    this.components = components
    this.self = components.host.peerId.toString()
    this.config = resolveHyParViewConfig({
      ...viewSizesFor(init.expectedSize ?? DEFAULT_EXPECTED_SIZE),
      neighborTimeout: DEFAULT_NEIGHBOR_TIMEOUT,
      ...init.hyparview
    })
    this.tickInterval = init.tickInterval ?? DEFAULT_TICK_INTERVAL
    this.rejoinInterval = init.rejoinInterval ?? DEFAULT_REJOIN_INTERVAL
    this.leaveTimeout = init.leaveTimeout ?? DEFAULT_LEAVE_TIMEOUT
    this.log = components.logger.forComponent('foundation:overlay')
    this.core = this.createCore()
    this.streams = new MessageStreams({
      host: components.host,
      protocol: protocolName(init.cluster, 'overlay'),
      maxFrameSize: init.maxFrameSize,
      log: this.log,
      validate: validateHyParViewMessage,
      dialYield: components.dialYield,
      receive: (from, message) => {
        if (!this.running) { return }
        this.stats.received++
        this.feed(this.core.receive(from, message, performance.now()))
      },
      // a NEIGHBOR to a passive peer that is gone fails here: the core asks the next one
      onBroken: (peer) => { this.linkFailed(peer) }
    })
  }

  readonly [Symbol.toStringTag] = 'foundation:overlay'

  /** the peers whose links the overlay keeps */
  active (): string[] {
    return this.core.active()
  }

  passive (): string[] {
    return this.core.passive()
  }

  isActive (peer: string): boolean {
    return this.core.isActive(peer)
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
    for (const { to, message } of send) { this.streams.send(to, message) }
    this.running = false
    await this.streams.flush(send.map(o => o.to), { signal: AbortSignal.timeout(this.leaveTimeout) })
    await this.streams.stop()
  }

  private createCore (): HyParViewCore {
    return new HyParViewCore({
      self: this.self,
      config: this.config,
      random: this.random,
      now: performance.now(),
      members: (count) => sample(this.random, this.aliveMembers(), count),
      inUse: (peer) => this.components.inUse?.(peer) === true
    })
  }

  private aliveMembers (): string[] {
    return this.components.membership.members().filter(m => m.status === 'alive' && m.id !== this.self).map(m => m.id)
  }

  private tick (): void {
    if (!this.running) { return }
    const now = performance.now()
    this.feed(this.core.tick(now))
    if (this.core.activeCount === 0 && now - this.lastJoinAt >= this.rejoinInterval) { this.join(now) }
  }

  /**
   * Joins through a random alive member. Not one already connected, though its link would cost no dial: every node
   * of a cluster that starts at once is connected to the same seed first, and the seed, adding each newcomer to its
   * active view and walking it on, would evict a link per join, so the overlay would settle only long after.
   */
  private join (now: number): void {
    const { membership } = this.components
    const alive = membership.members().filter(m => m.id !== this.self && m.status === 'alive').map(m => m.id)
    if (alive.length === 0) { return }
    const contact = alive[randomInt(this.random, alive.length)]
    this.lastJoinAt = now
    this.stats.joins++
    this.log('joining through %s', contact)
    this.feed(this.core.join(contact, now))
  }

  private linkFailed (peer: string): void {
    if (!this.running) { return }
    this.stats.linkFailures++
    this.feed(this.core.linkFailed(peer, performance.now()))
  }

  private feed (out: OverlayOutput): void {
    if (!this.running) { return }
    for (const { to, message } of out.send) {
      this.stats.sent++
      this.streams.send(to, message)
    }
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
    if (evt.detail.id !== this.self) { this.core.suggest([evt.detail.id]) }
    if (this.core.activeCount === 0) { this.tick() }
  }

  /** A member declared dead or gone leaves both views, even if its connection lingers. */
  private readonly onLeave = (evt: CustomEvent<Member>): void => {
    if (!this.running) { return }
    if (this.core.isActive(evt.detail.id)) { this.stats.linkFailures++ }
    this.feed(this.core.forget(evt.detail.id, performance.now()))
  }
}
