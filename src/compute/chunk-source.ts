// A job's source read into chunks as the job asks for them: an array is sliced, an iterable or async iterable is
// pulled item by item, never more than the chunk asked for plus one chunk read ahead (an async source), so a source
// larger than memory streams through while only the chunks in flight are held.

/** One chunk of the source, its items encoded once for every try. */
export interface Chunk {
  /** from 0, in source order */
  index: number
  /** the index in the source of its first item */
  first: number
  size: number
  /** the items, msgpack-encoded: what every try of the chunk carries */
  bytes: Uint8Array
  /** tries so far */
  attempts: number
}

/** Encodes a chunk's items; throws when they cannot travel (too large, not plain data). */
export type ChunkEncoder<Item> = (items: Item[], index: number) => Uint8Array

/** chunks of an async source read before they are asked for, so a slow source overlaps with the work */
const READ_AHEAD = 1

export class ChunkSource<Item> {
  private readonly chunkSize: number
  private readonly encode: ChunkEncoder<Item>
  private readonly array: readonly Item[] | undefined
  private readonly iterator: Iterator<Item> | AsyncIterator<Item> | undefined
  private readonly isAsync: boolean
  private readonly ahead: Array<Promise<Chunk | undefined>> = []
  private made = 0
  private itemsRead = 0
  private finished = false
  private closed = false

  constructor (source: Iterable<Item> | AsyncIterable<Item>, chunkSize: number, encode: ChunkEncoder<Item>) {
    this.chunkSize = chunkSize
    this.encode = encode
    if (Array.isArray(source)) {
      this.array = source
      this.isAsync = false
    } else if (typeof (source as AsyncIterable<Item>)[Symbol.asyncIterator] === 'function') {
      this.iterator = (source as AsyncIterable<Item>)[Symbol.asyncIterator]()
      this.isAsync = true
    } else {
      this.iterator = (source as Iterable<Item>)[Symbol.iterator]()
      this.isAsync = false
    }
  }

  /** items read from the source so far */
  get items (): number {
    return this.itemsRead
  }

  /** chunks made so far; once `ended`, how many the source makes */
  get chunks (): number {
    return this.made
  }

  /** the source is read to its end */
  get ended (): boolean {
    return this.finished
  }

  /** The next chunk, or undefined past the end; rejects with what the source or the encoder threw. */
  async next (): Promise<Chunk | undefined> {
    const chunk = await (this.ahead.shift() ?? this.read())
    if (this.isAsync) {
      while (this.ahead.length < READ_AHEAD && !this.finished && !this.closed) {
        const read = this.read()
        // a failed read ahead rejects the next call to next(): not unhandled meanwhile
        read.catch(() => {})
        this.ahead.push(read)
      }
    }
    return chunk
  }

  /** Stops reading: the source's iterator is returned, so a generator runs its `finally` and lets go. */
  close (): void {
    if (this.closed) { return }
    this.closed = true
    if (!this.finished && this.iterator?.return != null) {
      try {
        Promise.resolve(this.iterator.return()).catch(() => {})
      } catch {
        // an iterator of the caller's own that fails to close: the job is over all the same
      }
    }
  }

  private async read (): Promise<Chunk | undefined> {
    if (this.finished || this.closed) { return undefined }
    const first = this.itemsRead
    let items: Item[]
    if (this.array !== undefined) {
      items = this.array.slice(first, first + this.chunkSize)
      if (first + items.length >= this.array.length) { this.finished = true }
    } else {
      items = []
      while (items.length < this.chunkSize) {
        const step = this.isAsync ? await (this.iterator as AsyncIterator<Item>).next() : (this.iterator as Iterator<Item>).next()
        if (step.done === true) {
          this.finished = true
          break
        }
        items.push(step.value)
      }
    }
    if (items.length === 0) { return undefined }
    this.itemsRead += items.length
    const index = this.made++
    return { index, first, size: items.length, bytes: this.encode(items, index), attempts: 0 }
  }
}
