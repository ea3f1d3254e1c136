// Distributed actors: started somewhere in the cluster by a placement strategy, restarted elsewhere when their node
// dies, moved with their state when it leaves, one instance per name when the cluster is whole.
import type { ActorRef } from '../actors/ref.ts'
import type { Placement } from '../placement/index.ts'

export type { DirectoryEntry, QuorumRule, PlacementKind } from './entry.ts'
export type { EndReason } from './duties.ts'

export interface DistributeOptions {
  /**
   * which member runs it (default 'rendezvous'); a function runs only on the node that spawned the actor, and a
   * failover elsewhere falls back to 'rendezvous'
   */
  placement?: Placement
  /** only members with every one of these roles may run it (default none) */
  roles?: string[]
  /**
   * run only while this node's side of the cluster has a quorum: true for a majority of the known members
   * (alive, suspect and unreachable), a number for at least that many reachable members (default off)
   */
  quorum?: boolean | number
  /**
   * send the actor's `handoff()` state to `replicas` other members every `interval` ms, so that a crash of its node
   * loses at most the last interval's changes (default off; replicas default 1)
   */
  checkpoint?: { interval: number, replicas?: number }
}

export interface DistributedActorInfo {
  name: string
  type: string
  /** peer id of the node running it */
  node: string
  ref: ActorRef
}

export interface FailoverDetail {
  name: string
  /** the node that was lost */
  from: string
  /** the node that runs it now */
  to: string
}

export interface MovedDetail {
  name: string
  from: string
  to: string
  /** the actor's state came along */
  withState: boolean
}

export interface DuplicateDetail {
  name: string
  /** the instance that stays */
  kept: ActorRef
  /** this node's instance, ended */
  ended: ActorRef
}

export interface DistributionEvents {
  /** actors of a lost node restarted here */
  'actor:failover': CustomEvent<FailoverDetail>
  /** an actor this node ran moved to another member, with its state */
  'actor:moved': CustomEvent<MovedDetail>
  /** a second instance of a name ran here (two sides of a healed partition each ran one); this one ended */
  'actor:duplicate': CustomEvent<DuplicateDetail>
  /** an actor ended here because this side of a partition lost the quorum it asks for */
  'actor:quorum-lost': CustomEvent<{ name: string }>
}

export interface DistributionInit {
  /** move actors to a member that joins when placement now prefers it, with their state (default false) */
  rebalance?: boolean
  /** longest a graceful stop waits while moving this node's actors away (default 30 s) */
  drainTimeout?: number
}
