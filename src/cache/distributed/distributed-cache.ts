// The handle on a partitioned or replicated cache: encodes values, sends each operation to its partition's owner,
// and reads a replicated cache from this node's own copy once that copy holds every write.
import { TypedEventEmitter } from '@libp2p/interface'
import { forwardEvents } from '../../cluster/forward-events.ts'
import { Codec } from '../../wire/codec.ts'
import { countRead } from '../cache-counters.ts'
import { CacheUnavailableError, CacheValueError, EntryTooLargeError } from '../errors.ts'
import { Singleflight } from '../singleflight.ts'
import { Holding } from './cache-wire.ts'
import { PARTITIONS, partitionOf } from './partition-ranks.ts'
import type { CacheEngine } from './cache-engine.ts'
import type { CacheOp } from './cache-wire.ts'
import type { OpRouter, Settled } from './op-router.ts'
import type { ResolvedCacheOptions } from '../cache-options.ts'
import type { Cache, CacheEvents, CacheMode, CacheStats, WriteOptions } from '../index.ts'

const EVENTS = ['entry:evicted', 'rebalance:start', 'rebalance:end', 'partition:lost'] as const

export class DistributedCache<V> extends TypedEventEmitter<CacheEvents> implements Cache<V> {
  readonly name: string
  readonly mode: CacheMode
  private readonly engine: CacheEngine
  private readonly router: OpRouter
  private readonly options: ResolvedCacheOptions
  private readonly codec = new Codec()
  private readonly loads = new Singleflight<V>()

  constructor (engine: CacheEngine, router: OpRouter, options: ResolvedCacheOptions) {
    super()
    this.name = engine.name
    this.mode = options.mode
    this.engine = engine
    this.router = router
    this.options = options
    forwardEvents(engine, this, EVENTS)
  }

  async get (key: string): Promise<V | undefined> {
    const [value] = await this.read([key])
    return value
  }

  async has (key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined
  }

  async mget (keys: readonly string[]): Promise<Array<V | undefined>> {
    return this.read(keys)
  }

  async set (key: string, value: V, options: WriteOptions = {}): Promise<void> {
    await this.mset([[key, value]], options)
  }

  async mset (entries: Iterable<readonly [string, V]>, options: WriteOptions = {}): Promise<void> {
    const ttl = this.ttlOf(options)
    const items = [...entries].map(([key, value]) => [checkKey(this.name, key), this.encode(key, value), ttl] as [string, Uint8Array, number])
    await this.byPartition(items.map(item => item[0]), async (partition, indexes) => {
      // in batches that each fit a message, with room for the versions the owner adds when it copies them on
      for (const batch of batches(indexes.map(i => items[i]), this.engine.chunkBytes)) {
        await this.route(partition, ['put', batch], batch[0][0])
      }
    })
    this.engine.counts.writes += items.length
  }

  async delete (key: string): Promise<boolean> {
    const answer = await this.route(partitionOf(checkKey(this.name, key)), ['put', [[key, null, 0]]], key)
    const existed = Array.isArray(answer[1]) && answer[1][0] === true
    if (existed) { this.engine.counts.deletes++ }
    return existed
  }

  async incr (key: string, by = 1, options: WriteOptions = {}): Promise<number> {
    if (typeof by !== 'number' || !Number.isFinite(by)) { throw new CacheValueError(this.name, key, `cannot be incremented by ${String(by)}: not a finite number`) }
    const ttl = options.ttl !== undefined ? this.ttlOf(options) : -1
    const answer = await this.router.route(partitionOf(checkKey(this.name, key)), ['incr', key, by, ttl], key, this.options.timeout, true)
    if (answer[0] === 'err') { throw new CacheValueError(this.name, key, answer[2]) }
    this.engine.counts.writes++
    return answer[1] as number
  }

  async getOrLoad (key: string, loader: (key: string) => V | Promise<V>, options: WriteOptions = {}): Promise<V> {
    checkKey(this.name, key)
    return this.loads.run(key, async () => {
      const partition = partitionOf(key)
      const wait = this.options.loadTimeout + this.options.timeout
      const answer = await this.router.route(partition, ['lease', key], key, wait)
      if (answer[0] === 'ok') {
        countRead(this.engine.counts, true)
        return this.decode(answer[1])
      }
      if (answer[0] !== 'load') { throw new CacheUnavailableError(this.name, key, 'the owner answered a load with something else') }
      countRead(this.engine.counts, false)
      let value: V
      try {
        value = await loader(key)
      } catch (err) {
        // the next caller waiting loads instead
        this.router.route(partition, ['unlease', key], key, this.options.timeout).catch(() => {})
        throw err
      }
      if (value === undefined) {
        this.router.route(partition, ['unlease', key], key, this.options.timeout).catch(() => {})
        return value
      }
      await this.set(key, value, options)
      return value
    })
  }

