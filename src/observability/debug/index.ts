// debugCluster(): every member's actors, mailboxes, links, caches, map-reduce jobs and recent events, gathered over the
// '$debug' endpoint.
import type { CacheStats } from '../../cache/index.ts'
import type { JobProgress } from '../../compute/index.ts'
import type { MemberStatus } from '../../membership/index.ts'
import type { RecordedEvent } from '../events/index.ts'

export interface DebugClusterOptions {
  /** milliseconds each member has to answer (default 2 s); one that does not is listed in `unanswered` */
  timeout?: number
  /** most actors listed per node, those with the most queued messages first (default 100, at most 1000) */
  maxActors?: number
  /** most recent events listed per node (default 20, at most 200) */
  maxEvents?: number
  signal?: AbortSignal
}

/** One actor of a node. */
export interface ActorDebugInfo {
  id: string
  /** the name it was spawned with, if any */
  name?: string
  /** its class name */
  type: string
  /** messages queued in its mailbox, not yet handled */
  mailbox: number
  /** true for a distributed actor (placed by the cluster, restarted elsewhere when its node dies) */
  distributed?: boolean
  /** true for an actor under a supervisor */
  supervised?: boolean
}

/** One libp2p connection of a node to a peer. */
export interface LinkDebugInfo {
  /** the peer id at the other end */
  peer: string
  /** its node name, when it is a member */
  name?: string
  /** who dialled: 'outbound' when this node did */
  direction: 'inbound' | 'outbound'
  /** open streams by protocol */
  streams: Record<string, number>
  /** round-trip time in ms, when measured */
  rtt?: number
}

/** One cache a node opened, with that node's counters for it (see `cache.stats()`). */
export interface CacheDebugInfo extends CacheStats {
  name: string
}

/** One node as it describes itself. */
export interface NodeDebugInfo {
  id: string
  name: string
  /** as the node that asked sees it */
  status: MemberStatus
  /** actors running on the node */
  actorCount: number
  /** the listed ones, capped at maxActors */
  actors: ActorDebugInfo[]
  /** actors running but not listed: actorCount - actors.length */
  actorsOmitted: number
  links: LinkDebugInfo[]
  /** actor messages and publications handled per second, measured by the node */
  messageRate: number
  /** direct-protocol messages in and out since the node started */
  messages: { in: number, out: number }
  /** the caches the node opened, at most 256 */
  caches: CacheDebugInfo[]
  /** the map-reduce jobs the node coordinates: those running, then the last ones finished, at most 64 */
  jobs: JobProgress[]
  /** the newest entries of the node's recent-events log, oldest first */
  events: RecordedEvent[]
  /** ms since the node started */
  uptime: number
}

/** A member that did not answer: it timed out, failed, or sent an answer that did not check out. */
export interface UnansweredMember {
  id: string
  name: string
  /** the error's name and message */
  error: string
}

export interface ClusterDebug {
  /** one entry per active member that answered, this node first */
  nodes: NodeDebugInfo[]
  unanswered: UnansweredMember[]
}
