// Plumtree over libp2p: drives the sans-IO broadcast tree with real timers over the overlay's active view, one
// stream per neighbour, so a message reaches every member in a few hops whatever the shape.
import { protocolName } from '../../node/protocols.ts'
import { MessageStreams } from '../../wire/message-streams.ts'
import { validatePlumtreeMessage } from '../plumtree/messages.ts'
import { DEFAULT_PLUMTREE_CONFIG } from '../plumtree/plumtree-config.ts'
import { PlumtreeCore } from '../plumtree/plumtree-core.ts'
import type { Libp2pOverlay } from './libp2p-overlay.ts'
import type { Host } from '../../node/create-host.ts'
import type { FoundationProtocol } from '../../node/protocols.ts'
import type { PlumtreeMessage } from '../plumtree/messages.ts'
import type { BroadcastOutput, Delivery, PlumtreeCounters } from '../plumtree/outbox.ts'
import type { PlumtreeConfig } from '../plumtree/plumtree-config.ts'
import type { ComponentLogger, Logger, Startable } from '@libp2p/interface'

export interface BroadcastComponents {
  host: Host
  /** the tree's links are the overlay's active view */
  overlay: Pick<Libp2pOverlay, 'active' | 'addEventListener' | 'removeEventListener'>
  logger: ComponentLogger
}

export interface BroadcastInit<P> {
  cluster: string
  /** the protocol's name within the cluster: one tree per kind of traffic */
  name: FoundationProtocol
  maxFrameSize: number
  /**
   * A clean copy of a payload from the network, or a throw naming what is wrong: a bad payload resets the stream
   * it came on, like any malformed frame, and never reaches `deliver`.
   */
  validatePayload(value: unknown): P
  /** a payload new to this node, once, whoever sent it; `from` is the neighbour it came from */
  deliver(delivery: Delivery & { payload: P, from: string }): void
  plumtree?: Partial<PlumtreeConfig>
  /** ms between the core's ticks (default the IHAVE interval, 100 ms): IHAVE flushes and GRAFT timers run on it */
  tickInterval?: number
}

/**
 * The IHAVE interval on libp2p: twice the simulator's, as a batch of membership news comes in bursts and each
 * flush is a frame per lazy neighbour. Repair waits for a missing payload much longer than this anyway.
 */
const DEFAULT_IHAVE_INTERVAL = 100

export class Libp2pBroadcast<P> implements Startable {
  private readonly components: BroadcastComponents
  private readonly init: BroadcastInit<P>
  private readonly self: string
  private readonly config: PlumtreeConfig
  private readonly tickInterval: number
  private readonly streams: MessageStreams<PlumtreeMessage>
  private readonly log: Logger
  private core: PlumtreeCore
  private timer: ReturnType<typeof setInterval> | undefined

  constructor (components: BroadcastComponents, init: BroadcastInit<P>) {
    this.components = components
    this.init = init
    this.self = components.host.peerId.toString()
    this.config = { ...DEFAULT_PLUMTREE_CONFIG, ihaveInterval: DEFAULT_IHAVE_INTERVAL, ...init.plumtree }
    this.tickInterval = init.tickInterval ?? this.config.ihaveInterval
    this.log = components.logger.forComponent(`foundation:broadcast:${init.name}`)
    this.core = this.createCore()
    this.streams = new MessageStreams({
      host: components.host,
      protocol: protocolName(init.cluster, init.name),
      maxFrameSize: init.maxFrameSize,
      log: this.log,
      validate: (value) => {
        const message = validatePlumtreeMessage(value)
        if (message.type === 'gossip') { message.payload = init.validatePayload(message.payload) }
        return message
      },
      receive: (from, message) => {
        if (this.timer != null) { this.feed(this.core.receive(from, message, performance.now())) }
      }
    })
  }

  readonly [Symbol.toStringTag] = 'foundation:broadcast'

  /** frames from peers that were malformed or oversize, payloads included; each reset its stream */
  get invalidFrames (): number {
    return this.streams.invalidFrames
  }

  counters (): PlumtreeCounters {
    return this.core.counters()
  }

  isStarted (): boolean {
    return this.timer != null
  }

  async start (): Promise<void> {
    if (this.timer != null) { return }
    this.core = this.createCore()
    await this.streams.start()
    const { overlay } = this.components
    overlay.addEventListener('neighbor:up', this.onUp)
    overlay.addEventListener('neighbor:down', this.onDown)
    this.timer = setInterval(() => { this.feed(this.core.tick(performance.now())) }, this.tickInterval)
    for (const peer of overlay.active()) { this.feed(this.core.neighborUp(peer, performance.now())) }
  }

  async stop (): Promise<void> {
    if (this.timer == null) { return }
    clearInterval(this.timer)
    this.timer = undefined
    this.components.overlay.removeEventListener('neighbor:up', this.onUp)
    this.components.overlay.removeEventListener('neighbor:down', this.onDown)
    await this.streams.stop()
  }

  /**
   * Delivers `payload` here and pushes it down the tree. `id` names it cluster-wide: a second broadcast of the same
   * id, here or by another member that learnt the same thing, goes no further than the first.
   */
  broadcast (id: string, payload: P): void {
    if (this.timer != null) { this.feed(this.core.broadcast(id, payload, performance.now())) }
  }

  /** the links the tree sends on */
  neighbours (): number {
    return this.components.overlay.active().length
  }

  /** True for a neighbour a payload crossed to or from lately: an edge of the tree while messages flow. */
  carriesPayloads (peer: string): boolean {
    return this.timer != null && this.core.carriesPayloads(peer, performance.now())
  }

  private createCore (): PlumtreeCore {
    return new PlumtreeCore({ self: this.self, config: this.config, now: performance.now() })
  }

  private feed (out: BroadcastOutput): void {
    for (const { to, message } of out.send) { this.streams.send(to, message) }
    for (const delivery of out.deliver) {
      // the core hands up this node's own broadcasts (no sender), and payloads that passed validatePayload
      if (delivery.from != null) { this.init.deliver(delivery as Delivery & { payload: P, from: string }) }
    }
  }

  private readonly onUp = (evt: CustomEvent<string>): void => {
    this.feed(this.core.neighborUp(evt.detail, performance.now()))
  }

  private readonly onDown = (evt: CustomEvent<string>): void => {
    this.feed(this.core.neighborDown(evt.detail, performance.now()))
  }
}