  async clear (): Promise<void> {
    await Promise.all(Array.from({ length: PARTITIONS }, async (_, partition) => this.route(partition, ['clear'], '(clear)')))
  }

  async size (): Promise<number> {
    const counts = await Promise.all(Array.from({ length: PARTITIONS }, async (_, partition) => this.route(partition, ['count'], '(size)')))
    return counts.reduce((sum, answer) => sum + (typeof answer[1] === 'number' ? answer[1] : 0), 0)
  }

  stats (): CacheStats {
    return this.engine.stats()
  }

  private async read (keys: readonly string[]): Promise<Array<V | undefined>> {
    const values = new Array<V | undefined>(keys.length)
    await this.byPartition(keys.map(key => checkKey(this.name, key)), async (partition, indexes) => {
      const wanted = indexes.map(i => keys[i])
      let found: Array<Uint8Array | null>
      if (this.readsHere(partition)) {
        found = wanted.map(key => this.engine.store.read(key)?.value ?? null)
      } else {
        found = []
        // an answer carries as many values as fit one message: ask again for the rest
        while (found.length < wanted.length) {
          const answer = await this.route(partition, ['get', wanted.slice(found.length)], wanted[found.length])
          const part = Array.isArray(answer[1]) ? answer[1] : []
          if (part.length === 0) { throw new CacheUnavailableError(this.name, wanted[found.length], 'the owner answered no value') }
          found.push(...part)
        }
      }
      indexes.forEach((index, i) => {
        const bytes = found[i]
        countRead(this.engine.counts, bytes instanceof Uint8Array)
        values[index] = bytes instanceof Uint8Array ? this.decode(bytes) : undefined
      })
    })
    return values
  }

  /** a replicated cache reads its own copy once it holds every acknowledged write; a backup only when asked to */
  private readsHere (partition: number): boolean {
    const holding = this.engine.holding(partition)
    if (holding === Holding.Acting) { return true }
    return holding === Holding.Replica && (this.mode === 'replicated' || this.options.readFromBackups)
  }

  private async byPartition (keys: readonly string[], fn: (partition: number, indexes: number[]) => Promise<void>): Promise<void> {
    const groups = new Map<number, number[]>()
    keys.forEach((key, index) => {
      const partition = partitionOf(key)
      const group = groups.get(partition)
      if (group == null) { groups.set(partition, [index]) } else { group.push(index) }
    })
    await Promise.all([...groups].map(async ([partition, indexes]) => { await fn(partition, indexes) }))
  }

  private async route (partition: number, op: CacheOp, key: string): Promise<Settled> {
    return this.router.route(partition, op, key, this.options.timeout)
  }

  private encode (key: string, value: V): Uint8Array {
    if (value === undefined) { throw new CacheValueError(this.name, key, 'cannot be set to undefined: delete it instead') }
    const bytes = this.codec.encode(value)
    if (bytes.byteLength > this.options.maxEntrySize) { throw new EntryTooLargeError(this.name, key, bytes.byteLength, this.options.maxEntrySize) }
    return bytes
  }

  private decode (bytes: unknown): V {
    if (!(bytes instanceof Uint8Array)) { throw new CacheUnavailableError(this.name, '(value)', 'an owner answered with no value') }
    return this.codec.decode(bytes) as V
  }

  private ttlOf (options: WriteOptions): number {
    const ttl = options.ttl ?? this.options.ttl ?? 0
    if (!Number.isInteger(ttl) || ttl < 0) { throw new CacheValueError(this.name, '(options)', `ttl must be a whole number of ms, not ${String(ttl)}`) }
    return ttl
  }
}

/** Splits put items into batches of at most `bytes` of keys and values (one item, however large, per batch at least). */
function batches (items: Array<[string, Uint8Array, number]>, bytes: number): Array<Array<[string, Uint8Array, number]>> {
  const out: Array<Array<[string, Uint8Array, number]>> = []
  let batch: Array<[string, Uint8Array, number]> = []
  let size = 0
  for (const item of items) {
    const itemSize = 32 + item[0].length * 3 + item[1].byteLength
    if (batch.length > 0 && size + itemSize > bytes) {
      out.push(batch)
      batch = []
      size = 0
    }
    batch.push(item)
    size += itemSize
  }
  if (batch.length > 0) { out.push(batch) }
  return out
}

function checkKey (cache: string, key: unknown): string {
  if (typeof key !== 'string') { throw new CacheValueError(cache, String(key), 'is not a string: keys are strings') }
  return key
}
