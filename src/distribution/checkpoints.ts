// State checkpoints: the holder of an actor that asks for them sends its handoff state to a few other members at a
// fixed interval; when the holder dies, the new one resumes from the freshest copy it can find.
import { validateCheckpoints } from './wire.ts'
import type { Checkpoint, DistMessage } from './wire.ts'
import type { ActorCell } from '../actors/actor-cell.ts'
import type { Clock, Timer } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

export interface CheckpointsComponents {
  /** the members that keep the checkpoints of a name: the next ones in its placement order */
  replicasOf(name: string, count: number): string[]
  peers(): string[]
  send(peer: string, message: DistMessage): void
  call(peer: string, message: DistMessage, timeout: number): Promise<unknown>
  clock: Clock
  log: Logger
}

interface Kept {
  at: number
  state: unknown
}

export class Checkpoints {
  private readonly components: CheckpointsComponents
  /** checkpoints this node keeps for other nodes' actors */
  private readonly kept = new Map<string, Kept>()
  private readonly timers = new Map<string, Timer>()

  constructor (components: CheckpointsComponents) {
    this.components = components
  }

  /** Starts checkpointing an actor this node runs. */
  follow (name: string, cell: ActorCell, interval: number, replicas: number): void {
    this.unfollow(name)
    const timer = this.components.clock.every(interval, () => {
      cell.snapshot().then((state) => {
        const at = this.components.clock.now()
        for (const peer of this.components.replicasOf(name, replicas)) {
          this.components.send(peer, ['checkpoint', name, at, state])
        }
      }, (err: Error) => {
        this.components.log('checkpoint of %s failed - %e', name, err)
      })
    })
    this.timers.set(name, timer)
  }

  unfollow (name: string): void {
    this.timers.get(name)?.cancel()
    this.timers.delete(name)
  }

  /** Keeps a checkpoint sent by a holder, when newer than the one kept. */
  keep (name: string, at: number, state: unknown): void {
    const kept = this.kept.get(name)
    if (kept == null || kept.at < at) { this.kept.set(name, { at, state }) }
  }

  forget (name: string): void {
    this.kept.delete(name)
  }

  local (names: string[]): Checkpoint[] {
    const found: Checkpoint[] = []
    for (const name of names) {
      const kept = this.kept.get(name)
      if (kept != null) { found.push([name, kept.at, kept.state]) }
    }
    return found
  }

  /** The freshest checkpoint of each name, among this node's and every reachable member's. */
  async freshest (names: string[], timeout: number): Promise<Map<string, unknown>> {
    const best = new Map<string, Kept>()
    const offer = ([name, at, state]: Checkpoint): void => {
      const known = best.get(name)
      if (known == null || known.at < at) { best.set(name, { at, state }) }
    }
    this.local(names).forEach(offer)
    await Promise.allSettled(this.components.peers().map(async (peer) => {
      const answer = validateCheckpoints(await this.components.call(peer, ['checkpoints', names], timeout))
      answer.forEach(offer)
    }))
    return new Map([...best].map(([name, kept]) => [name, kept.state]))
  }

  stop (): void {
    for (const timer of this.timers.values()) { timer.cancel() }
    this.timers.clear()
    this.kept.clear()
  }
}
