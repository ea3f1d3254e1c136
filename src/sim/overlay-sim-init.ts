// What an overlay simulation is set up with, and what it shows of each node and each broadcast.
import type { SimOverlay } from './sim-overlays.ts'
import type { ClientServerConfig } from '../overlay/client-server/index.ts'
import type { HyParViewConfig } from '../overlay/hyparview/index.ts'
import type { PlumtreeConfig, PlumtreeCore } from '../overlay/plumtree/index.ts'
import type { TopologyChange, TopologyThresholds } from '../overlay/topology-policy.ts'

export interface OverlaySimInit {
  seed: number
  /**
   * 'partial-view' (default): HyParView, each node joining through a random one. 'client-server': members link to
   * servers chosen from the agreed member list, which changes a failureDetection after each join or crash
   */
  shape?: 'partial-view' | 'client-server' | 'auto'
  /**
   * 'auto': each node runs the topology policy on the member count as its membership has it (a lag of
   * failureDetection to membershipDelay behind the truth, drawn per node) and switches between HyParView and the
   * client-server core, make-before-break (SwitchingOverlay)
   */
  switching?: { thresholds?: Partial<TopologyThresholds>, grace?: number }
  /**
   * one-way delay range in ms (default 10 to 100): each pair of nodes draws its own delay from it once, as two
   * hosts keep their distance, and every message adds up to `jitter` ms
   */
  latency?: [number, number]
  /** ms of delay drawn afresh for every message, on top of its link's (default 10) */
  jitter?: number
  hyparview?: Partial<HyParViewConfig>
  clientServer?: Partial<ClientServerConfig>
  plumtree?: Partial<PlumtreeConfig>
  /** ms between two ticks of every broadcast core (default 100: the IHAVE batching interval at most doubles) */
  tickInterval?: number
  /** ms between two ticks of every overlay core (default 500: its timers run in seconds) */
  overlayTickInterval?: number
  /** ms after a message to a crashed or cut-off peer until the sender's link to it fails (default 1000) */
  failureDetection?: number
  /**
   * ms a node may go without any link before it joins again through a random member (default 5000), as the
   * node's adapter does through a member it knows from membership or discovery: HyParView alone cannot bring back
   * a node whose passive view holds only crashed peers
   */
  rejoinAfter?: number
  /**
   * ms until the member list each node keeps from membership leaves out a crashed node (default 5000): the overlay
   * draws a few members from it at every promotion (HyParView's membersPerPromotion)
   */
  membershipDelay?: number
}

export interface OverlayNode {
  readonly id: string
  readonly index: number
  readonly overlay: SimOverlay
  readonly broadcast: PlumtreeCore
  up: boolean
  /** hops each broadcast id took to reach this node */
  readonly delivered: Map<string, number>
  /** deliveries of an id already delivered: the core must never hand one up twice */
  duplicates: number
  /** since when the node has had no link, if it has none */
  aloneSince?: number
  /** when it crashed or left, if it did */
  crashedAt?: number
  /** it left gracefully (its farewells still arrive) */
  left?: boolean
  /** the shapes a switching node took, the one taken on joining first */
  readonly changes: TopologyChange[]
  /** ms behind the truth this node's member count runs */
  readonly countLag: number
}

/** What happened to one broadcast id so far, over every node. */
export interface BroadcastTally {
  /** nodes that delivered it */
  delivered: number
  /** payload messages received for it: one per node on a perfect tree */
  payloads: number
  /** hops to the node reached last so far */
  lastHop: number
}
