// Membership: the agreed view of who is in the cluster, kept by a gossip failure detector over whatever links exist.
import type { Host } from '../node/create-host.ts'
import type { ComponentLogger, Startable, TypedEventTarget } from '@libp2p/interface'

export type MemberStatus = 'alive' | 'suspect' | 'dead' | 'left'

export interface Member {
  /** libp2p peer id, as a string */
  id: string
  /** human-readable node name */
  name: string
  roles: string[]
  /** multiaddrs the member listens on, as strings */
  addresses: string[]
  status: MemberStatus
  /** raised only by the member itself, to refute a suspicion of it */
  incarnation: number
}

export interface MemberEventDetail {
  member: Member
}

export interface MembershipEvents {
  /** a member became known and alive */
  'member:join': CustomEvent<Member>
  /** a member missed its probes and is suspected */
  'member:suspect': CustomEvent<Member>
  /** a suspected member refuted the suspicion */
  'member:alive': CustomEvent<Member>
  /** a member is gone: status 'dead' (failure detected) or 'left' (announced a graceful leave) */
  'member:leave': CustomEvent<Member>
}

export interface Membership extends Startable, TypedEventTarget<MembershipEvents> {
  /** this node's own record */
  self(): Member
  /** every known member, self included, whatever its status */
  members(): Member[]
  /** alive and suspect members, self included: the nodes that count as part of the cluster */
  activeMembers(): Member[]
  get(id: string): Member | undefined
  /** true for alive or suspect members */
  isActive(id: string): boolean
}

export interface MembershipComponents {
  host: Host
  logger: ComponentLogger
}

export interface MembershipInit {
  cluster: string
  name: string
  roles: string[]
  /** time between probes of one random member (default 500 ms) */
  probeInterval?: number
  /** time to wait for a direct ack before asking others to probe (default 250 ms) */
  probeTimeout?: number
  /** how long a suspect has to refute before it is declared dead (default 2 s) */
  suspectTimeout?: number
  /** members asked to probe indirectly (default 3) */
  indirectProbes?: number
  /** largest membership frame accepted (default 1 MiB) */
  maxFrameSize?: number
  /** how long a dead or left member is remembered so stale gossip cannot revive it (default 1 minute) */
  tombstoneTimeout?: number
}

export { membership, createMembership } from './libp2p-membership.ts'
