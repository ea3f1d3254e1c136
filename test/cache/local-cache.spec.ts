// A local cache: entries in this node's memory, bounded by count and bytes, expiring on a clock the test moves, with
// loads shared between concurrent misses and counters that say exactly what happened.
import { expect } from 'aegir/chai'
import { resolveCacheOptions } from '../../src/cache/cache-options.ts'
import { CacheOptionError, CacheValueError, EntryTooLargeError } from '../../src/cache/errors.ts'
import { LocalCache } from '../../src/cache/local-cache.ts'
import { Codec } from '../../src/wire/codec.ts'
import type { CacheOptions, EvictedDetail } from '../../src/cache/index.ts'
import type { Clock } from '../../src/time/clock.ts'

interface FakeClock extends Clock {
  advance(ms: number): void
}

/** Time that moves only when the test says, with the timers due by then run in order. */
function fakeClock (start = 1_000_000): FakeClock {
  let now = start
  let timers: Array<{ at: number, fn(): void }> = []
  const after = (ms: number, fn: () => void): { cancel(): void } => {
    const timer = { at: now + ms, fn }
    timers.push(timer)
    return { cancel: () => { timers = timers.filter(t => t !== timer) } }
  }
  return {
    now: () => now,
    after,
    every: () => { throw new Error('not used') },
    soon: fn => after(0, fn),
    advance: (ms) => {
      now += ms
      const due = timers.filter(t => t.at <= now).sort((a, b) => a.at - b.at)
      timers = timers.filter(t => t.at > now)
      for (const timer of due) { timer.fn() }
    }
  }
}

const limits = { maxMessageSize: 1024 * 1024, callTimeout: 5000 }
const encodedSize = (value: unknown): number => new Codec().encode(value).byteLength

function open<V = unknown> (options: CacheOptions = {}, clock: Clock = fakeClock()): LocalCache<V> {
  return new LocalCache<V>('test', resolveCacheOptions('test', { mode: 'local', ...options }, limits), clock)
}

function evictions (cache: LocalCache<any>): EvictedDetail[] {
  const seen: EvictedDetail[] = []
  cache.addEventListener('entry:evicted', event => { seen.push(event.detail) })
  return seen
}

