// The group table without sockets: local changes and their deltas, merging replicas by version, dropping a node.
import { expect } from 'aegir/chai'
import { GroupTable, compareVersions } from '../../src/groups/group-table.ts'
import type { GroupChange } from '../../src/groups/group-table.ts'

const A = 'node-a'
const B = 'node-b'
const C = 'node-c'

function ids (changes: GroupChange[]): string[] {
  return changes.map(c => `${c.kind} ${c.group} ${c.ref.node}/${c.ref.id}`).sort()
}

describe('group table', () => {
  it('orders versions by epoch first, then sequence', () => {
    expect(compareVersions({ epoch: 1, seq: 9 }, { epoch: 2, seq: 0 })).to.be.lessThan(0)
    expect(compareVersions({ epoch: 2, seq: 3 }, { epoch: 2, seq: 1 })).to.be.greaterThan(0)
    expect(compareVersions({ epoch: 2, seq: 3 }, { epoch: 2, seq: 3 })).to.equal(0)
  })

  it('joins and leaves local actors once each, one version step per change', () => {
    const table = new GroupTable(A, 100)
    expect(table.join('g', '1')).to.deep.equal({ kind: 'join', group: 'g', ref: { node: A, id: '1' } })
    expect(table.join('g', '1'), 'second join').to.equal(undefined)
    table.join('g', '2')
    table.join('h', '1')
    expect(table.version(A)).to.deep.equal({ epoch: 100, seq: 3 })
    expect(table.localMembers('g')).to.deep.equal([{ node: A, id: '1' }, { node: A, id: '2' }])
    expect(table.which()).to.deep.equal(['g', 'h'])

    expect(table.leave('g', '3'), 'never joined').to.equal(undefined)
    expect(ids(table.leaveAll('1'))).to.deep.equal([`leave g ${A}/1`, `leave h ${A}/1`])
    expect(table.which()).to.deep.equal(['g'])
    expect(table.version(A)).to.deep.equal({ epoch: 100, seq: 5 })
  })

  it('takes the local changes as one delta per batch, with each id at its final state', () => {
    const table = new GroupTable(A, 100)
    expect(table.takeDelta(), 'nothing changed').to.equal(undefined)
    table.join('g', '1')
    table.join('g', '2')
    table.leave('g', '1')
    const delta = table.takeDelta()
    expect(delta).to.deep.equal({
      base: { epoch: 100, seq: 0 },
      version: { epoch: 100, seq: 3 },
      joined: [['g', ['2']]],
      left: [['g', ['1']]]
    })
    expect(table.takeDelta(), 'already taken').to.equal(undefined)
    table.join('h', '1')
    expect(table.takeDelta()?.base).to.deep.equal({ epoch: 100, seq: 3 })
  })

  it('merges a snapshot only when it is newer than what it holds, and reports what changed', () => {
    const table = new GroupTable(A, 100)
    expect(ids(table.merge(B, { version: { epoch: 5, seq: 2 }, entries: [['g', ['1', '2']]] }))).to.deep.equal([`join g ${B}/1`, `join g ${B}/2`])
    expect(table.merge(B, { version: { epoch: 5, seq: 1 }, entries: [] }), 'older').to.deep.equal([])
    expect(table.merge(B, { version: { epoch: 5, seq: 2 }, entries: [] }), 'same version').to.deep.equal([])
    expect(table.members('g')).to.have.lengthOf(2)

    expect(ids(table.merge(B, { version: { epoch: 5, seq: 4 }, entries: [['g', ['2']], ['h', ['3']]] })))
      .to.deep.equal([`join h ${B}/3`, `leave g ${B}/1`])
    // a restarted owner starts its sequence again, in a later epoch
    expect(ids(table.merge(B, { version: { epoch: 6, seq: 0 }, entries: [] }))).to.deep.equal([`leave g ${B}/2`, `leave h ${B}/3`])
    expect(table.which()).to.deep.equal([])
  })

  it('never takes a replica of its own memberships', () => {
    const table = new GroupTable(A, 100)
    table.join('g', '1')
    expect(table.merge(A, { version: { epoch: 999, seq: 9 }, entries: [] })).to.deep.equal([])
    expect(table.dropNode(A)).to.deep.equal([])
    expect(table.localMembers('g')).to.have.lengthOf(1)
  })

  it('applies a delta that starts at or before what it holds, and reports a gap past it', () => {
    const owner = new GroupTable(B, 7)
    const replica = new GroupTable(A, 100)
    owner.join('g', '1')
    replica.merge(B, owner.snapshot() as any)
    owner.join('g', '2')
    const first = owner.takeDelta()
    owner.leave('g', '1')
    owner.join('h', '3')
    const second = owner.takeDelta()
    if (first == null || second == null) { throw new Error('expected deltas') }

    expect(replica.applyDelta(B, second).result, 'second before first').to.equal('gap')
    // the replica holds seq 1, inside [0, 2) of the first delta: applying it again is safe, ids carry their state
    expect(ids(replica.applyDelta(B, first).changes)).to.deep.equal([`join g ${B}/2`])
    expect(replica.applyDelta(B, first).result, 'again').to.equal('stale')
    expect(ids(replica.applyDelta(B, second).changes)).to.deep.equal([`join h ${B}/3`, `leave g ${B}/1`])
    expect(replica.version(B)).to.deep.equal(owner.version(B))
    expect(replica.members('g')).to.deep.equal(owner.localMembers('g'))
    expect(replica.members('h')).to.deep.equal(owner.localMembers('h'))
  })

  it('reports a gap for a delta of an owner it knows nothing of, or of a newer epoch', () => {
    const replica = new GroupTable(A, 100)
    const delta = { base: { epoch: 5, seq: 3 }, version: { epoch: 5, seq: 4 }, joined: [['g', ['1']]] as Array<[string, string[]]>, left: [] }
    expect(replica.applyDelta(B, delta).result).to.equal('gap')
    replica.merge(B, { version: { epoch: 4, seq: 10 }, entries: [] })
    expect(replica.applyDelta(B, delta).result).to.equal('gap')
    replica.merge(B, { version: { epoch: 6, seq: 0 }, entries: [] })
    expect(replica.applyDelta(B, delta).result, 'an earlier run').to.equal('stale')
    expect(replica.members('g')).to.deep.equal([])
  })

  it('drops a node: its actors leave every group, and later deltas of it need a snapshot first', () => {
    const table = new GroupTable(A, 100)
    table.join('g', '1')
    table.merge(B, { version: { epoch: 5, seq: 2 }, entries: [['g', ['1']], ['h', ['2']]] })
    table.merge(C, { version: { epoch: 5, seq: 1 }, entries: [['g', ['9']]] })
    expect(table.members('g')).to.deep.equal([{ node: A, id: '1' }, { node: B, id: '1' }, { node: C, id: '9' }])

    expect(ids(table.dropNode(B))).to.deep.equal([`leave g ${B}/1`, `leave h ${B}/2`])
    expect(table.dropNode(B), 'twice').to.deep.equal([])
    expect(table.members('g')).to.deep.equal([{ node: A, id: '1' }, { node: C, id: '9' }])
    expect(table.which()).to.deep.equal(['g'])
    expect(table.version(B)).to.equal(undefined)
    expect(table.applyDelta(B, { base: { epoch: 5, seq: 2 }, version: { epoch: 5, seq: 3 }, joined: [], left: [] }).result).to.equal('gap')
  })

  it('lists own members first, then the others by node id', () => {
    const table = new GroupTable('m', 1)
    table.merge('z', { version: { epoch: 1, seq: 1 }, entries: [['g', ['1']]] })
    table.merge('a', { version: { epoch: 1, seq: 1 }, entries: [['g', ['2', '1']]] })
    table.join('g', '5')
    expect(table.members('g')).to.deep.equal([{ node: 'm', id: '5' }, { node: 'a', id: '2' }, { node: 'a', id: '1' }, { node: 'z', id: '1' }])
  })
})
