// Moving actors that run here to other members with their state: one at a time on migrate, in batches on drain
// before a graceful stop, and to the member placement now prefers when one joins (rebalance).
import { validateStartAnswer } from './wire.ts'
import type { Delivery } from './delivery.ts'
import type { EntryPlacement } from './entry-placement.ts'
import type { DirectoryEntry } from './entry.ts'
import type { Hosting } from './hosting.ts'
import type { MovedDetail } from './index.ts'
import type { DistMessage } from './wire.ts'
import type { Clock } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

/** actors moved in one request */
export const MOVE_BATCH = 256
/** rounds of a drain: an actor whose move was refused is placed again, maybe elsewhere */
const DRAIN_ROUNDS = 4

export interface MovesComponents {
  self: string
  hosting: Pick<Hosting, 'cell' | 'release' | 'names' | 'size'>
  delivery: Pick<Delivery, 'deliver'>
  placement: Pick<EntryPlacement, 'placeQuietly'>
  /** the entry of a distributed actor of that name, tombstone or not */
  get(name: string): DirectoryEntry | undefined
  /** folds in the entries a new holder wrote */
  learn(entries: DirectoryEntry[]): void
  call(peer: string, message: DistMessage, timeout: number): Promise<unknown>
  moved(detail: MovedDetail): void
  callTimeout: number
  clock: Clock
  log: Logger
}

export class Moves {
  private readonly components: MovesComponents

  constructor (components: MovesComponents) {
    this.components = components
  }

  /** Moves actors running here to `target` with their state; returns the names that moved. */
  async moveBatch (target: string, names: string[]): Promise<string[]> {
    const { hosting, log } = this.components
    const cells = names.flatMap(name => {
      const cell = hosting.cell(name)
      return cell != null ? [[name, cell] as const] : []
    })
    await Promise.all(cells.map(async ([, cell]) => { await cell.pause() }))
    let answer: [DirectoryEntry[], Array<[string, string]>]
    try {
      const states = await Promise.all(cells.map(async ([, cell]) => cell.handoffState()))
      const entries = cells.map(([name]) => this.components.get(name) as DirectoryEntry)
      answer = validateStartAnswer(await this.components.call(target, ['start', entries, states, false], this.components.callTimeout))
    } catch (err) {
      log('moving %d actors to %s failed - %e', cells.length, target, err)
      for (const [, cell] of cells) { cell.unpause() }
      return []
    }
    const [started, failed] = answer
    for (const [name, reason] of failed) {
      log('%s did not move to %s: %s', name, target, reason)
      hosting.cell(name)?.unpause()
    }
    const moved: string[] = []
    this.components.learn(started)
    for (const entry of started) {
      const letters = await hosting.release(entry.name)
      if (letters == null) { continue }
      // what arrived during the move goes after it, in arrival order
      for (const letter of letters) { this.components.delivery.deliver(entry.name, letter, 0) }
      moved.push(entry.name)
      this.components.moved({ name: entry.name, from: this.components.self, to: target, withState: true })
    }
    return moved
  }

  /** Moves every actor running here to where placement puts it, until `deadline`; the ones placed nowhere stay. */
  async drain (deadline: number): Promise<void> {
    const { hosting, clock } = this.components
    // a member that took none of a batch may have crashed unnoticed so far: the next round places its share elsewhere
    const refused = new Set<string>()
    for (let round = 0; round < DRAIN_ROUNDS && hosting.size > 0 && clock.now() < deadline; round++) {
      const byTarget = this.byTarget(() => true, refused)
      if (byTarget.size === 0) { break }
      await Promise.allSettled([...byTarget].map(async ([target, names]) => {
        for (let i = 0; i < names.length && clock.now() < deadline; i += MOVE_BATCH) {
          const moved = await this.moveBatch(target, names.slice(i, i + MOVE_BATCH))
          if (moved.length === 0) {
            refused.add(target)
            break
          }
        }
      }))
    }
  }

  /** Moves actors placed by hash to the member their placement now prefers. */
  async rebalance (): Promise<void> {
    const byTarget = this.byTarget(entry => entry.placement === 'rendezvous' || entry.placement === 'hash-ring')
    for (const [target, names] of byTarget) {
      for (let i = 0; i < names.length; i += MOVE_BATCH) { await this.moveBatch(target, names.slice(i, i + MOVE_BATCH)) }
    }
  }

  /** the actors running here that placement puts elsewhere, by the member it puts them on */
  private byTarget (movable: (entry: DirectoryEntry) => boolean, exclude?: ReadonlySet<string>): Map<string, string[]> {
    const byTarget = new Map<string, string[]>()
    for (const name of this.components.hosting.names()) {
      const entry = this.components.get(name)
      if (entry == null || !movable(entry)) { continue }
      const target = this.components.placement.placeQuietly(entry, exclude)
      if (target == null || target === this.components.self) { continue }
      appendTo(byTarget, target, name)
    }
    return byTarget
  }
}

/** Adds a value to the list kept under a key; copying the list on every add would cost the square of its length. */
export function appendTo<K, V> (lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key)
  if (list == null) { lists.set(key, [value]) } else { list.push(value) }
}
