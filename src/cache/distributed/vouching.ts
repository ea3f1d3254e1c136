// Backups check with their owners that they are still counted on. A copy is synced only while its owner counts it
// among its backups; an owner that stopped doing so (it handed the partition on, or dropped the copy without this
// node hearing) says so here, and the copy goes back to being filled: it neither takes over with writes it missed
// nor holds up a leaving node. A member that should keep a partition and holds no synced copy asks to be filled.
import { Holding } from './cache-wire.ts'
import { PARTITIONS } from './partition-ranks.ts'
import type { EngineContext } from './engine-context.ts'

/** how often backups check with their owners */
export const VOUCH_INTERVAL = 2000
/** owners asked in one round at most: in a cluster of many, each owner is asked every few rounds */
const OWNERS_PER_ROUND = 8

export class Vouching {
  private readonly context: EngineContext
  private last = -Infinity
  private asking = false
  /** where the next round starts in the sorted list of owners */
  private turn = 0

  constructor (context: EngineContext) {
    this.context = context
  }

  /** Asks each owner this node follows, at most every VOUCH_INTERVAL. */
  run (): void {
    const { context } = this
    const now = context.clock.now()
    if (this.asking || now - this.last < VOUCH_INTERVAL) { return }
    this.last = now
    const asks = new Map<string, { held: number[], wanted: number[] }>()
    const ask = (owner: string): { held: number[], wanted: number[] } => {
      let lists = asks.get(owner)
      if (lists == null) {
        lists = { held: [], wanted: [] }
        asks.set(owner, lists)
      }
      return lists
    }
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const state = context.states.get(partition)
      const keepers = context.ranks.of(partition)
      if (state?.holding === Holding.Replica && state.owner != null && state.owner !== context.self && context.isActive(state.owner)) {
        ask(state.owner).held.push(partition)
      } else if (state?.holding !== Holding.Acting && keepers.includes(context.self) && keepers[0] !== context.self && keepers[0] != null) {
        ask(keepers[0]).wanted.push(partition)
      }
    }
    if (asks.size === 0) { return }
    // a few owners a round, in turn: a member of a large replicated cache follows every other member
    const owners = [...asks.keys()].sort()
    const asked = owners.length <= OWNERS_PER_ROUND ? owners : Array.from({ length: OWNERS_PER_ROUND }, (_, i) => owners[(this.turn + i) % owners.length])
    this.turn = (this.turn + OWNERS_PER_ROUND) % Math.max(1, owners.length)
    this.asking = true
    Promise.all(asked.map(async (owner) => {
      const { held, wanted } = asks.get(owner) ?? { held: [], wanted: [] }
      await this.ask(owner, held, wanted)
    }))
      .finally(() => { this.asking = false })
      .catch(() => {})
  }

  /** The owner's side: which of `held` it counts `from` for; the `wanted` ones it will fill. */
  answer (from: string, held: readonly number[], wanted: readonly number[]): number[] {
    const { context } = this
    for (const partition of wanted) {
      const state = context.states.get(partition)
      if (state?.holding === Holding.Acting && state.synced.delete(from)) { context.schedule() }
    }
    return held.filter(partition => {
      const state = context.states.get(partition)
      return state?.holding === Holding.Acting && state.synced.has(from)
    })
  }

  private async ask (owner: string, held: number[], wanted: number[]): Promise<void> {
    const { context } = this
    let counted: unknown
    try {
      counted = await context.call(owner, ['vouch', context.name, context.spec, held, wanted], context.callTimeout)
    } catch {
      // an owner that does not answer vouches for nothing, and takes nothing back: its loss is noticed otherwise
      return
    }
    if (!Array.isArray(counted)) { return }
    const kept = new Set(counted)
    for (const partition of held) {
      const state = context.states.get(partition)
      if (kept.has(partition) || state?.holding !== Holding.Replica || state.owner !== owner) { continue }
      // a copy nobody counts on: kept to be filled again where this node should keep the partition, else dropped
      if (context.ranks.of(partition).includes(context.self)) {
        state.holding = Holding.Filling
      } else {
        context.forget(partition)
      }
    }
  }
}
