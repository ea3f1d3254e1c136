// Actors and helpers for the distributed-actor tests.
import type { ActorContext } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { NameVersion } from '../../src/names/name-entry.ts'

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

/**
 * For each distributed actor among `names` (and any other running) that does not run exactly once: the nodes that
 * host it, and every node's name-table entry for it. `known` names the holders and writers no longer among `nodes`.
 */
export function describeInstances (nodes: FoundationNode[], names: Iterable<string>, known: FoundationNode[] = nodes): string {
  const counts = instances(nodes)
  const nameOf = (id: string): string => known.find(n => n.id === id)?.name ?? `…${id.slice(-6)}`
  // as the chaos trace prints times, so the two can be read side by side
  const versionOf = (version: NameVersion): string => `${version.time % 100_000}.${version.counter} by ${nameOf(version.writer)}`
  const lines: string[] = []
  for (const name of new Set([...names, ...counts.keys()])) {
    const count = counts.get(name) ?? 0
    if (count === 1) { continue }
    const hosts = nodes.filter(n => n.host.status === 'started' && n.distribution.hostedNames().includes(name))
    lines.push(count === 0 ? `${name} runs nowhere` : `${name} runs ${count} times, on ${hosts.map(n => n.name).join(', ')}`)
    for (const node of nodes) {
      const entry = node.names.table.get(name)
      if (entry == null) {
        lines.push(`  ${node.name} holds no entry`)
        continue
      }
      const taken = entry.taken != null ? versionOf(entry.taken) : '(this write)'
      lines.push(`  ${node.name} holds holder ${nameOf(entry.holder)}, stopped ${String(entry.stopped)}, version ${versionOf(entry.version)}, taken ${taken}`)
    }
  }
  return lines.join('\n')
}
