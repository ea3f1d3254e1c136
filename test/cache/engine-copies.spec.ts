// Which copies of a partition count as synced backups, on cache engines wired to each other directly: messages are
// delivered by calling the receiver's engine, and time moves only when the test runs what was scheduled. Each case
// is a sequence that left a copy believing it held every write while it held none (found by the seeded chaos test).
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { CacheEngine } from '../../src/cache/distributed/cache-engine.ts'
import { Holding } from '../../src/cache/distributed/cache-wire.ts'
import { PARTITIONS, PartitionRanks } from '../../src/cache/distributed/partition-ranks.ts'
import type { CacheMessage, CacheSpec } from '../../src/cache/distributed/cache-wire.ts'
import type { Clock, Timer } from '../../src/time/clock.ts'

const NAME = 'copies'
const SPEC: CacheSpec = ['partitioned', 1, []]
const MEMBERS = ['owner', 'next-owner', 'backup']
const ENTRY = ['k', new Uint8Array([1]), 1, 7, 0] as const

/** A clock whose timers never fire; what is scheduled `soon` runs when the test says. */
class HeldClock implements Clock {
  private due: Array<() => void> = []
  now (): number { return 0 }
  after (): Timer { return { cancel () {} } }
  every (): Timer { return { cancel () {} } }
  soon (fn: () => void): Timer {
    this.due.push(fn)
    return { cancel: () => { this.due = this.due.filter(f => f !== fn) } }
  }

  /** Lets the messages in flight arrive and be answered, running nothing scheduled. */
  async delivered (): Promise<void> {
    for (let turn = 0; turn < 5; turn++) { await new Promise(resolve => setImmediate(resolve)) }
  }

  /** Runs what is scheduled, and what that schedules, until nothing is left (bounded). */
  async runDue (): Promise<void> {
    for (let turn = 0; turn < 50; turn++) {
      await new Promise(resolve => setImmediate(resolve))
      const due = this.due
      this.due = []
      if (due.length === 0) { return }
      for (const fn of due) { fn() }
    }
  }
}

class Engines {
  readonly clock = new HeldClock()
  private readonly engines = new Map<string, CacheEngine>()

  constructor (members: string[]) {
    for (const self of members) {
      const deliver = async (peer: string, message: CacheMessage): Promise<unknown> => this.of(peer).receive(message, self)
      this.engines.set(self, new CacheEngine({
        self,
        clock: this.clock,
        log: defaultLogger().forComponent(`test:cache:${self}`),
        send: (peer, message) => { deliver(peer, message).catch(() => {}) },
        call: deliver,
        isActive: () => true,
        candidates: () => members.map(id => ({ id, name: id, roles: [] })),
        peers: () => members.filter(id => id !== self),
        settled: () => true
      }, { name: NAME, spec: SPEC, maxEntries: 1000, maxBytes: undefined, loadTimeout: 1000, callTimeout: 1000, maxMessageSize: 1024 * 1024 }))
    }
  }

  of (id: string): CacheEngine {
    const engine = this.engines.get(id)
    if (engine == null) { throw new Error(`no engine ${id}`) }
    return engine
  }

  close (): void {
    for (const engine of this.engines.values()) { engine.close() }
  }
}

/** A partition whose keepers are exactly `keepers`, in that order, among MEMBERS. */
function partitionKeptBy (keepers: string[]): number {
  const ranks = new PartitionRanks(NAME, SPEC[1] + 1)
  ranks.update(MEMBERS.map(id => ({ id, name: id, roles: [] })))
  for (let partition = 0; partition < PARTITIONS; partition++) {
    if (ranks.of(partition).join() === keepers.join()) { return partition }
  }
  throw new Error(`no partition is kept by ${keepers.join(', ')}`)
}

describe('cache engine: synced copies', () => {
  let engines: Engines

  beforeEach(() => { engines = new Engines(MEMBERS) })
  afterEach(() => { engines.close() })

  it('does not take an owner\'s word that it is synced when that owner never filled it, however often it is told', async () => {
    const backup = engines.of('backup')
    const announce: CacheMessage = ['rep', NAME, SPEC, 3, [], 0, ['backup']]
    // the owner names it among its backups without having filled it: it holds none of the partition's writes
    expect(await backup.receive(announce, 'owner')).to.equal('refill')
    expect(backup.holding(3)).to.equal(Holding.Filling)
    // told again by the same owner (it took the partition over later, counting the copies it last knew): still none
    expect(await backup.receive(announce, 'owner')).to.equal('refill')
    expect(backup.holding(3)).to.equal(Holding.Filling)
  })

  it('counts a copy synced once the owner that filled it names it', async () => {
    const backup = engines.of('backup')
    await backup.receive(['fill', NAME, SPEC, 3, [[...ENTRY]], 1, 0], 'owner')
    expect(await backup.receive(['rep', NAME, SPEC, 3, [], 0, ['backup']], 'owner')).to.equal(null)
    expect(backup.holding(3)).to.equal(Holding.Replica)
    expect(backup.store.read('k')?.counter).to.equal(1)
  })

  it('has the backups an owner counted drop their copies when it hands off to a member that acts already with backups of its own', async () => {
    // keepers: the next owner first, then the owner; the backup keeps nothing
    const partition = partitionKeptBy(['next-owner', 'owner'])
    const [owner, nextOwner, backup] = MEMBERS.map(id => engines.of(id))
    // the owner acts with a filled, synced backup
    await owner.receive(['fill', NAME, SPEC, partition, [[...ENTRY]], 1, 0], 'elsewhere')
    await backup.receive(['fill', NAME, SPEC, partition, [[...ENTRY]], 1, 0], 'owner')
    await owner.receive(['take', NAME, SPEC, partition, 1, 0, ['backup']], 'elsewhere')
    await engines.clock.delivered()
    expect(backup.holding(partition)).to.equal(Holding.Replica)
    expect(owner.partitions().find(p => p.partition === partition)?.synced).to.deep.equal(['backup'])
    // the next owner acts as well (the two saw different members for a while)
    await nextOwner.receive(['take', NAME, SPEC, partition, 1, 0, []], 'elsewhere')
    // the duties run: the owner hands off to the next owner, which was acting already and does not count the backup
    await engines.clock.runDue()
    expect(owner.partitions().find(p => p.partition === partition)?.owner).to.equal('next-owner')
    expect(backup.holding(partition), 'the old backup still believes itself synced').to.not.equal(Holding.Replica)
    expect(nextOwner.holding(partition)).to.equal(Holding.Acting)
    expect(nextOwner.store.read('k')?.counter).to.equal(1)
  })
})
