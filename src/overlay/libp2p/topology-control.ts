// Puts the shape the topology policy chooses into force on a live node: which members membership watches, which
// connections the node keeps, and the event that says so. The overlay holds the policy and switches its own cores
// make-before-break (HyParView runs in the full mesh too, so its links already exist and carry traffic when the full
// mesh's other connections start to close); this reads it the member count and acts on what it decides.
import { TypedEventEmitter } from '@libp2p/interface'
import type { Libp2pOverlay } from './libp2p-overlay.ts'
import type { LinkKeeper } from './link-keeper.ts'
import type { TopologyChoice } from '../../config/defaults.ts'
import type { Libp2pMembership } from '../../membership/libp2p-membership.ts'
import type { Topology, TopologyChange } from '../topology-policy.ts'
import type { Logger, Startable } from '@libp2p/interface'

export type { TopologyChoice }

/** Which shape is in force on this node, since when and why, and what it costs in connections. */
export interface TopologyInfo {
  shape: Topology
  choice: TopologyChoice
  /** Date.now() of the last switch, or of the start */
  since: number
  reason: string
  /** switches so far */
  epoch: number
  /** the peers the overlay links: the links this node keeps in the partial-view and client-server shapes */
  neighbours: number
  /** in the client-server shape, whether this node serves */
  role?: 'server' | 'client'
  /** the links of the shape left are still kept: a switch is under way (make-before-break) */
  switching: boolean
  /** other peers this node holds a connection to now, and how many of those are outside the overlay */
  connections: number
  outside: number
  /**
   * how a message reaches a member without a link: it is dialled on demand, and the connection is closed once it
   * has been idle a while (nothing is relayed)
   */
  routing: 'dial-on-demand'
  /** connections outside the overlay seen open, and closed once idle, since the start */
  onDemand: number
  closed: number
}

export interface TopologyEvents {
  /** the shape in force changed: `reason` says which size called for it */
  'topology:change': CustomEvent<TopologyChange>
}

export interface TopologyControlComponents {
  membership: Libp2pMembership
  overlay: Libp2pOverlay
  keeper: LinkKeeper
  /** dials every member the node should now be connected to */
  reconnect(): void
  log: Logger
}

export interface TopologyControlInit {
  /** 'auto' reads the member count; a fixed shape is the overlay's initial one, and never switches */
  choice: TopologyChoice
  /** ms between two readings of the member count (default 1 s) */
  checkInterval?: number
}

const DEFAULT_CHECK_INTERVAL = 1000
/**
 * ms at least that publications still go by gossipsub as well after a switch to partial views. In a cluster grown
 * from 20 to 200 nodes in one process (settling time 5 s), a few nodes missed single publications in the seconds
 * after their switch, while switches closed connections under both ways; with this, a payload cache of 30 s and new
 * tree links told of the last 5 s of payloads (PlumtreeConfig.announceOnLinkUp), none did.
 */
const DUAL_PATHS_AFTER_SWITCH = 30_000

export class TopologyControl extends TypedEventEmitter<TopologyEvents> implements Startable {
  private readonly components: TopologyControlComponents
  private readonly choice: TopologyChoice
  private readonly checkInterval: number
  private since = Date.now()
  private reason: string
  /** active members at the last check */
  private members = 0
  private timer: ReturnType<typeof setInterval> | undefined

  constructor (components: TopologyControlComponents, init: TopologyControlInit) {
    super()
    this.components = components
    this.choice = init.choice
    this.checkInterval = init.checkInterval ?? DEFAULT_CHECK_INTERVAL
    this.reason = init.choice === 'auto' ? 'the cluster starts small: every member links to every other' : `fixed by the topology option (${init.choice})`
  }

  readonly [Symbol.toStringTag] = 'foundation:topology'

  get shape (): Topology {
    return this.components.overlay.shape
  }

  /** Whether this node keeps a connection to `member`: every member in the full mesh, its neighbours otherwise. */
  keepsLinkTo (member: string): boolean {
    return this.shape === 'full-mesh' || this.components.overlay.isActive(member)
  }

