// A job's accumulator: each chunk's result folded in exactly once, as results arrive or in chunk order.
import type { ChunkInfo, Reducer } from './index.ts'

/** Chunk indexes seen: the run of them from 0 as one number, the others in a set, so a long job holds few. */
class IndexSet {
  private below = 0
  private readonly above = new Set<number>()

  has (index: number): boolean {
    return index < this.below || this.above.has(index)
  }

  add (index: number): void {
    this.above.add(index)
    while (this.above.delete(this.below)) { this.below++ }
  }
}

export class Reduction<Acc, Result> {
  private readonly reduce: Reducer<Acc, Result>
  private readonly ordered: boolean
  private readonly accepted = new IndexSet()
  /** results waiting for the chunks before them, when ordered */
  private readonly waiting = new Map<number, { result: Result, info: ChunkInfo }>()
  private nextInOrder = 0
  private accumulator: Acc | undefined
  private started: boolean
  private count = 0

  constructor (reduce: Reducer<Acc, Result>, initial: { value: Acc } | undefined, ordered: boolean) {
    this.reduce = reduce
    this.ordered = ordered
    this.started = initial !== undefined
    this.accumulator = initial?.value
  }

  /** chunks folded into the accumulator */
  get done (): number {
    return this.count
  }

  /** whether a result for the chunk was taken already: a second one is dropped */
  has (index: number): boolean {
    return this.accepted.has(index)
  }

  /** Takes a chunk's result; false for a chunk taken before. Throws what the reducer throws. */
  accept (result: Result, info: ChunkInfo): boolean {
    if (this.accepted.has(info.index)) { return false }
    this.accepted.add(info.index)
    if (!this.ordered) {
      this.fold(result, info)
      return true
    }
    this.waiting.set(info.index, { result, info })
    for (let next = this.waiting.get(this.nextInOrder); next !== undefined; next = this.waiting.get(this.nextInOrder)) {
      this.waiting.delete(this.nextInOrder)
      this.nextInOrder++
      this.fold(next.result, next.info)
    }
    return true
  }

  /** The accumulator once every chunk was taken; a TypeError when there was no chunk and no initial value. */
  result (): Acc {
    if (!this.started) {
      throw new TypeError('mapReduce of an empty source with no initial value: there is no accumulator to return (pass options.initial)')
    }
    return this.accumulator as Acc
  }

  private fold (result: Result, info: ChunkInfo): void {
    if (this.started) {
      this.accumulator = this.reduce(this.accumulator as Acc, result, info)
    } else {
      // without an initial value the first result folded becomes the accumulator, as Array.prototype.reduce does
      this.accumulator = result as unknown as Acc
      this.started = true
    }
    this.count++
  }
}
