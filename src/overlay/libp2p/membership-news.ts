// Membership news on the broadcast tree: in the partial-view shapes, a record a node learns first-hand reaches every
// member in a few hops of the tree instead of one neighbour per gossip round. Piggybacking still runs beside it,
// and carries what the tree missed.
import { validateNews } from '../../membership/swim/messages.ts'
import { Libp2pBroadcast } from './libp2p-broadcast.ts'
import type { BroadcastComponents } from './libp2p-broadcast.ts'
import type { Libp2pMembership } from '../../membership/libp2p-membership.ts'
import type { Piggyback } from '../../membership/swim/messages.ts'
import type { Topology } from '../topology-policy.ts'
import type { Startable } from '@libp2p/interface'

export interface MembershipNewsComponents extends BroadcastComponents {
  membership: Libp2pMembership
  /** the shape in force on this node */
  shape(): Topology
}

export interface MembershipNewsInit {
  cluster: string
  maxFrameSize: number
}

/** 32-bit FNV-1a: a short, stable digest of a witness list for a message id */
function fnv1a (text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(36)
}

/**
 * The id of one piece of news, the same on every member that learns it: the record's member, incarnation and
 * status, and for a suspicion who witnessed it, since each new witness shortens the suspicion everywhere. Members
 * that learn the same thing at once and broadcast it send it no further than the first copy goes.
 */
export function newsId (news: Piggyback): string {
  const [record] = news.updates
  const witnesses = news.witnesses?.find(w => w.id === record.id)
  const by = witnesses == null ? '' : `.${fnv1a([...witnesses.by].sort().join(' '))}`
  return `${record.id}.${record.incarnation}.${record.status}${by}`
}

export class MembershipNews implements Startable {
  readonly broadcast: Libp2pBroadcast<Piggyback>
  private readonly components: MembershipNewsComponents

  constructor (components: MembershipNewsComponents, init: MembershipNewsInit) {
    this.components = components
    const { membership } = components
    this.broadcast = new Libp2pBroadcast<Piggyback>(components, {
      cluster: init.cluster,
      name: 'membership-news',
      maxFrameSize: init.maxFrameSize,
      validatePayload: validateNews,
      deliver: ({ from, payload }) => { if (from != null) { membership.hear(from, payload) } }
    })
  }

  isStarted (): boolean {
    return this.broadcast.isStarted()
  }

  async start (): Promise<void> {
    await this.broadcast.start()
    this.components.membership.onNews(this.spread)
  }

  async stop (): Promise<void> {
    this.components.membership.onNews(undefined)
    await this.broadcast.stop()
  }

  /**
   * In the full mesh, piggybacking on probes to random members already reaches everyone within a few rounds, and
   * every member syncing with a newcomer at once would broadcast the same news from every member.
   */
  private readonly spread = (news: Piggyback): void => {
    if (this.components.shape() !== 'full-mesh' && news.updates.length > 0) { this.broadcast.broadcast(newsId(news), news) }
  }
}
