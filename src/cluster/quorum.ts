// Whether this node's side of the cluster has a quorum: counted against the members it knows, reachable or not.
import type { QuorumRule } from '../distribution/entry.ts'
import type { Membership } from '../membership/index.ts'

/** Members that left gracefully do not count; dead ones do, for as long as membership remembers them. */
export function hasQuorum (membership: Membership, rule: QuorumRule): boolean {
  if (rule === 0) { return true }
  const reachable = membership.activeMembers().length
  if (rule === 'majority') {
    const known = membership.members().filter(member => member.status !== 'left').length
    return reachable * 2 > known
  }
  return reachable >= rule
}
