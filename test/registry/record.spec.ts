// Registry records without sockets: encoding, ordering, the DHT validator and selector, versions and the cache.
import { expect } from 'aegir/chai'
import { nameFromKey, registryKey, registryNamespace, RegistryRecordGuard } from '../../src/registry/dht-record.ts'
import { InvalidRegistryRecordError } from '../../src/registry/errors.ts'
import { NameCache } from '../../src/registry/name-cache.ts'
import { compareRecords, MAX_RECORD_BYTES, RecordCodec } from '../../src/registry/record.ts'
import { VersionClock } from '../../src/registry/version-clock.ts'
import { Codec } from '../../src/wire/codec.ts'
import type { RegistryRecord } from '../../src/registry/record.ts'

const cluster = 'unit/cluster'

function record (overrides: Partial<RegistryRecord> = {}): RegistryRecord {
  return {
    name: 'svc',
    ref: { node: 'node-a', id: 'actor-1' },
    owner: 'node-a',
    version: { time: 1000, counter: 0 },
    tombstone: false,
    ...overrides
  }
}

describe('registry records', () => {
  const codec = new RecordCodec()

  describe('codec', () => {
    it('round-trips a record and a tombstone', () => {
      for (const r of [record(), record({ tombstone: true, version: { time: 5, counter: 9 } })]) {
        expect(codec.decode(codec.encode(r))).to.deep.equal(r)
      }
    })

    it('rejects bytes that are not a well-formed record', () => {
      const raw = new Codec()
      const good = { f: 1, n: 'svc', r: { node: 'a', id: 'b' }, o: 'a', t: 1, c: 0, x: false }
      const bad: unknown[] = [
        'a string',
        [1, 2, 3],
        { ...good, f: 2 },
        { ...good, n: '' },
        { ...good, n: 'x'.repeat(10_000) },
        { ...good, r: { node: 'a' } },
        { ...good, r: { node: '', id: 'b' } },
        { ...good, o: 7 },
        { ...good, t: -1 },
        { ...good, c: 1.5 },
        { ...good, t: Number.MAX_SAFE_INTEGER + 10 },
        { ...good, x: 'yes' }
      ]

      for (const value of bad) {
        expect(() => codec.decode(raw.encode(value)), JSON.stringify(value)).to.throw(InvalidRegistryRecordError)
      }
      expect(() => codec.decode(new Uint8Array([0xc1]))).to.throw(InvalidRegistryRecordError)
      expect(() => codec.decode(new Uint8Array(MAX_RECORD_BYTES + 1))).to.throw(InvalidRegistryRecordError)
    })
  })

  describe('ordering', () => {
    it('orders by time, then counter, then owner', () => {
      const base = record()
      expect(compareRecords(record({ version: { time: 1001, counter: 0 } }), base)).to.equal(1)
      expect(compareRecords(record({ version: { time: 1000, counter: 1 } }), base)).to.equal(1)
      expect(compareRecords(record({ owner: 'node-b' }), base)).to.equal(1)
      expect(compareRecords(base, record({ owner: 'node-b' }))).to.equal(-1)
      expect(compareRecords(base, record())).to.equal(0)
    })
  })

  describe('DHT keys', () => {
    it('keeps the cluster in one key segment and maps keys back to names', () => {
      const key = registryKey(cluster, 'a/b c')
      const text = new TextDecoder().decode(key)
      expect(text.split('/')[1]).to.equal(registryNamespace(cluster))
      expect(nameFromKey(cluster, key)).to.equal('a/b c')
      expect(nameFromKey('other', key)).to.equal(undefined)
    })
  })

  describe('validator', () => {
    it('accepts a record filed under its own name', () => {
      const guard = new RegistryRecordGuard(cluster)
      const r = record()
      expect(() => guard.validate(registryKey(cluster, r.name), codec.encode(r))).to.not.throw()
      expect(guard.rejectedRecords).to.equal(0)
    })

    it('rejects and counts garbage and records under another key', () => {
      const guard = new RegistryRecordGuard(cluster)
      expect(() => guard.validate(registryKey(cluster, 'svc'), new Uint8Array([1, 2, 3]))).to.throw(InvalidRegistryRecordError)
      expect(() => guard.validate(registryKey(cluster, 'other'), codec.encode(record()))).to.throw(InvalidRegistryRecordError)
      expect(() => guard.validate(registryKey('another-cluster', 'svc'), codec.encode(record()))).to.throw(InvalidRegistryRecordError)
      expect(guard.rejectedRecords).to.equal(3)
    })

    it('is registered under the cluster namespace', () => {
      const guard = new RegistryRecordGuard(cluster)
      expect(Object.keys(guard.validators)).to.deep.equal([registryNamespace(cluster)])
      expect(Object.keys(guard.selectors)).to.deep.equal([registryNamespace(cluster)])
    })
  })

  describe('selector', () => {
    const guard = new RegistryRecordGuard(cluster)
    const key = registryKey(cluster, 'svc')

    it('picks the newest record, tombstones included', async () => {
      const values = [
        record({ version: { time: 10, counter: 0 } }),
        record({ version: { time: 30, counter: 0 }, tombstone: true }),
        record({ version: { time: 20, counter: 5 } })
      ].map(r => codec.encode(r))
      expect(await guard.select(key, values)).to.equal(1)
    })

    it('breaks an exact tie by owner, the same way everywhere', async () => {
      const a = codec.encode(record({ owner: 'node-a' }))
      const b = codec.encode(record({ owner: 'node-b' }))
      expect(await guard.select(key, [a, b])).to.equal(1)
      expect(await guard.select(key, [b, a])).to.equal(0)
    })

    it('never picks an invalid record', async () => {
      const newestButMisfiled = codec.encode(record({ name: 'other', version: { time: 99, counter: 0 } }))
      const valid = codec.encode(record())
      expect(await guard.select(key, [new Uint8Array([0xc1]), newestButMisfiled, valid])).to.equal(2)
    })
  })

  describe('version clock', () => {
    it('goes forward when the wall clock stands still or steps back', () => {
      let now = 1000
      const clock = new VersionClock(() => now)
      const first = clock.next()
      const second = clock.next()
      now = 500
      const third = clock.next()
      expect(first).to.deep.equal({ time: 1000, counter: 0 })
      expect(second).to.deep.equal({ time: 1000, counter: 1 })
      expect(third).to.deep.equal({ time: 1000, counter: 2 })
      now = 2000
      expect(clock.next()).to.deep.equal({ time: 2000, counter: 0 })
    })

    it('passes a version written by a node whose clock is ahead', () => {
      const clock = new VersionClock(() => 1000)
      expect(clock.next({ time: 5000, counter: 3 })).to.deep.equal({ time: 5000, counter: 4 })
      expect(clock.next({ time: 1000, counter: 7 })).to.deep.equal({ time: 5000, counter: 5 })
      expect(clock.next()).to.deep.equal({ time: 5000, counter: 6 })
    })
  })

  describe('name cache', () => {
    let now: number
    let cache: NameCache

    beforeEach(() => {
      now = 0
      cache = new NameCache({ maxEntries: 3, now: () => now })
    })

    it('keeps the newest record and refuses older ones', () => {
      const newer = record({ version: { time: 2, counter: 0 } })
      expect(cache.offer(newer, 100).changed).to.equal(true)
      expect(cache.offer(record({ version: { time: 1, counter: 0 } }), 100)).to.deep.equal({ record: newer, changed: false })
      expect(cache.offer(newer, 100).changed).to.equal(false)
      expect(cache.get('svc')).to.deep.equal({ found: true, record: newer })
    })

    it('expires entries, but still orders later writes against them', () => {
      const tombstone = record({ tombstone: true, version: { time: 5, counter: 0 } })
      cache.offer(tombstone, 10)
      now = 10
      expect(cache.get('svc')).to.deep.equal({ found: false })
      expect(cache.offer(record({ version: { time: 4, counter: 0 } }), 10).record).to.equal(tombstone)
    })

    it('remembers absence briefly, and never over a known record', () => {
      cache.offerAbsent('nothing', 5)
      expect(cache.get('nothing')).to.deep.equal({ found: true, record: undefined })
      now = 5
      expect(cache.get('nothing')).to.deep.equal({ found: false })
      cache.offer(record(), 100)
      cache.offerAbsent('svc', 5)
      expect(cache.get('svc')).to.deep.equal({ found: true, record: record() })
    })

    it('drops every name of a node', () => {
      cache.offer(record({ name: 'a' }), 100)
      cache.offer(record({ name: 'b', ref: { node: 'node-b', id: 'x' } }), 100)
      cache.offer(record({ name: 'c', tombstone: true }), 100)
      expect(cache.dropNode('node-a').map(r => r.name)).to.deep.equal(['a'])
      expect(cache.get('a').found).to.equal(false)
      expect(cache.get('c').found).to.equal(false)
      expect(cache.get('b').found).to.equal(true)
    })

    it('forgets the least recently written name when full', () => {
      for (const name of ['a', 'b', 'c', 'd']) { cache.offer(record({ name }), 100) }
      expect(cache.size).to.equal(3)
      expect(cache.get('a').found).to.equal(false)
      expect(cache.get('d').found).to.equal(true)
    })
  })
})
