// The sans-IO parts of distributed actors: the duties a node derives from its view and the name table.
import { expect } from 'aegir/chai'
import { coordinatorOf, holderDuties, orphans } from '../../src/distribution/duties.ts'
import type { ClusterView } from '../../src/distribution/duties.ts'
import type { DirectoryEntry } from '../../src/distribution/entry.ts'
import type { NameEntry } from '../../src/names/name-entry.ts'

function entry (name: string, holder: string, time: number, extra: Partial<DirectoryEntry> = {}): DirectoryEntry {
  return { kind: 'distributed', name, type: 'T', args: [], placement: 'rendezvous', roles: [], quorum: 0, holder, stopped: false, version: { time, counter: 0, writer: holder }, ...extra }
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
  describe('duties', () => {
    const lookupIn = (entries: NameEntry[]) => (name: string) => entries.find(e => e.name === name)

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

    it('ends an actor running here whose name a local actor took, wherever that actor runs', () => {
      const taken: NameEntry = { kind: 'local', name: 'x', id: 'a1', holder: 'n9', stopped: false, version: { time: 2, counter: 0, writer: 'n9' } }
      const duties = holderDuties([], ['x'], lookupIn([taken]), view('n1', ['n1'], { gone: ['n9'] }))
      expect(duties.end).to.deep.equal([{ name: 'x', reason: 'duplicate', entry: taken }])
      expect(duties.claim).to.deep.equal([])
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
