// Group replication without sockets: GroupSync instances joined by an in-memory, ordered network that can lose messages.
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { GroupSync } from '../../src/groups/group-sync.ts'
import { GroupTable } from '../../src/groups/group-table.ts'
import { GROUPS_SERVICE, validateGroupMessage } from '../../src/groups/group-wire.ts'
import { Codec } from '../../src/wire/codec.ts'
import { FakeMembership } from '../fixtures/fake-membership.ts'
import type { SystemEndpoint } from '../../src/cluster/system-endpoints.ts'
import type { GroupChange, Version } from '../../src/groups/group-table.ts'
import type { MemberGroupVersions, MemberReportEvents } from '../../src/groups/index.ts'

interface Letter { from: string, to: string, body: unknown }

/** Nodes whose messages wait in one queue until the test delivers them; `lose` drops the ones it matches. */
class FakeNetwork {
  readonly queue: Letter[] = []
  readonly endpoints = new Map<string, SystemEndpoint>()
  private readonly codec = new Codec()
  lose: (letter: Letter) => boolean = () => false

  send (from: string, to: string, target: string, body: unknown): void {
    expect(target).to.equal(GROUPS_SERVICE)
    // through the codec, as the direct protocol carries it
    const letter = { from, to, body: this.codec.decode(this.codec.encode(body)) }
    if (!this.lose(letter)) { this.queue.push(letter) }
  }

  /** Delivers until nothing is left (answers included); bounded so a message storm fails the test. */
  deliverAll (): number {
    let delivered = 0
    while (this.queue.length > 0) {
      const letter = this.queue.shift() as Letter
      this.endpoints.get(letter.to)?.send?.(GROUPS_SERVICE, letter.body, letter.from)
      if (++delivered > 10_000) { throw new Error('the nodes keep talking') }
    }
    return delivered
  }
}

/** The versions other nodes reported to one node, as their load reports would tell it. */
class FakeReports extends TypedEventEmitter<MemberReportEvents> implements MemberGroupVersions {
  private readonly versions = new Map<string, Version>()
  groupVersion (member: string): Version | undefined { return this.versions.get(member) }

  heard (member: string, version: Version): void {
    this.versions.set(member, version)
    this.safeDispatchEvent('member:report', { detail: member })
  }
}

interface SyncNode {
  id: string
  table: GroupTable
  sync: GroupSync
  membership: FakeMembership
  reports: FakeReports
  changes: GroupChange[]
}

