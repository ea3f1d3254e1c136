// Membership: the agreed view of who is in the cluster, kept by a gossip failure detector over whatever links exist.
import type { Host } from '../node/create-host.ts'
import type { NodeKeys } from '../node/node-keys.ts'
import type { DialYield } from '../node/pair-dial.ts'
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

/**
 * A member's record as members hold it and pass it on: with `proof`, the member's own signature of what it says about
 * itself (its name, roles, addresses and incarnation while alive; its leave), which every member checks before it
 * believes the record or passes it on (see member-proofs.ts). What members say of others (suspect, dead) carries the
 * proof of the incarnation it is about. Records handed to users leave the proof out.
 */
export interface MemberRecord extends Member {
  proof?: Uint8Array
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
  /** the host's own key, which signs this node's membership records (Ed25519), and the keys that check other members' */
  keys: NodeKeys
  logger: ComponentLogger
  /** how long the higher id of a pair waits for the other's dial (see pair-dial.ts) */
  dialYield?: DialYield
}

export interface MembershipInit {
  cluster: string
  name: string
  roles: string[]
  /**
   * time between probes of one member (default 1 s, as memberlist on a LAN). A node that sees signs of its own
   * slowness (probes that fail while the members asked to help do not even answer, having to refute doubts about
   * itself, its own timers firing late) multiplies this and probeTimeout by its local health, up to 8 times
   * (Lifeguard)
   */
  probeInterval?: number
  /** time to wait for a direct ack before asking others to probe (default 250 ms) */
  probeTimeout?: number
  /**
   * how long a suspect has to refute at the shortest, with up to 10 members (default 1 s). Like memberlist, every
   * suspicion time is multiplied by log10 of the member count above 10 (2 s at 100 members). Lifeguard's dynamic
   * suspicion then sets the time by the evidence. While one member alone suspects, however often it repeats
   * itself, it is 6 times this (6 s by default): a member that is itself slow cannot get a healthy one declared
   * dead before it had ample time to refute. Each further member suspecting from its own failed probe shortens it,
   * logarithmically, down to 4 times this (4 s) once `indirectProbes` of them confirmed: a member that merely went
   * silent may be stalled (a long GC, a blocked event loop, a saturated CPU), and the default rides out a 3 s stall.
   * It comes down to this time itself once two of them (or the only other member) also saw their connection to it
   * close and could not reach it again: a process that exited is dead a probe timeout plus this after it exits.
   * A confirmation needs a distinct member suspecting and a distinct member telling; hearsay and repeats add nothing.
   */
  suspectTimeout?: number
  /** members asked to probe indirectly, and confirmations that bring a suspicion to its shortest (default 3) */
  indirectProbes?: number
  /** largest membership frame accepted (default 1 MiB) */
  maxFrameSize?: number
  /** how long a dead or left member is remembered so stale gossip cannot revive it (default 1 minute) */
  tombstoneTimeout?: number
  /**
   * ms a browser tab that stopped answering is given to come back before it is declared dead (default 30 s): its
   * suspicion lasts at least this long, whoever confirms it. A background tab the browser froze runs nothing, and a
   * tab's network may drop for a moment; one that closed without a word is dead this long after
   */
  browserLease?: number
}

export { membership, createMembership } from './libp2p-membership.ts'
