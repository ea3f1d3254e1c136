// What membership tells the nodes of an overlay simulation: who joined and who is up, how many members there were
// when, a random member to join through, and a random sample of the member list, which keeps a crashed node a
// while. Membership itself is not simulated here (its own simulations cover it).
import { randomInt } from '../membership/swim/random.ts'
import { MemberCounts } from './member-counts.ts'
import type { OverlayNode } from './overlay-sim-init.ts'

export class SimMembers {
  /** every node that ever joined, in the order it did */
  readonly nodes: OverlayNode[] = []
  /** the true member count over time; a switching node reads it a lag behind */
  readonly counts = new MemberCounts()
  private readonly byId = new Map<string, OverlayNode>()
  private readonly random: () => number
  private readonly membershipDelay: number
  private upCount = 0

  constructor (random: () => number, membershipDelay: number) {
    this.random = random
    this.membershipDelay = membershipDelay
  }

  /** nodes up now */
  get size (): number {
    return this.upCount
  }

  get (id: string): OverlayNode | undefined {
    return this.byId.get(id)
  }

  add (node: OverlayNode, now: number): void {
    this.nodes.push(node)
    this.byId.set(node.id, node)
    this.upCount++
    this.counts.record(now, this.upCount)
  }

  /** The node crashed or left. */
  down (node: OverlayNode, now: number): void {
    if (!node.up) { return }
    node.up = false
    node.crashedAt = now
    this.upCount--
    this.counts.record(now, this.upCount)
  }

  /**
   * Up to `count` random members as a node's member list has them: every node that joined, less those crashed more
   * than a membershipDelay ago.
   */
  sample (self: string, count: number, now: number): string[] {
    const members: string[] = []
    for (let attempt = 0; attempt < 4 * count && members.length < count; attempt++) {
      const other = this.nodes[randomInt(this.random, this.nodes.length)]
      if (other.id === self || (other.crashedAt != null && now - other.crashedAt > this.membershipDelay)) { continue }
      members.push(other.id)
    }
    return members
  }

  /** A node up other than `node`, drawn at random; undefined when there is none. */
  contact (node: OverlayNode | undefined): OverlayNode | undefined {
    for (let attempt = 0; attempt < 64; attempt++) {
      const contact = this.nodes[randomInt(this.random, this.nodes.length)]
      if (contact.up && contact !== node) { return contact }
    }
    return this.nodes.find(other => other.up && other !== node)
  }
}
