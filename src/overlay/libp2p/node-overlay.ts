// A node's overlay: HyParView and the client-server core over libp2p, the broadcast tree that carries membership news over its links, the keeper
// of its connections, and the control that switches its shape.
import { DEFAULT_DIAL_YIELD } from '../../node/pair-dial.ts'
import { Libp2pOverlay } from './libp2p-overlay.ts'
import { LinkKeeper } from './link-keeper.ts'
import { MembershipNews } from './membership-news.ts'
import { TopologyControl } from './topology-control.ts'
import type { TopologyInfo } from './topology-control.ts'
import type { FoundationConfig } from '../../config/index.ts'
import type { Libp2pMembership } from '../../membership/libp2p-membership.ts'
import type { Host } from '../../node/create-host.ts'
import type { ComponentLogger, Startable } from '@libp2p/interface'

export interface NodeOverlayComponents {
  host: Host
  membership: Libp2pMembership
  /** the peers direct messages went to or came from since `since`, or calls wait on */
  inUseSince(since: number): Set<string>
  /** dials every member the node should be connected to now */
  reconnect(): void
  logger: ComponentLogger
}

export interface NodeOverlayInit {
  cluster: string
  maxFrameSize: number
  overlay: FoundationConfig['overlay']
}

/**
 * Every peer in one of gossipsub's topic meshes of this node. The service's interface leaves getMeshPeers out, while
 * its class has it; without it no link counts as carrying a mesh.
 */
function meshPeersOf (host: Host): Set<string> {
  const pubsub = host.services.pubsub as Host['services']['pubsub'] & { getMeshPeers?(topic: string): string[] }
  const peers = new Set<string>()
  if (pubsub.getMeshPeers == null) { return peers }
  for (const topic of pubsub.getTopics()) {
    for (const peer of pubsub.getMeshPeers(topic)) { peers.add(peer) }
  }
  return peers
}

export class NodeOverlay implements Startable {
  readonly overlay: Libp2pOverlay
  readonly news: MembershipNews
  readonly keeper: LinkKeeper
  readonly control: TopologyControl
  private running = false

  constructor (components: NodeOverlayComponents, init: NodeOverlayInit) {
    const { host, membership, logger } = components
    const { topology, partialFrom, fullMeshAtMost, clientServerFrom, partialAtMost, settle, switchGrace, idleTimeout, activeViewSize } = init.overlay
    // a link on the membership news tree or in a topic mesh is evicted last
    const inUse = (peer: string): boolean => this.news.broadcast.carriesPayloads(peer) || meshPeersOf(host).has(peer)
    this.overlay = new Libp2pOverlay({ host, membership, logger, dialYield: () => this.dialYield(), inUse }, {
      cluster: init.cluster,
      maxFrameSize: init.maxFrameSize,
      hyparview: activeViewSize != null ? { activeViewSize } : undefined,
      thresholds: { partialFrom, fullMeshAtMost, clientServerFrom, partialAtMost, settle },
      grace: switchGrace,
      initial: topology === 'auto' ? 'full-mesh' : topology
    })
    this.news = new MembershipNews({ host, overlay: this.overlay, membership, logger, shape: () => this.control.shape }, {
      cluster: init.cluster,
      maxFrameSize: init.maxFrameSize
    })
    const log = logger.forComponent('foundation:topology')
    this.keeper = new LinkKeeper({
      host,
      isLinked: (peer) => this.overlay.isActive(peer),
      inUseSince: components.inUseSince,
      meshPeers: () => meshPeersOf(host),
      log
    }, { idleTimeout })
    this.control = new TopologyControl({
      membership,
      overlay: this.overlay,
      keeper: this.keeper,
      reconnect: components.reconnect,
      log
    }, { choice: topology })
  }

  isStarted (): boolean {
    return this.running
  }

  /** After membership: the overlay joins through the members it knows. */
  async start (): Promise<void> {
    if (this.running) { return }
    await this.overlay.start()
    await this.news.start()
    this.control.start()
    this.running = true
  }

  /** After membership's leave, which went out over the overlay's links. */
  async stop (): Promise<void> {
    if (!this.running) { return }
    this.running = false
    this.control.stop()
    await this.news.stop()
    await this.overlay.stop()
  }

  /**
   * How long the higher id of a pair waits for the other's dial before it dials (see pair-dial.ts): in a full mesh
   * every pair is dialled from both ends, so it waits; in partial views the end that needs a link opens it, at once.
   */
  dialYield (): number {
    return this.control.shape === 'full-mesh' ? DEFAULT_DIAL_YIELD : 0
  }

  /** Whether the node keeps a connection to `member` in the shape in force. */
  keepsLinkTo (member: string): boolean {
    return this.control.keepsLinkTo(member)
  }

  info (): TopologyInfo {
    return this.control.info()
  }
}