  /**
   * Which ways this node's publications leave it. Over the broadcast tree in a partial-view shape, and in the full
   * mesh too once the cluster is past fullMeshAtMost, where other members may have switched already; by gossipsub
   * in the full mesh, and after a switch away from it for a settling time, at least DUAL_PATHS_AFTER_SWITCH, while
   * members that have not switched still count on it and the tree's links change under the switch. Receivers drop
   * the second copy.
   */
  publicationPaths (): { gossipsub: boolean, tree: boolean } {
    const fullMesh = this.shape === 'full-mesh'
    const { fullMeshAtMost, settle } = this.components.overlay.thresholds
    // the count the last check read: this runs for every batch sent and received, and the list is the cluster's size
    const othersMaySwitch = this.choice === 'auto' && this.members > fullMeshAtMost
    return {
      gossipsub: fullMesh || Date.now() - this.since < Math.max(settle, DUAL_PATHS_AFTER_SWITCH),
      tree: !fullMesh || othersMaySwitch
    }
  }

  isStarted (): boolean {
    return this.timer != null
  }

  start (): void {
    if (this.timer != null) { return }
    this.components.overlay.addEventListener('neighbor:up', this.onNeighbours)
    this.components.overlay.addEventListener('neighbor:up', this.onNeighbourUp)
    this.components.overlay.addEventListener('neighbor:down', this.onNeighbours)
    this.components.membership.addEventListener('member:join', this.onMemberJoin)
    this.apply()
    this.timer = setInterval(() => { this.check() }, this.checkInterval)
  }

  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.components.overlay.removeEventListener('neighbor:up', this.onNeighbours)
    this.components.overlay.removeEventListener('neighbor:up', this.onNeighbourUp)
    this.components.overlay.removeEventListener('neighbor:down', this.onNeighbours)
    this.components.membership.removeEventListener('member:join', this.onMemberJoin)
    this.components.keeper.stop()
  }

  info (): TopologyInfo {
    const { overlay, keeper } = this.components
    const { connected, outside } = keeper.counts()
    return {
      shape: this.shape,
      choice: this.choice,
      since: this.since,
      reason: this.reason,
      epoch: overlay.epoch,
      neighbours: overlay.active().length,
      ...(overlay.role != null ? { role: overlay.role } : {}),
      switching: overlay.switching,
      connections: connected,
      outside,
      routing: 'dial-on-demand',
      onDemand: keeper.stats.onDemand,
      closed: keeper.stats.closed
    }
  }

  /** Reads the member count; a change the policy calls for goes into force at once. */
  check (): void {
    if (this.choice !== 'auto') { return }
    this.members = this.components.membership.activeMembers().length
    for (const change of this.components.overlay.observe(this.members)) {
      this.since = Date.now()
      this.reason = change.reason
      this.components.log('topology %s -> %s: %s', change.from, change.to, change.reason)
      this.apply()
      this.safeDispatchEvent('topology:change', { detail: change })
    }
  }

  private apply (): void {
    const { membership, overlay, keeper } = this.components
    if (this.shape === 'full-mesh') {
      membership.setNeighbours(undefined)
      keeper.stop()
      this.components.reconnect()
    } else {
      membership.setNeighbours(overlay.active())
      keeper.start()
    }
  }

  /**
   * While joining, the member count is read at each join rather than each second: the full view a newcomer receives
   * names every member at once, and the full mesh would dial them all within that second.
   */
  private readonly onMemberJoin = (): void => {
    if (this.components.overlay.joining()) { this.check() }
  }

  private readonly onNeighbours = (): void => {
    if (this.shape !== 'full-mesh') { this.components.membership.setNeighbours(this.components.overlay.active()) }
  }

  /**
   * A new neighbour and this node exchange their whole views: news otherwise crosses the overlay one hop per gossip
   * round, and a node that joined late, or that a repair linked to another part of the overlay, would wait for it.
   */
  private readonly onNeighbourUp = (evt: CustomEvent<string>): void => {
    if (this.shape !== 'full-mesh') { this.components.membership.meet(evt.detail) }
  }
}