describe('group sync', () => {
  let net: FakeNetwork
  let nodes: SyncNode[]

  function node (id: string, others: string[], maxMessageSize = 1024 * 1024): SyncNode {
    const table = new GroupTable(id, 1000)
    const membership = new FakeMembership(id, others)
    const reports = new FakeReports()
    const changes: GroupChange[] = []
    const sync = new GroupSync({
      table,
      membership,
      reports,
      endpoints: {
        register: (_id, endpoint) => { net.endpoints.set(id, endpoint) },
        unregister: () => { net.endpoints.delete(id) }
      },
      send: (to, target, body) => { net.send(id, to, target, body) },
      changed: (c) => { changes.push(...c) },
      log: defaultLogger().forComponent('test:groups')
    }, { maxMessageSize })
    sync.start()
    const created = { id, table, sync, membership, reports, changes }
    nodes.push(created)
    return created
  }

  /** changes a node's local memberships and flushes them, as one tick */
  function local (n: SyncNode, change: (table: GroupTable) => void): void {
    change(n.table)
    n.sync.flush()
  }

  /** the node's load report reaches the others */
  function report (n: SyncNode): void {
    for (const other of nodes) {
      if (other !== n) { other.reports.heard(n.id, n.sync.localVersion()) }
    }
  }

  beforeEach(() => {
    net = new FakeNetwork()
    nodes = []
  })

  afterEach(() => {
    for (const n of nodes) { n.sync.stop() }
  })

  it('pushes its snapshot to a member that joins, and reads the member\'s once its report says it is behind', () => {
    const a = node('a', [])
    const b = node('b', [])
    local(a, t => { t.join('g', '1') })
    local(b, t => { t.join('g', '7'); t.join('h', '8') })

    // a sees b first: b drops a's snapshot until it sees a too; a waits for b's report
    a.membership.join('b')
    net.deliverAll()
    expect(a.table.members('g'), 'b has not reported yet').to.deep.equal([{ node: 'a', id: '1' }])
    expect(b.table.members('g'), 'a is no member of b yet').to.deep.equal([{ node: 'b', id: '7' }])
    report(b)
    net.deliverAll()
    expect(a.table.members('g')).to.deep.equal([{ node: 'a', id: '1' }, { node: 'b', id: '7' }])

    // a's report came before b saw a join: the join reads it
    report(a)
    net.deliverAll()
    expect(b.table.members('g'), 'a is still no member of b').to.deep.equal([{ node: 'b', id: '7' }])
    b.membership.join('a')
    net.deliverAll()
    expect(b.table.members('g')).to.deep.equal([{ node: 'b', id: '7' }, { node: 'a', id: '1' }])
    expect(b.changes.map(c => c.kind)).to.deep.equal(['join'])
    expect(a.table.which()).to.deep.equal(['g', 'h'])

    // reports of versions the replica holds ask nothing
    report(a)
    report(b)
    expect(net.queue).to.have.lengthOf(0)
  })

  it('sends nothing to or from members whose actors never joined a group', () => {
    const a = node('a', [])
    const b = node('b', [])
    report(a)
    report(b)
    a.membership.join('b')
    b.membership.join('a')
    b.membership.refute('a')
    expect(net.queue, 'no message at all').to.have.lengthOf(0)
    expect(a.table.version('b'), 'an empty replica, from the report alone').to.deep.equal(b.sync.localVersion())

    local(b, t => { t.join('g', '7') })
    net.deliverAll()
    expect(a.table.members('g')).to.deep.equal([{ node: 'b', id: '7' }])
  })

  it('sends the changes of one tick in one message per member', () => {
    const a = node('a', ['b', 'c'])
    const b = node('b', ['a', 'c'])
    const c = node('c', ['a', 'b'])
    local(a, t => { for (let i = 0; i < 100; i++) { t.join(`g${i % 3}`, i.toString(36)) } })
    expect(net.queue).to.have.lengthOf(2)
    expect(net.queue.map(l => validateGroupMessage(l.body).kind)).to.deep.equal(['delta', 'delta'])
    // b and c knew nothing of a: the delta is a gap for them, and they pull a snapshot
    net.deliverAll()
    for (const replica of [b, c]) {
      expect(replica.table.version('a')).to.deep.equal(a.table.version('a'))
      expect(replica.table.members('g1')).to.deep.equal(a.table.localMembers('g1'))
    }

    local(a, t => { t.leaveAll('1'); t.join('g1', 'zz') })
    expect(net.queue.map(l => validateGroupMessage(l.body).kind)).to.deep.equal(['delta', 'delta'])
    expect(net.deliverAll(), 'deltas applied without a pull').to.equal(2)
    expect(b.table.members('g1')).to.deep.equal(a.table.localMembers('g1'))
  })

  it('sends a big snapshot in parts and applies it whole', () => {
    const a = node('a', [], 2048)
    const b = node('b', ['a'], 2048)
    local(a, t => { for (let i = 0; i < 1000; i++) { t.join(i % 2 === 0 ? 'even' : 'odd', i.toString(36)) } })
    a.membership.join('b')
    const parts = net.queue.filter(l => l.from === 'a' && validateGroupMessage(l.body).kind === 'snapshot')
    expect(parts.length, 'parts of a snapshot').to.be.greaterThan(3)

    // nothing shows before the last part is in
    const last = parts[parts.length - 1]
    net.queue.splice(net.queue.indexOf(last), 1)
    net.deliverAll()
    expect(b.table.members('even')).to.deep.equal([])
    net.endpoints.get('b')?.send?.(GROUPS_SERVICE, last.body, 'a')
    expect(b.table.members('even')).to.deep.equal(a.table.localMembers('even'))
    expect(b.table.members('odd')).to.deep.equal(a.table.localMembers('odd'))
    expect(b.changes.filter(c => c.kind === 'join')).to.have.lengthOf(1000)
  })

  it('pulls a snapshot after a lost delta, and catches a lost last change from the member\'s next report', () => {
    const a = node('a', ['b'])
    const b = node('b', ['a'])
    a.membership.join('b')
    b.membership.join('a')
    net.deliverAll()

    net.lose = (l) => l.from === 'a'
    local(a, t => { t.join('g', '1') })
    net.lose = () => false
    local(a, t => { t.join('g', '2') })
    net.deliverAll()
    expect(b.table.members('g'), 'after the gap').to.deep.equal(a.table.localMembers('g'))

    net.lose = (l) => l.from === 'a'
    local(a, t => { t.leave('g', '1') })
    net.lose = () => false
    net.deliverAll()
    expect(b.table.members('g'), 'the loss is not noticed yet').to.have.lengthOf(2)
    report(a)
    net.deliverAll()
    expect(b.table.members('g')).to.deep.equal([{ node: 'a', id: '2' }])
  })

  it('forgets a member that leaves, and takes nothing from a node that is not a member', () => {
    const a = node('a', ['b', 'x'])
    const b = node('b', ['a'])
    local(b, t => { t.join('g', '1') })
    report(b)
    a.membership.join('b')
    net.deliverAll()
    expect(a.table.members('g')).to.have.lengthOf(1)

    a.membership.leave('b')
    expect(a.table.members('g')).to.deep.equal([])
    expect(a.changes.map(c => c.kind)).to.deep.equal(['join', 'leave'])

    // b's message arrives after its leave: it is not a member anymore
    local(b, t => { t.join('g', '2') })
    net.endpoints.get('a')?.send?.(GROUPS_SERVICE, { k: 'snap', e: 1, s: 99, g: [['g', ['5']]], i: 0, n: 1 }, 'b')
    net.deliverAll()
    expect(a.table.members('g')).to.deep.equal([])
    expect(a.table.version('b')).to.equal(undefined)
  })

  it('counts and drops malformed messages without throwing', () => {
    const a = node('a', ['b'])
    const endpoint = net.endpoints.get('a')
    const bad: unknown[] = [
      null, 'pull', [], { k: 'nope' },
      { k: 'have', e: -1, s: 0 },
      { k: 'have', e: 1, s: 1.5 },
      { k: 'delta', e: 1, b: 3, s: 3, j: [], l: [] },
      { k: 'delta', e: 1, b: 0, s: 1, j: [['g', [1]]], l: [] },
      { k: 'delta', e: 1, b: 0, s: 1, j: [['', ['1']]], l: [] },
      { k: 'delta', e: 1, b: 0, s: 1, j: [['x'.repeat(257), ['1']]], l: [] },
      { k: 'delta', e: 1, b: 0, s: 1, j: [['g', ['1'], 'extra']], l: [] },
      { k: 'delta', e: 1, b: 0, s: 1, j: [['g', ['x'.repeat(65)]]], l: [] },
      { k: 'snap', e: 1, s: 1, g: [], i: 1, n: 1 },
      { k: 'snap', e: 1, s: 1, g: [], i: 0, n: 100_000 },
      { k: 'snap', e: 1, s: 1, g: {}, i: 0, n: 1 }
    ]
    for (const body of bad) {
      expect(endpoint?.send?.(GROUPS_SERVICE, body, 'b'), JSON.stringify(body)).to.equal(true)
    }
    expect(a.sync.invalidMessages).to.equal(bad.length)
    expect(a.table.which()).to.deep.equal([])
    expect(net.queue, 'nothing answered').to.have.lengthOf(0)

    endpoint?.send?.(GROUPS_SERVICE, { k: 'snap', e: 1, s: 1, g: [['g', ['1']]], i: 0, n: 1 }, 'b')
    expect(a.table.members('g'), 'a good message after the bad ones').to.deep.equal([{ node: 'b', id: '1' }])
  })
})
