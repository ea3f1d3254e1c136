// This node's own debug snapshot: its actors (those with the deepest mailboxes first when capped), links, caches, jobs
// and events.
import { MAX_CACHES_LISTED, MAX_JOBS_LISTED, MAX_LINKS_LISTED } from './debug-wire.ts'
import type { DebugAnswer, DebugRequest } from './debug-wire.ts'
import type { ActorDebugInfo, LinkDebugInfo } from './index.ts'
import type { ActorCell } from '../../actors/actor-cell.ts'
import type { CacheStats } from '../../cache/index.ts'
import type { JobProgress } from '../../compute/index.ts'
import type { RecordedEvent } from '../events/index.ts'
import type { Connection } from '@libp2p/interface'

/** What a node tells about itself; each part read live when a snapshot is taken. */
export interface LocalDebugSource {
  id: string
  name: string
  /** the prefix of distributed actors' ids */
  distributedPrefix: string
  actors(): IterableIterator<ActorCell>
  actorCount(): number
  supervised(actorId: string): boolean
  connections(): Connection[]
  /** a member's name, when it is one */
  nameOf(peer: string): string | undefined
  messageRate(): number
  messages(): { in: number, out: number }
  events(limit: number): RecordedEvent[]
  uptime(): number
  /** the caches this node opened, each with this node's counters */
  caches(): Array<{ name: string, stats: CacheStats }>
  /** the map-reduce jobs this node coordinates: those running, then the last ones finished */
  jobs(): JobProgress[]
}

export function localSnapshot (source: LocalDebugSource, request: DebugRequest): DebugAnswer {
  const actors = listedActors(source, request.maxActors)
  const actorCount = source.actorCount()
  return {
    id: source.id,
    name: source.name,
    actorCount,
    actors,
    actorsOmitted: Math.max(0, actorCount - actors.length),
    links: source.connections().slice(0, MAX_LINKS_LISTED).map(c => linkOf(c, source)),
    messageRate: source.messageRate(),
    messages: source.messages(),
    caches: source.caches().slice(0, MAX_CACHES_LISTED).map(({ name, stats }) => ({ name, ...stats })),
    // the running ones come first: a node past the cap drops finished jobs before running ones
    jobs: source.jobs().slice(0, MAX_JOBS_LISTED),
    events: request.maxEvents > 0 ? source.events(request.maxEvents) : [],
    uptime: source.uptime()
  }
}

function listedActors (source: LocalDebugSource, max: number): ActorDebugInfo[] {
  return deepestMailboxes(source.actors(), max).map((cell) => {
    const actor: ActorDebugInfo = { id: cell.ref.id, type: cell.type, mailbox: cell.mailboxSize }
    if (cell.name != null) { actor.name = cell.name }
    if (cell.ref.id.startsWith(source.distributedPrefix)) { actor.distributed = true }
    if (source.supervised(cell.ref.id)) { actor.supervised = true }
    return actor
  })
}

/**
 * The `max` actors falling furthest behind, in one pass without copying the whole list (a node may run a hundred
 * thousand): deepest mailbox first, earlier spawned first among equals.
 */
function deepestMailboxes (cells: IterableIterator<ActorCell>, max: number): ActorCell[] {
  const top: ActorCell[] = []
  if (max <= 0) { return top }
  for (const cell of cells) {
    const depth = cell.mailboxSize
    if (top.length === max) {
      if (depth <= top[max - 1].mailboxSize) { continue }
      top.pop()
    }
    let i = top.length
    while (i > 0 && top[i - 1].mailboxSize < depth) { i-- }
    top.splice(i, 0, cell)
  }
  return top
}

function linkOf (connection: Connection, source: LocalDebugSource): LinkDebugInfo {
  const peer = connection.remotePeer.toString()
  const streams: Record<string, number> = {}
  for (const stream of connection.streams) {
    const protocol = stream.protocol ?? '(negotiating)'
    streams[protocol] = (streams[protocol] ?? 0) + 1
  }
  const link: LinkDebugInfo = { peer, direction: connection.direction, streams }
  const name = source.nameOf(peer)
  if (name != null) { link.name = name }
  if (connection.rtt != null && Number.isFinite(connection.rtt)) { link.rtt = connection.rtt }
  return link
}
