// The name table every node holds: merge by version, tombstones, the pages a member reads, and a member's names
// dropped when it leaves.
import { expect } from 'aegir/chai'
import { validateEntry } from '../../src/names/name-entry.ts'
import { NameTable } from '../../src/names/name-table.ts'
import type { DistributedNameEntry, LocalNameEntry, NameEntry } from '../../src/names/name-entry.ts'

function distributed (name: string, holder: string, time: number, extra: Partial<DistributedNameEntry> = {}): DistributedNameEntry {
  return { kind: 'distributed', name, type: 'T', args: [], placement: 'rendezvous', roles: [], quorum: 0, holder, stopped: false, version: { time, counter: 0, writer: holder }, ...extra }
}

function local (name: string, holder: string, time: number, extra: Partial<LocalNameEntry> = {}): LocalNameEntry {
  return { kind: 'local', name, id: 'a1', holder, stopped: false, version: { time, counter: 0, writer: holder }, ...extra }
}

function table (now: () => number = () => 0, self = 'n1'): NameTable {
  return new NameTable({ self, tombstoneTtl: { local: 100, distributed: 1000 }, now })
}

describe('name table', () => {
  it('keeps the newest write of a name whatever its kind, the same whatever order writes arrive in', () => {
    const writes: NameEntry[] = [distributed('a', 'n1', 1), local('a', 'n2', 3), distributed('a', 'n3', 2), { ...distributed('a', 'n0', 3), version: { time: 3, counter: 0, writer: 'n0' } }]
    const kept = new Set<string>()
    for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]]) {
      const names = table()
      for (const i of order) { names.merge(writes[i]) }
      kept.add(`${names.get('a')?.kind ?? ''}@${names.get('a')?.holder ?? ''}`)
    }
    // equal time and counter: the writer id decides
    expect([...kept]).to.deep.equal(['local@n2'])
  })

  it('gives a name to the actor that took it last, however often an older rival moved since', () => {
    const names = table()
    const older = distributed('a', 'n2', 1)
    const rival = local('a', 'n3', 2)
    // the older actor failed over twice after the rival took the name: newer writes, same moment of taking
    const movedOnce = distributed('a', 'n4', 3, { taken: older.version })
    const movedTwice = distributed('a', 'n5', 4, { taken: older.version })
    for (const write of [older, rival, movedOnce, movedTwice]) { names.merge(write) }
    expect(names.live('a')).to.equal(rival)
    // among writes about one actor, the latest holds: a move after a move
    const other = table()
    for (const write of [movedTwice, older, movedOnce]) { other.merge(write) }
    expect(other.live('a')).to.equal(movedTwice)
    // a stop of the rival ends its taking; a new taking after it wins again
    expect(names.merge(local('a', 'n3', 5, { stopped: true, taken: rival.version }))).to.equal(true)
    expect(names.merge(distributed('a', 'n2', 6))).to.equal(true)
  })

  it('counts live entries by kind as writes replace each other', () => {
    const names = table()
    names.merge(distributed('a', 'n2', 1))
    names.merge(local('b', 'n2', 1))
    names.merge(local('a', 'n3', 2))
    names.merge(local('b', 'n2', 3, { stopped: true }))
    expect([names.liveOf('local'), names.liveOf('distributed'), names.liveCount, names.size]).to.deep.equal([1, 0, 1, 2])
  })

  it('keeps a tombstone against older writes until its kind\'s time is up', () => {
    let now = 0
    const names = table(() => now)
    names.merge(distributed('d', 'n2', 1))
    names.merge(local('l', 'n2', 1))
    expect(names.merge(distributed('d', 'n2', 5, { stopped: true }))).to.equal(true)
    expect(names.merge(local('l', 'n2', 5, { stopped: true }))).to.equal(true)
    expect(names.merge(distributed('d', 'n3', 4))).to.equal(false)
    expect([names.live('d'), names.live('l')]).to.deep.equal([undefined, undefined])
    now = 500
    names.prune()
    expect([names.get('d')?.stopped, names.get('l')]).to.deep.equal([true, undefined])
    now = 2000
    names.prune()
    expect(names.get('d')).to.equal(undefined)
  })

  it('keeps of a tombstone only what orders writes, and at most maxTombstones of them, the oldest going first', () => {
    const names = new NameTable({ self: 'n1', tombstoneTtl: { local: 100, distributed: 1000 }, maxTombstones: 2, now: () => 0 })
    const checkpointed = distributed('d', 'n2', 1, { args: [{ big: 'x'.repeat(1000) }], roles: ['r'], checkpoint: { interval: 10, replicas: 1 } })
    names.merge(checkpointed)
    const stop = { ...checkpointed, stopped: true, taken: checkpointed.version, version: { time: 2, counter: 0, writer: 'n2' }, failedOverFrom: { holder: 'n3', version: checkpointed.version } }
    expect(names.merge(stop)).to.equal(true)
    const kept = names.get('d') as DistributedNameEntry
    expect(kept).to.deep.equal({ kind: 'distributed', name: 'd', holder: 'n2', stopped: true, version: stop.version, taken: checkpointed.version, type: 'T', args: [], placement: 'rendezvous', roles: [], quorum: 0 })
    // what is kept still passes a member's checks when it is read, and still keeps older writes out
    expect(validateEntry(kept)).to.deep.equal(kept)
    expect(names.merge(checkpointed)).to.equal(false)
    // a third tombstone pushes out the oldest; the live entry stays
    names.merge(local('l1', 'n2', 1, { stopped: true }))
    names.merge(distributed('live', 'n2', 1))
    names.merge(local('l2', 'n2', 1, { stopped: true }))
    expect([names.get('d'), names.get('l1')?.stopped, names.get('l2')?.stopped, names.live('live')?.name, names.size]).to.deep.equal([undefined, true, true, 'live', 3])
    // the pruned name is free again: an older write is taken as new
    expect(names.merge(checkpointed)).to.equal(true)
  })

  it('pages, in name order, only the entries this node holds or wrote', () => {
    const names = table()
    for (const name of ['c', 'a', 'e', 'b', 'd']) { names.merge(local(name, 'n1', 1)) }
    names.merge(local('x', 'n2', 1))
    // a tombstone this node wrote of an actor held elsewhere: it answers for it
    names.merge(distributed('y', 'n2', 2, { stopped: true, version: { time: 2, counter: 0, writer: 'n1' } }))
    const first = names.ownedPage(undefined, 3)
    const last = names.ownedPage('c', 3)
    expect([first.entries.map(e => e.name), first.more]).to.deep.equal([['a', 'b', 'c'], true])
    expect([last.entries.map(e => e.name), last.more]).to.deep.equal([['d', 'e', 'y'], false])
    expect(names.ownedCount).to.equal(6)
    // another node's newer write of a name this node held: no longer this node's to answer for
    names.merge(local('a', 'n2', 9))
    expect(names.ownedPage(undefined, 10).entries.map(e => e.name)).to.deep.equal(['b', 'c', 'd', 'e', 'y'])
  })

  it('pages names that came or went between two pages where they belong', () => {
    let now = 0
    const names = table(() => now)
    for (const name of ['a', 'c', 'e']) { names.merge(distributed(name, 'n1', 1)) }
    expect(names.ownedPage(undefined, 1).entries.map(e => e.name)).to.deep.equal(['a'])
    names.merge(distributed('b', 'n1', 1))
    names.merge(distributed('c', 'n1', 2, { stopped: true }))
    expect(names.ownedPage('a', 2).entries.map(e => e.name)).to.deep.equal(['b', 'c'])
    now = 2000
    names.prune()
    expect(names.ownedPage('a', 5).entries.map(e => e.name)).to.deep.equal(['b', 'e'])
  })

  it('drops the local names of a member that left, and keeps its distributed actors for failover', () => {
    const names = table()
    names.merge(local('l1', 'n2', 1))
    names.merge(local('l2', 'n2', 1, { stopped: true }))
    names.merge(local('l3', 'n3', 1))
    names.merge(distributed('d', 'n2', 1))
    expect(names.dropLocalOf('n2').map(e => e.name)).to.deep.equal(['l1'])
    expect([names.get('l1'), names.get('l2'), names.live('l3')?.holder, names.live('d')?.holder]).to.deep.equal([undefined, undefined, 'n3', 'n2'])
    expect(names.liveOf('local')).to.equal(1)
  })

  it('rejects malformed entries from the network with a named error', () => {
    const bad = [null, [], { ...local('a', 'n1', 1), kind: 'other' }, { ...local('a', 'n1', 1), id: '' }, { ...distributed('a', 'n1', 1), name: '' },
      { ...distributed('a', 'n1', 1), quorum: -1 }, { ...distributed('a', 'n1', 1), version: { time: 'x' } }, { ...distributed('a', 'n1', 1), placement: 'random' }]
    for (const value of bad) {
      expect(() => validateEntry(value)).to.throw().with.property('name', 'MalformedFrameError')
    }
    expect(validateEntry({ ...distributed('a', 'n1', 1), extra: 1 })).to.deep.equal(distributed('a', 'n1', 1))
    expect(validateEntry({ ...local('a', 'n1', 1), type: 'x' })).to.deep.equal(local('a', 'n1', 1))
    expect(() => validateEntry({ ...local('a', 'n1', 1), taken: { time: -1 } })).to.throw().with.property('name', 'MalformedFrameError')
  })
})
