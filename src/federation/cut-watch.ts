// A gateway's calls forwarded into another cluster, failed at once when its node there loses sight of every other
// member: a gateway cut off from that cluster must not hold its callers until their timeouts, when another gateway
// may still reach it.
import type { Sibling } from './index.ts'

/**
 * Whether the node holds another member alive, or knows no other at all (it is the whole cluster: a call through it
 * goes to its own actors). Suspects do not count: a node cut off from its cluster suspects every other member within
 * a few probes, long before it declares them dead, and calls through it would wait meanwhile.
 */
export function reachesOthers (sibling: Sibling): boolean {
  const others = sibling.members().filter(member => member.id !== sibling.id)
  return others.length === 0 || others.some(member => member.status === 'alive')
}

export class CutWatch {
  /** the calls in flight through each node, each with the controller that aborts it */
  private readonly inFlight = new Map<Sibling, Set<AbortController>>()

  /**
   * Runs a forwarded call with a signal that aborts when the node stops reaching the other members; `cutOff` makes
   * the error the caller gets then.
   */
  async during<T>(sibling: Sibling, call: (signal: AbortSignal) => Promise<T>, cutOff: (cause: unknown) => Error): Promise<T> {
    let calls = this.inFlight.get(sibling)
    if (calls == null) {
      calls = new Set()
      this.inFlight.set(sibling, calls)
      this.watch(sibling, calls)
    }
    const controller = new AbortController()
    calls.add(controller)
    try {
      return await call(controller.signal)
    } catch (err) {
      throw controller.signal.aborted ? cutOff(err) : err
    } finally {
      calls.delete(controller)
    }
  }

  /** One pair of listeners per node, for its life: a federation's nodes are fixed from its start to its stop. */
  private watch (sibling: Sibling, calls: Set<AbortController>): void {
    const check = (): void => {
      if (calls.size === 0 || reachesOthers(sibling)) { return }
      for (const controller of calls) { controller.abort() }
    }
    sibling.addEventListener('member:suspect', check)
    sibling.addEventListener('member:leave', check)
  }
}
