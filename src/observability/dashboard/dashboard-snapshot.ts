// What the dashboard draws each second: every known member with its status, the links between members, and each
// answering node's actors, message counts, caches and map-reduce jobs, from one debugCluster() round.
import type { JobProgress } from '../../compute/index.ts'
import type { Member, MemberStatus } from '../../membership/index.ts'
import type { ActorDebugInfo, CacheDebugInfo, ClusterDebug } from '../debug/index.ts'

export interface DashboardNode {
  id: string
  name: string
  status: MemberStatus
  /** the node serving the dashboard */
  self: boolean
  /** it answered this round: the fields below are present */
  answered: boolean
  actorCount?: number
  actors?: ActorDebugInfo[]
  actorsOmitted?: number
  /** messages handled per second */
  messageRate?: number
  /** direct messages in and out since it started: the page turns them into rates */
  messagesIn?: number
  messagesOut?: number
  /** the caches it opened, with its counters for each */
  caches?: CacheDebugInfo[]
  /** the map-reduce jobs it coordinates: running, then the last finished */
  jobs?: JobProgress[]
}

/** One pair of connected members, whichever dialled. */
export interface DashboardLink {
  from: string
  to: string
  /** open streams between them */
  streams: number
  rtt?: number
}

export interface DashboardSnapshot {
  time: number
  cluster: string
  self: string
  nodes: DashboardNode[]
  links: DashboardLink[]
}

/** `members` is every member this node knows, gone ones included until forgotten. */
export function dashboardSnapshot (cluster: string, self: string, members: Member[], debug: ClusterDebug, time: number): DashboardSnapshot {
  const known = new Set(members.map(m => m.id))
  const answers = new Map(debug.nodes.map(n => [n.id, n]))
  const nodes = members.map((member): DashboardNode => {
    const answer = answers.get(member.id)
    const node: DashboardNode = { id: member.id, name: member.name, status: member.status, self: member.id === self, answered: answer != null }
    if (answer != null) {
      node.actorCount = answer.actorCount
      node.actors = answer.actors
      node.actorsOmitted = answer.actorsOmitted
      node.messageRate = answer.messageRate
      node.messagesIn = answer.messages.in
      node.messagesOut = answer.messages.out
      node.caches = answer.caches
      node.jobs = answer.jobs
    }
    return node
  })

  const links = new Map<string, DashboardLink>()
  for (const answer of debug.nodes) {
    for (const link of answer.links) {
      // connections to peers outside the cluster (a dial that never joined) are not drawn
      if (!known.has(link.peer) || link.peer === answer.id) { continue }
      const [from, to] = answer.id < link.peer ? [answer.id, link.peer] : [link.peer, answer.id]
      const key = `${from} ${to}`
      const streams = Object.values(link.streams).reduce((sum, n) => sum + n, 0)
      const existing = links.get(key)
      if (existing == null) {
        links.set(key, { from, to, streams, ...(link.rtt != null ? { rtt: link.rtt } : {}) })
      } else {
        // both ends report the same connection: keep the larger view of it
        existing.streams = Math.max(existing.streams, streams)
        if (link.rtt != null) { existing.rtt = Math.min(existing.rtt ?? link.rtt, link.rtt) }
      }
    }
  }
  return { time, cluster, self, nodes, links: [...links.values()] }
}
