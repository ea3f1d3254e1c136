// Foundation's own metrics: every value is read from the node's plain counters and state when Prometheus scrapes,
// so the message paths only ever increment numbers.
import { counter, gauge } from './scraped-metrics.ts'
import type { MetricsSources } from './index.ts'
import type { SetValue } from './scraped-metrics.ts'
import type { MemberStatus } from '../../membership/index.ts'
import type { Registry } from 'prom-client'

const STATUSES: readonly MemberStatus[] = ['alive', 'suspect', 'dead', 'left']
/** envelope kinds of the direct protocol, at the index of their wire code */
const KINDS = ['', 'send', 'call', 'reply', 'fail', 'publish'] as const

/** Counts of events the node announces (failovers, moves, partitions): kept here, so they cost nothing when metrics are off. */
export interface EventCounts {
  failovers: number
  moves: number
  partitions: number
}

export function registerFoundationMetrics (registry: Registry, sources: MetricsSources, events: EventCounts): void {
  const { messaging, pubsub, actors } = sources

  gauge(registry, 'foundation_members', 'Members this node knows, by status (alive, suspect, dead, left), itself included', ['status'], (set) => {
    const counts: Record<MemberStatus, number> = { alive: 0, suspect: 0, dead: 0, left: 0 }
    for (const member of sources.members()) { counts[member.status]++ }
    for (const status of STATUSES) { set(counts[status], { status }) }
  })
  gauge(registry, 'foundation_membership_local_health',
    'Failure detector\'s doubt in this node itself (0 when healthy, up to 7): probe timing is stretched by this plus one while this node runs late or fails probes others answer',
    [], (set) => { set(sources.localHealth()) })
  gauge(registry, 'foundation_ready', '1 when this node is ready to take traffic (see /readyz), else 0', [], (set) => {
    set(sources.ready() ? 1 : 0)
  })

  const traffic = (read: 'messages' | 'bytes') => (set: SetValue): void => {
    const { kinds } = messaging.stats
    const out = read === 'messages' ? kinds.messagesOut : kinds.bytesOut
    const into = read === 'messages' ? kinds.messagesIn : kinds.bytesIn
    for (let code = 1; code < KINDS.length; code++) {
      set(out[code], { direction: 'out', kind: KINDS[code] })
      set(into[code], { direction: 'in', kind: KINDS[code] })
    }
    const stats = pubsub.stats
    set(read === 'messages' ? stats.published : stats.publishedBytes, { direction: 'out', kind: 'gossip' })
    set(read === 'messages' ? stats.received : stats.receivedBytes, { direction: 'in', kind: 'gossip' })
  }
  counter(registry, 'foundation_messages_total',
    'Messages between this node and others, by direction and kind: send, call, reply, fail and publish on the direct protocol; gossip for pub/sub publications',
    ['direction', 'kind'], traffic('messages'))
  counter(registry, 'foundation_message_bytes_total',
    'Encoded bytes of those messages, by direction and kind (gossip in: as batched on the wire)', ['direction', 'kind'], traffic('bytes'))

  counter(registry, 'foundation_pubsub_publications_total',
    'Publications made here, by what gossipsub did with them: sent to at least one other node (sent), to none (no-peer: no other subscriber known, or none it would send to), or failed',
    ['outcome'], (set) => {
      set(pubsub.stats.sentToPeers, { outcome: 'sent' })
      set(pubsub.stats.sentToNoPeer, { outcome: 'no-peer' })
      set(pubsub.stats.publishFailures, { outcome: 'failed' })
    })
  counter(registry, 'foundation_pubsub_peer_copies_total', 'Copies of publications sent from here to other nodes: one per publication and node', [], (set) => {
    set(pubsub.stats.peerCopies)
  })

  counter(registry, 'foundation_invalid_frames_total', 'Malformed, oversize or truncated frames and records received and rejected, by protocol; each reset its stream or was dropped', ['protocol'], (set) => {
    set(messaging.stats.invalidFrames, { protocol: 'direct' })
    set(sources.membershipInvalidFrames(), { protocol: 'membership' })
    set(sources.names.invalidMessages, { protocol: 'names' })
    set(pubsub.stats.invalidMessages, { protocol: 'pubsub' })
  })
  counter(registry, 'foundation_refused_messages_total',
    'Well-formed messages refused for what they claim about a node: an answer to a call from a node the call did not go to (direct), a member record without its member\'s signature or with one that does not match it (membership), a publication its named sender did not sign (pubsub), a browser\'s admission ticket that is missing, malformed, forged, expired, another cluster\'s or another peer\'s (admission)',
    ['protocol', 'reason'], (set) => {
      set(messaging.stats.forgedReplies, { protocol: 'direct', reason: 'wrong-sender' })
      const refused = sources.membershipRefused()
      set(refused.missing, { protocol: 'membership', reason: 'unsigned' })
      set(refused.forged, { protocol: 'membership', reason: 'forged' })
      set(refused.ungranted, { protocol: 'membership', reason: 'ungranted-roles' })
      set(pubsub.stats.forgedSenders, { protocol: 'pubsub', reason: 'forged' })
      for (const [reason, count] of Object.entries(sources.admissionRefused() ?? {})) {
        if (reason !== 'admitted' && count != null) { set(count, { protocol: 'admission', reason }) }
      }
    })
  counter(registry, 'foundation_undeliverable_messages_total', 'Messages that reached no actor: unknown name or id, or node not a member', [], (set) => {
    set(messaging.stats.undeliverable)
  })
  counter(registry, 'foundation_lost_messages_total', 'Messages to other nodes lost with a broken stream, or dropped because too much already waited for that node', [], (set) => {
    set(messaging.stats.lost)
  })

  gauge(registry, 'foundation_local_actors', 'Actors running on this node', [], (set) => { set(actors.count) })
  gauge(registry, 'foundation_mailbox_messages', 'Messages waiting in the mailboxes of this node\'s actors, all together', [], (set) => {
    set(actors.mailboxes().sum)
  })
  gauge(registry, 'foundation_mailbox_messages_max', 'Messages waiting in the fullest mailbox of this node', [], (set) => {
    set(actors.mailboxes().max)
  })
  counter(registry, 'foundation_actor_starts_total', 'Actors started on this node, restarts included', [], (set) => { set(actors.started) })
  counter(registry, 'foundation_actor_restarts_total', 'Actors restarted by their supervisor on this node', [], (set) => { set(actors.restarted) })
  counter(registry, 'foundation_actor_failovers_total', 'Distributed actors of a lost member restarted on this node', [], (set) => { set(events.failovers) })
  counter(registry, 'foundation_actor_moves_total', 'Distributed actors moved from this node to another member with their state', [], (set) => { set(events.moves) })

  gauge(registry, 'foundation_names', 'Names of live actors in this node\'s name table, local and distributed, on every node', [], (set) => {
    set(sources.names.knownNames())
  })
  gauge(registry, 'foundation_name_tombstones', 'Names of stopped actors kept so that older writes cannot revive them: they grow with the rate of stops, up to 100,000', [], (set) => {
    set(sources.names.tombstones())
  })
  gauge(registry, 'foundation_unreachable_members', 'Members declared dead and not yet forgotten: a partition or crashes, which look alike from here', [], (set) => {
    set(sources.unreachable())
  })
  counter(registry, 'foundation_partitions_detected_total', 'Times members became unreachable (partition:detected events)', [], (set) => { set(events.partitions) })
}
