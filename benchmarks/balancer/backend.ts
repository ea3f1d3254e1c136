// The service the balancer benchmark routes to: one actor per node, joined to a process group named after the run, whose
// work is a timer (a backend's delay) or a failure. Each run serves a fresh group on fresh actors, so no strategy
// inherits another's latency estimates, ejections or queued messages.
import { waitFor } from '../lib/util.ts'
import { POLL_MS, SERVE_TIMEOUT_MS } from './settings.ts'
import type { Actor, ActorRef } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { GroupTable } from '../../src/groups/group-table.ts'

/**
 * What one node's actor does with each call. `delay`: answers its node's name after `ms` (one call at a time, as
 * every actor: calls queue in its mailbox). `throws`: fails every call at once with an error of its own (an
 * ActorHandlerError to the caller: the actor took the message, so the balancer does not retry it; only ejection
 * spares later calls). `gone`: no actor at all, though the group lists one: the node answers every call with
 * ActorNotFoundError (the actor never took the message, so the balancer retries it on another), as in the moment
 * between an actor's end and the group hearing of it, here made to last the whole run.
 */
export type Behaviour = { kind: 'delay', ms: number } | { kind: 'throws' } | { kind: 'gone' }

export class Backend implements Actor {
  private readonly node: string
  private readonly ms: number
  private readonly fails: boolean

  constructor (node: string, ms: number, fails: boolean) {
    this.node = node
    this.ms = ms
    this.fails = fails
  }

  async receive (): Promise<string> {
    if (this.fails) { throw new Error(`${this.node} fails every call`) }
    if (this.ms > 0) { await new Promise(resolve => setTimeout(resolve, this.ms)) }
    return this.node
  }
}

/** what of a node's groups the `gone` behaviour reaches into: a member listed with no actor behind it */
interface GroupInternals {
  table: GroupTable
  changed(change: ReturnType<GroupTable['join']>): Promise<void>
}

export interface Service {
  name: string
  /** one per node, in the nodes' order */
  refs: ActorRef[]
  /** stops the actors (they leave the group) and takes the listed-but-gone members out */
  retire(): Promise<void>
}

/** Every node serves `name` with one actor behaving as `behaviour(i)`; resolves once every caller node sees them all. */
export async function serve (nodes: readonly FoundationNode[], callers: readonly FoundationNode[], name: string, behaviour: (i: number) => Behaviour): Promise<Service> {
  const refs: ActorRef[] = []
  const ghosts: Array<{ node: FoundationNode, ref: ActorRef }> = []
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]
    const b = behaviour(i)
    if (b.kind === 'gone') {
      const ref = { node: node.id, id: `gone-${name}` }
      const groups = node.groups as unknown as GroupInternals
      await groups.changed(groups.table.join(name, ref.id))
      ghosts.push({ node, ref })
      refs.push(ref)
      continue
    }
    const ref = await node.spawn(Backend, { args: [node.name, b.kind === 'delay' ? b.ms : 0, b.kind === 'throws'] })
    await node.groups.join(name, ref)
    refs.push(ref)
  }
  await waitFor(() => callers.every(c => c.groups.members(name).length === nodes.length), SERVE_TIMEOUT_MS, `every caller node sees the ${nodes.length} actors of ${name}`, POLL_MS)
  return {
    name,
    refs,
    retire: async () => {
      for (const { node, ref } of ghosts) { await node.groups.leave(name, ref) }
      await Promise.allSettled(refs.filter(ref => !ghosts.some(g => g.ref === ref)).map(async ref => nodes.find(n => n.id === ref.node)?.stopActor(ref)))
    }
  }
}
