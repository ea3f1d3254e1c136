// The sans-IO parts of distributed actors: the directory's merge and the duties a node derives from its view.
import { expect } from 'aegir/chai'
import { Directory } from '../../src/distribution/directory.ts'
import { coordinatorOf, holderDuties, orphans } from '../../src/distribution/duties.ts'
import { validateEntry } from '../../src/distribution/entry.ts'
import type { ClusterView } from '../../src/distribution/duties.ts'
import type { DirectoryEntry } from '../../src/distribution/entry.ts'

function entry (name: string, holder: string, time: number, extra: Partial<DirectoryEntry> = {}): DirectoryEntry {
  return { name, type: 'T', args: [], placement: 'rendezvous', roles: [], quorum: 0, holder, stopped: false, version: { time, counter: 0, writer: holder }, ...extra }
}

function view (self: string, active: string[], options: { draining?: string[], quorum?: boolean, gone?: string[] } = {}): ClusterView {
  return {
    self,
    active: new Set(active),
    draining: new Set(options.draining ?? []),
    hasQuorum: () => options.quorum ?? true,
    gone: (id) => (options.gone ?? []).includes(id)
  }
}

describe('distribution cores', () => {
  describe('directory', () => {
    it('keeps the newest write of a name, the same whatever order writes arrive in', () => {
      const writes = [entry('a', 'n1', 1), entry('a', 'n2', 3), entry('a', 'n3', 2), { ...entry('a', 'n0', 3), version: { time: 3, counter: 0, writer: 'n0' } }]
      const holders = new Set<string>()
      for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]]) {
        const directory = new Directory({ tombstoneTtl: 1000, now: () => 0 })
        for (const i of order) { directory.merge(writes[i]) }
        holders.add(directory.get('a')?.holder ?? '')
      }
      // equal time and counter: the writer id decides
      expect([...holders]).to.deep.equal(['n2'])
    })

    it('keeps a tombstone against older writes until its time is up', () => {
      let now = 0
      const directory = new Directory({ tombstoneTtl: 1000, now: () => now })
      directory.merge(entry('a', 'n1', 1))
      expect(directory.merge(entry('a', 'n1', 5, { stopped: true }))).to.equal(true)
      expect(directory.merge(entry('a', 'n2', 4))).to.equal(false)
      expect(directory.live('a')).to.equal(undefined)
      now = 2000
      directory.prune()
      expect(directory.get('a')).to.equal(undefined)
    })

    it('pages its entries in name order', () => {
      const directory = new Directory({ tombstoneTtl: 1000, now: () => 0 })
      for (const name of ['c', 'a', 'e', 'b', 'd']) { directory.merge(entry(name, 'n1', 1)) }
      const first = directory.page(undefined, 2)
      const second = directory.page('b', 2)
      const last = directory.page('d', 2)
      expect([first.entries.map(e => e.name), first.more]).to.deep.equal([['a', 'b'], true])
      expect([second.entries.map(e => e.name), second.more]).to.deep.equal([['c', 'd'], true])
      expect([last.entries.map(e => e.name), last.more]).to.deep.equal([['e'], false])
    })

    it('pages names that came or went between two pages where they belong', () => {
      let now = 0
      const directory = new Directory({ tombstoneTtl: 1000, now: () => now })
      for (const name of ['a', 'c', 'e']) { directory.merge(entry(name, 'n1', 1)) }
      expect(directory.page(undefined, 1).entries.map(e => e.name)).to.deep.equal(['a'])
      directory.merge(entry('b', 'n1', 1))
      directory.merge(entry('c', 'n1', 2, { stopped: true }))
      expect(directory.page('a', 2).entries.map(e => e.name)).to.deep.equal(['b', 'c'])
      now = 2000
      directory.prune()
      expect(directory.page('a', 5).entries.map(e => e.name)).to.deep.equal(['b', 'e'])
    })

    it('rejects malformed entries from the network with a named error', () => {
      for (const bad of [null, [], { ...entry('a', 'n1', 1), name: '' }, { ...entry('a', 'n1', 1), quorum: -1 }, { ...entry('a', 'n1', 1), version: { time: 'x' } }, { ...entry('a', 'n1', 1), placement: 'random' }]) {
        expect(() => validateEntry(bad)).to.throw().with.property('name', 'MalformedFrameError')
      }
      expect(validateEntry({ ...entry('a', 'n1', 1), extra: 1 })).to.deep.equal(entry('a', 'n1', 1))
    })
  })

  describe('duties', () => {
    const lookupIn = (entries: DirectoryEntry[]) => (name: string) => entries.find(e => e.name === name)

    it('starts what the directory gives this node and ends what it gives a live member', () => {
      const entries = [entry('mine', 'n1', 1), entry('theirs', 'n2', 1), entry('gone', 'n9', 1), entry('stopped', 'n1', 2, { stopped: true })]
      const duties = holderDuties(entries, ['theirs', 'gone', 'stopped'], lookupIn(entries), view('n1', ['n1', 'n2'], { gone: ['n9'] }))
      expect(duties.start.map(e => e.name)).to.deep.equal(['mine'])
      expect(duties.end.map(e => [e.name, e.reason])).to.deep.equal([['theirs', 'duplicate'], ['stopped', 'stopped']])
      expect(duties.claim.map(e => e.name)).to.deep.equal(['gone'])
    })

    it('neither starts nor keeps quorum actors without the quorum, and starts nothing while draining', () => {
      const entries = [entry('q', 'n1', 1, { quorum: 'majority' }), entry('free', 'n1', 1)]
      const minority = holderDuties(entries, ['q'], lookupIn(entries), view('n1', ['n1'], { quorum: false }))
      expect(minority.end).to.deep.equal([{ name: 'q', reason: 'quorum', entry: entries[0] }])
      expect(minority.start.map(e => e.name)).to.deep.equal(['free'])
      expect(holderDuties(entries, [], lookupIn(entries), view('n1', ['n1'], { draining: ['n1'] })).start).to.be.empty()
    })

    it('makes the lowest active member that is not draining the coordinator', () => {
      expect(coordinatorOf(view('n2', ['n3', 'n1', 'n2']))).to.equal('n1')
      expect(coordinatorOf(view('n2', ['n3', 'n1', 'n2'], { draining: ['n1'] }))).to.equal('n2')
    })

    it('finds orphans only among actors of members known to be gone, and not those being placed', () => {
      const entries = [entry('a', 'dead', 1), entry('b', 'unknown', 1), entry('c', 'n1', 1), entry('d', 'dead', 1), entry('e', 'dead', 1, { quorum: 3 })]
      const found = orphans(entries, view('n1', ['n1'], { gone: ['dead'], quorum: false }), new Set(['d']))
      expect(found.map(e => e.name)).to.deep.equal(['a'])
    })
  })
})
