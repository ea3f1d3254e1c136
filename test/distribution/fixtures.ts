// Actors and helpers for the distributed-actor tests.
import type { ActorContext } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

/** Counts the messages it handled; its count moves with it. Answers `{ get: true }` with where it runs and its count. */
export class Counter {
  count = 0
  resumed = false

  receive (message: { get?: true, add?: number }, context: ActorContext): { count: number, node: string, resumed: boolean } {
    if (message.add != null) { this.count += message.add }
    return { count: this.count, node: context.self.node, resumed: this.resumed }
  }

  handoff (): { count: number } {
    return { count: this.count }
  }

  resume (state: { count: number }): void {
    this.count = state.count
    this.resumed = true
  }
}

/** How many instances of each distributed actor run across these nodes right now. */
export function instances (nodes: FoundationNode[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const node of nodes) {
    if (node.host.status !== 'started') { continue }
    for (const name of node.distribution.hostedNames()) {
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
  }
  return counts
}

/** true when these nodes run exactly `count` distributed actors, each exactly once */
export function runsOnceEach (nodes: FoundationNode[], count: number): boolean {
  const counts = instances(nodes)
  return counts.size === count && [...counts.values()].every(n => n === 1)
}