async function rejection (promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

describe('local cache', () => {
  it('gets, sets, tells and deletes entries', async () => {
    const cache = open<unknown>()
    expect(cache.mode).to.equal('local')
    expect(cache.name).to.equal('test')
    expect(await cache.get('a')).to.equal(undefined)
    expect(await cache.has('a')).to.equal(false)
    await cache.set('a', { n: 1 })
    await cache.set('nothing', null)
    expect(await cache.get('a')).to.deep.equal({ n: 1 })
    expect(await cache.has('a')).to.equal(true)
    expect(await cache.get('nothing')).to.equal(null)
    await cache.set('a', 'second')
    expect(await cache.get('a')).to.equal('second')
    expect(await cache.delete('a')).to.equal(true)
    expect(await cache.delete('a')).to.equal(false)
    expect(await cache.get('a')).to.equal(undefined)
    expect(await cache.has('a')).to.equal(false)
  })

  it('takes only string keys, and refuses undefined values', async () => {
    const cache = open()
    const attempts = [async () => cache.get(42 as any), async () => cache.set(null as any, 1), async () => cache.has({} as any),
      async () => cache.mget(['a', 7 as any]), async () => cache.mset([['a', 1], [Symbol('k') as any, 2]]),
      async () => cache.incr(1 as any), async () => cache.delete(undefined as any), async () => cache.getOrLoad([] as any, () => 1)]
    for (const attempt of attempts) {
      const err = await rejection(attempt())
      expect(err).to.be.instanceOf(CacheValueError)
      expect(err.message).to.match(/keys are strings/)
    }
    expect(await rejection(cache.set('a', undefined))).to.be.instanceOf(CacheValueError)
    expect(await cache.size()).to.equal(0)
    expect(cache.stats().writes).to.equal(0)
  })

  it('stops returning an entry once its ttl passes, counting and announcing the expiry', async () => {
    const clock = fakeClock()
    const cache = open({ ttl: 100 }, clock)
    const seen = evictions(cache)
    await cache.mset([['a', 1], ['b', 2], ['c', 3]])
    clock.advance(100)
    expect(await cache.get('a')).to.equal(1)
    clock.advance(1)
    expect(await cache.get('a')).to.equal(undefined)
    expect(await cache.has('b')).to.equal(false)
    expect(await cache.mget(['b', 'c'])).to.deep.equal([undefined, undefined])
    expect(await cache.getOrLoad('c', () => 33)).to.equal(33)
    await cache.set('d', 4, { ttl: 10 })
    clock.advance(11)
    expect(await cache.delete('d')).to.equal(false)
    expect(await cache.size()).to.equal(1)
    expect(seen).to.deep.include({ key: 'a', reason: 'expired' })
    expect(seen.every(detail => detail.reason === 'expired')).to.equal(true)
    expect(cache.stats()).to.include({ expirations: 4, evictions: 0, deletes: 0 })
  })

  it('expires entries on a clock that starts at 0', async () => {
    const clock = fakeClock(0)
    const cache = open({ ttl: 10 }, clock)
    await cache.set('a', 1)
    clock.advance(11)
    expect(await cache.get('a')).to.equal(undefined)
  })

  it('gives a write its own ttl over the cache ttl, and keeps an entry with no ttl until it is evicted', async () => {
    const clock = fakeClock()
    const cache = open({ ttl: 1000 }, clock)
    await cache.set('short', 1, { ttl: 50 })
    await cache.set('long', 2, { ttl: 5000 })
    await cache.set('default', 3)
    clock.advance(51)
    expect(await cache.mget(['short', 'long', 'default'])).to.deep.equal([undefined, 2, 3])
    clock.advance(1000)
    expect(await cache.mget(['short', 'long', 'default'])).to.deep.equal([undefined, 2, undefined])

    const forever = open({}, clock)
    await forever.set('kept', 1)
    await forever.set('brief', 2, { ttl: 10 })
    clock.advance(365 * 24 * 3600_000)
    expect(await forever.mget(['kept', 'brief'])).to.deep.equal([1, undefined])
  })

  it('refuses a write ttl that is not a whole number of ms, storing nothing', async () => {
    const cache = open()
    for (const ttl of [0, -5, 1.5, Number.NaN, '100' as any]) {
      expect(await rejection(cache.set('a', 1, { ttl }))).to.be.instanceOf(CacheOptionError)
    }
    expect(await rejection(cache.mset([['a', 1]], { ttl: 0 }))).to.be.instanceOf(CacheOptionError)
    expect(await cache.has('a')).to.equal(false)
  })

  it('evicts the least recently used entry past maxEntries, counting and announcing it', async () => {
    const cache = open({ maxEntries: 3 })
    const seen = evictions(cache)
    await cache.mset([['a', 1], ['b', 2], ['c', 3]])
    await cache.get('a')
    await cache.set('c', 30)
    await cache.set('d', 4)
    expect(await cache.mget(['a', 'b', 'c', 'd'])).to.deep.equal([1, undefined, 30, 4])
    expect(seen).to.deep.equal([{ key: 'b', reason: 'evicted' }])
    await cache.delete('a')
    await cache.set('e', 5)
    expect(seen).to.have.length(1)
    await cache.set('f', 6)
    expect(seen).to.deep.equal([{ key: 'b', reason: 'evicted' }, { key: 'c', reason: 'evicted' }])
    expect(cache.stats()).to.include({ evictions: 2, expirations: 0, deletes: 1, entries: 3 })
  })

  it('evicts past maxBytes of encoded values and reports the bytes held', async () => {
    const value = 'x'.repeat(30)
    const size = encodedSize(value)
    const cache = open({ maxBytes: size * 3 })
    const seen = evictions(cache)
    await cache.mset([['a', value], ['b', value], ['c', value]])
    expect(cache.stats().bytes).to.equal(size * 3)
    await cache.set('d', value)
    expect(await cache.has('a')).to.equal(false)
    expect(seen).to.deep.equal([{ key: 'a', reason: 'evicted' }])
    expect(cache.stats()).to.include({ evictions: 1, entries: 3, bytes: size * 3 })
    await cache.delete('b')
    expect(cache.stats().bytes).to.equal(size * 2)
    await cache.clear()
    expect(cache.stats().bytes).to.equal(0)

    const unmeasured = open()
    await unmeasured.set('a', value)
    expect(unmeasured.stats().bytes).to.equal(0)
  })

  it('refuses a value larger than maxBytes or maxEntrySize, storing nothing and keeping the old value', async () => {
    const cache = open({ maxBytes: 100 })
    const err = await rejection(cache.set('big', 'x'.repeat(200)))
    expect(err).to.be.instanceOf(EntryTooLargeError)
    expect(err).to.include({ key: 'big', size: encodedSize('x'.repeat(200)), limit: 100 })
    expect(await cache.has('big')).to.equal(false)
    await cache.set('a', 'small')
    expect(await rejection(cache.set('a', 'x'.repeat(200)))).to.be.instanceOf(EntryTooLargeError)
    expect(await cache.get('a')).to.equal('small')
    expect(cache.stats()).to.include({ writes: 1, entries: 1, bytes: encodedSize('small'), evictions: 0 })

    const strict = open({ maxBytes: 1000, maxEntrySize: 20 })
    expect(await rejection(strict.set('a', 'x'.repeat(30)))).to.include({ name: 'EntryTooLargeError', limit: 20 })
    expect(await strict.size()).to.equal(0)
  })

  it('stores no entry of an mset when one is too large', async () => {
    const cache = open({ maxBytes: 100 })
    const err = await rejection(cache.mset(new Map([['a', 'fine'], ['b', 'x'.repeat(500)], ['c', 'fine too']])))
    expect(err).to.be.instanceOf(EntryTooLargeError)
    expect(err.key).to.equal('b')
    expect(await cache.mget(['a', 'b', 'c'])).to.deep.equal([undefined, undefined, undefined])
    expect(cache.stats()).to.include({ writes: 0, entries: 0, bytes: 0 })
  })

  it('refuses a value the codec cannot encode when it measures values, storing nothing', async () => {
    const cache = open({ maxBytes: 10_000 })
    const circular: any = { name: 'loop' }
    circular.self = circular
    const err = await rejection(cache.set('a', circular))
    expect(err).to.be.instanceOf(CacheValueError)
    expect(err.message).to.match(/cannot encode/)
    expect(await rejection(cache.mset([['b', 1], ['c', Symbol('s')]]))).to.be.instanceOf(CacheValueError)
    expect(await cache.size()).to.equal(0)
  })

  it('runs the loader once for 100 concurrent misses of a key, giving every caller its value', async () => {
    const cache = open<{ id: string }>()
    let calls = 0
    const loader = async (key: string): Promise<{ id: string }> => {
      calls++
      await new Promise(resolve => setTimeout(resolve, 10))
      return { id: key }
    }
    const values = await Promise.all(Array.from({ length: 100 }, async () => cache.getOrLoad('k', loader)))
    expect(calls).to.equal(1)
    expect(values.every(value => value.id === 'k')).to.equal(true)
    expect(await cache.getOrLoad('k', loader)).to.deep.equal({ id: 'k' })
    expect(calls).to.equal(1)
    expect(cache.stats()).to.include({ misses: 100, hits: 1, writes: 1, entries: 1 })
  })

  it('throws a loader error to every waiting caller and stores nothing', async () => {
    const cache = open<number>()
    let calls = 0
    const failing = async (): Promise<number> => {
      calls++
      await new Promise(resolve => setTimeout(resolve, 5))
      throw new Error('database down')
    }
    const results = await Promise.allSettled(Array.from({ length: 10 }, async () => cache.getOrLoad('k', failing)))
    expect(calls).to.equal(1)
    expect(results.map(result => result.status === 'rejected' ? result.reason.message : 'fulfilled')).to.deep.equal(Array(10).fill('database down'))
    expect(await cache.has('k')).to.equal(false)
    expect(cache.stats().writes).to.equal(0)
    expect(await cache.getOrLoad('k', () => 7)).to.equal(7)
    expect(await cache.get('k')).to.equal(7)
  })

  it('stores nothing when the loader returns undefined', async () => {
    const cache = open<number | undefined>()
    let calls = 0
    expect(await cache.getOrLoad('k', () => { calls++; return undefined })).to.equal(undefined)
    expect(await cache.getOrLoad('k', () => { calls++; return undefined })).to.equal(undefined)
    expect(calls).to.equal(2)
    expect(await cache.has('k')).to.equal(false)
    expect(cache.stats().writes).to.equal(0)
  })

  it('stores a loaded value with the ttl getOrLoad was given', async () => {
    const clock = fakeClock()
    const cache = open({ ttl: 10_000 }, clock)
    await cache.getOrLoad('k', () => 'v', { ttl: 20 })
    clock.advance(21)
    expect(await cache.get('k')).to.equal(undefined)
  })

  it('lets a caller that waited loadTimeout for another loader run its own', async () => {
    const clock = fakeClock()
    const cache = open<string>({ loadTimeout: 1000 }, clock)
    let finishFirst: (value: string) => void = () => {}
    const first = cache.getOrLoad('k', async () => new Promise<string>(resolve => { finishFirst = resolve }))
    let secondDone = false
    const second = cache.getOrLoad('k', () => 'from second').finally(() => { secondDone = true })
    clock.advance(999)
    await new Promise(resolve => setTimeout(resolve, 5))
    expect(secondDone).to.equal(false)
    clock.advance(1)
    expect(await second).to.equal('from second')
    expect(await cache.get('k')).to.equal('from second')
    finishFirst('from first')
    expect(await first).to.equal('from first')
  })

  it('increments numbers, a missing or expired entry counting as 0, and refuses other types', async () => {
    const clock = fakeClock()
    const cache = open<unknown>({ ttl: 100 }, clock)
    expect(await cache.incr('n')).to.equal(1)
    expect(await cache.incr('n', 5)).to.equal(6)
    expect(await cache.incr('n', -2.5)).to.equal(3.5)
    expect(await cache.get('n')).to.equal(3.5)
    await cache.set('s', 'text')
    const err = await rejection(cache.incr('s'))
    expect(err).to.be.instanceOf(CacheValueError)
    expect(err.message).to.match(/string, not a number/)
    expect(await cache.get('s')).to.equal('text')
    for (const by of [Number.NaN, Infinity, '2' as any]) {
      expect(await rejection(cache.incr('n', by))).to.be.instanceOf(CacheValueError)
    }
    expect(await cache.get('n')).to.equal(3.5)
    clock.advance(101)
    expect(await cache.incr('n', 2)).to.equal(2)
  })

  it('keeps an entry\'s ttl on incr unless the incr gives one', async () => {
    const clock = fakeClock()
    const cache = open({ ttl: 100 }, clock)
    await cache.set('kept', 1)
    await cache.set('renewed', 1)
    clock.advance(60)
    expect(await cache.incr('kept')).to.equal(2)
    expect(await cache.incr('renewed', 1, { ttl: 100 })).to.equal(2)
    clock.advance(50)
    expect(await cache.get('kept')).to.equal(undefined)
    expect(await cache.get('renewed')).to.equal(2)
    clock.advance(60)
    expect(await cache.get('renewed')).to.equal(undefined)
  })

  it('returns mget values in key order and takes any iterable in mset', async () => {
    const cache = open<number>()
    function * pairs (): Generator<[string, number]> {
      yield ['a', 1]
      yield ['b', 2]
      yield ['c', 3]
    }
    await cache.mset(pairs())
    expect(await cache.mget(['c', 'missing', 'a', 'b', 'a'])).to.deep.equal([3, undefined, 1, 2, 1])
    await cache.mset(new Map([['b', 20], ['d', 4]]))
    expect(await cache.mget(['a', 'b', 'c', 'd'])).to.deep.equal([1, 20, 3, 4])
    expect(await cache.mget([])).to.deep.equal([])
  })

  it('sizes and clears live entries only, expired ones counting as expirations', async () => {
    const clock = fakeClock()
    const cache = open({}, clock)
    await cache.mset([['a', 1], ['b', 2], ['c', 3]])
    await cache.set('brief', 4, { ttl: 10 })
    expect(await cache.size()).to.equal(4)
    clock.advance(11)
    expect(await cache.size()).to.equal(3)
    await cache.set('brief2', 5, { ttl: 10 })
    clock.advance(11)
    await cache.clear()
    expect(await cache.size()).to.equal(0)
    expect(await cache.mget(['a', 'b', 'c'])).to.deep.equal([undefined, undefined, undefined])
    expect(cache.stats()).to.include({ deletes: 3, expirations: 2, entries: 0 })
    await cache.set('a', 1)
    expect(await cache.get('a')).to.equal(1)
  })

  it('counts every read, write, delete, eviction and expiry exactly', async () => {
    const clock = fakeClock()
    const cache = open<number>({ maxEntries: 4 }, clock)
    await cache.set('a', 1) // writes 1
    await cache.get('a') // hit
    await cache.get('x') // miss
    await cache.has('a') // hit
    await cache.has('x') // miss
    await cache.mget(['a', 'x', 'y']) // hit, 2 misses
    await cache.mset([['b', 2], ['c', 3]]) // writes 3
    await cache.incr('a') // writes 4, no read
    await cache.getOrLoad('b', () => 0) // hit
    await cache.getOrLoad('d', () => 4) // miss, writes 5
    await cache.set('a', 10) // writes 6, an overwrite: no eviction
    await cache.delete('a') // deletes 1
    await cache.delete('a') // nothing removed
    await cache.set('t', 5, { ttl: 5 }) // writes 7
    clock.advance(6)
    await cache.get('t') // miss, expirations 1
    await cache.mset([['e', 5], ['f', 6]]) // writes 9, evicts c, the least recently used
    await cache.clear() // deletes c, d, e, f
    expect(cache.stats()).to.deep.equal({
      hits: 4,
      misses: 6,
      writes: 9,
      deletes: 5,
      evictions: 1,
      expirations: 1,
      moves: 0,
      entries: 0,
      bytes: 0,
      rebalancing: 0
    })
  })
})
