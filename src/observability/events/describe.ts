// Turns the detail of a cluster event into the words of the recent-events log.
import type { RecordedEventType } from './index.ts'
import type { ClusterEvents } from '../../cluster/index.ts'

/** The name a peer id goes by, when known. */
export type NameOf = (id: string) => string | undefined

export interface Described {
  detail: string
  node?: string
}

/** Words for one event's detail; `nameOf` turns the peer ids it names into node names where it can. */
export function describe (type: RecordedEventType, detail: unknown, nameOf: NameOf): Described {
  const label = (id: string): string => {
    const name = nameOf(id)
    return name != null ? `${name} (${shortId(id)})` : shortId(id)
  }
  switch (type) {
    case 'member:join':
    case 'member:suspect':
    case 'member:alive':
    case 'member:leave': {
      const member = detail as ClusterEvents['member:join']['detail']
      const what = type === 'member:leave' ? `left (${member.status})` : type.slice('member:'.length)
      return { detail: `${member.name} (${shortId(member.id)}) ${what}`, node: member.id }
    }
    case 'actor:failover': {
      const d = detail as ClusterEvents['actor:failover']['detail']
      return { detail: `${d.name} restarted on ${label(d.to)} after ${label(d.from)} was lost` }
    }
    case 'actor:moved': {
      const d = detail as ClusterEvents['actor:moved']['detail']
      return { detail: `${d.name} moved from ${label(d.from)} to ${label(d.to)}${d.withState ? ' with its state' : ''}` }
    }
    case 'actor:duplicate': {
      const d = detail as ClusterEvents['actor:duplicate']['detail']
      return { detail: `a second ${d.name} ended here; the one on ${label(d.kept.node)} stays` }
    }
    case 'actor:quorum-lost': {
      const d = detail as ClusterEvents['actor:quorum-lost']['detail']
      return { detail: `${d.name} ended: this side lost the quorum it asks for` }
    }
    case 'partition:detected': {
      const d = detail as ClusterEvents['partition:detected']['detail']
      return { detail: `unreachable: ${d.unreachable.map(label).join(', ')}; ${d.reachable} of ${d.knownSize} reachable${d.majority ? ' (majority)' : ' (minority)'}` }
    }
    case 'partition:healed': {
      const d = detail as ClusterEvents['partition:healed']['detail']
      return { detail: `back: ${d.returned.map(label).join(', ')}; ${d.reachable} of ${d.knownSize} reachable` }
    }
    case 'name:conflict': {
      const d = detail as ClusterEvents['name:conflict']['detail']
      return { detail: `${d.name}: the actor on ${label(d.winner.node)} won over the one on ${label(d.loser.node)}${d.local ? ' (ours, stopped)' : ''}` }
    }
    case 'supervisor:failed': {
      const d = detail as ClusterEvents['supervisor:failed']['detail']
      return { detail: `supervisor ${d.name ?? '(unnamed)'} gave up: ${d.error.message}` }
    }
    default:
      return { detail: String(type) }
  }
}

/** The end of a peer id: enough to tell members apart in a log line. */
export function shortId (id: string): string {
  return id.length > 10 ? `…${id.slice(-8)}` : id
}
