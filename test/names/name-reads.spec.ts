// When a member's names are read: by what its load report says it answers for, and only once it said; and how long
// a lookup of a name not known yet waits for those reads.
import { TypedEventEmitter } from '@libp2p/interface'
import { expect } from 'aegir/chai'
import { NameReads } from '../../src/names/name-reads.ts'
import { systemClock } from '../../src/time/clock.ts'
import type { MemberReportEvents } from '../../src/groups/index.ts'
import type { MemberNameCounts } from '../../src/names/name-reads.ts'

class Counts extends TypedEventEmitter<MemberReportEvents> implements MemberNameCounts {
  private readonly counts = new Map<string, number>()
  heldNames (member: string): number | undefined { return this.counts.get(member) }
  joinReportDelay?: () => number
  report (member: string, names: number): void {
    this.counts.set(member, names)
    this.safeDispatchEvent('member:report', { detail: member })
  }
}

describe('name reads', () => {
  let counts: Counts
  let read: string[]
  let finish: Map<string, (read?: boolean) => void>
  let others: string[]
  let reads: NameReads

  function start (reportWait = 60_000, healSettle = 1000, clock = systemClock()): void {
    reads = new NameReads({
      reports: counts,
      read: async (member) => {
        read.push(member)
        return new Promise<boolean>(resolve => { finish.set(member, (ok = true) => { resolve(ok) }) })
      },
      others: () => others,
      clock
    }, { reportWait, healSettle })
    reads.start()
  }

  const tick = async (ms = 0): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

  beforeEach(() => {
    counts = new Counts()
    read = []
    finish = new Map()
    others = []
  })

  afterEach(() => { reads.stop() })

  it('reads a member that reported names at once, and never one that reported none', () => {
    start()
    counts.report('full', 3)
    counts.report('empty', 0)
    reads.want('full')
    reads.want('empty')
    expect(read).to.deep.equal(['full'])
    counts.report('full', 5)
    expect(read, 'a later report of a member read reads nothing: updates carry its writes').to.deep.equal(['full'])
    counts.report('empty', 0)
    expect(read).to.deep.equal(['full'])
    counts.report('empty', 2)
    expect(read, 'a member that said it held none and now holds some may have written before it counted us').to.deep.equal(['full', 'empty'])
  })

  it('waits for the first report of a member that has not said, once', () => {
    start()
    reads.want('quiet')
    reads.want('quiet')
    expect(read).to.deep.equal([])
    counts.report('quiet', 2)
    counts.report('quiet', 2)
    expect(read).to.deep.equal(['quiet'])
  })

  it('reads a member whose report does not come in time anyway', async () => {
    start(20)
    reads.want('silent')
    await new Promise(resolve => setTimeout(resolve, 60))
    expect(read).to.deep.equal(['silent'])
  })

  it('waits as much longer as members take to report after a join, which grows with the cluster', async () => {
    counts.joinReportDelay = () => 100
    start(20)
    reads.want('silent')
    await new Promise(resolve => setTimeout(resolve, 60))
    expect(read, 'within the report wait plus the join delay').to.deep.equal([])
    for (let waited = 0; read.length === 0 && waited < 2000; waited += 20) { await new Promise(resolve => setTimeout(resolve, 20)) }
    expect(read).to.deep.equal(['silent'])
  })

  it('reads a silent member at once when a lookup waits on it', async () => {
    start()
    reads.want('silent')
    expect(read).to.deep.equal([])
    const waiting = reads.settled(10_000)
    expect(read).to.deep.equal(['silent'])
    finish.get('silent')?.()
    await waiting
    expect(reads.pending).to.equal(false)
  })

  it('holds lookups while a member is awaited or read, and lets them go once it is read', async () => {
    start()
    expect(reads.pending).to.equal(false)
    reads.want('joiner')
    expect(reads.pending).to.equal(true)
    let settled = false
    const waiting = reads.settled(10_000).then(() => { settled = true })
    counts.report('joiner', 1)
    await Promise.resolve()
    expect([read, settled]).to.deep.equal([['joiner'], false])
    finish.get('joiner')?.()
    await waiting
    expect([settled, reads.pending]).to.deep.equal([true, false])
  })

  it('lets a lookup go after its timeout, or when its signal aborts, though reads go on', async () => {
    start()
    reads.want('slow')
    counts.report('slow', 1)
    const started = Date.now()
    await reads.settled(30)
    expect(Date.now() - started).to.be.at.least(25)
    const controller = new AbortController()
    const aborted = reads.settled(60_000, controller.signal)
    controller.abort()
    await aborted
    expect(reads.pending).to.equal(true)
  })

  it('drops the wait of a member that left, and all waits once stopped', () => {
    start()
    reads.want('gone')
    reads.forget('gone')
    counts.report('gone', 1)
    reads.want('late')
    reads.stop()
    counts.report('late', 1)
    expect(read).to.deep.equal([])
  })

  it('reads a member again once the read under way ends, when it is wanted meanwhile', async () => {
    start()
    counts.report('m', 1)
    reads.want('m')
    reads.want('m')
    expect(read).to.deep.equal(['m'])
    finish.get('m')?.()
    await tick()
    expect(read, 'the read sent before may have crossed a cut that since healed').to.deep.equal(['m', 'm'])
    finish.get('m')?.()
    await tick()
    expect(read).to.deep.equal(['m', 'm'])
    expect(reads.pending).to.equal(false)
  })

  it('reads a member whose read failed again later, without holding lookups meanwhile, until it leaves', async () => {
    start(20)
    counts.report('far', 1)
    reads.want('far')
    finish.get('far')?.(false)
    await tick()
    expect(reads.pending, 'an unreachable member does not hold lookups of unknown names').to.equal(false)
    await tick(60)
    expect(read).to.deep.equal(['far', 'far'])
    reads.forget('far')
    finish.get('far')?.(false)
    await tick(60)
    expect(read, 'a member that left is not read again').to.deep.equal(['far', 'far'])
  })

  it('reads every other member again once a member it had declared dead comes back: a partition healed', async () => {
    // a clock that moves on a ms at every reading, as a busy machine's does between two lines: the returning member's
    // read, sent as the heal begins, still counts as one since the heal
    const system = systemClock()
    let drift = 0
    start(60_000, 10, { ...system, now: () => system.now() + drift++ })
    others = ['a', 'b', 'c']
    for (const member of others) { counts.report(member, 1) }
    reads.left('a', true)
    reads.joined('a')
    expect(read).to.deep.equal(['a'])
    for (const member of ['a']) { finish.get(member)?.() }
    await tick(40)
    expect(read.sort(), 'b and c may have written across the cut while it lasted; a, read since the heal, is not read twice').to.deep.equal(['a', 'b', 'c'])
    counts.report('d', 1)
    reads.joined('d')
    await tick(40)
    expect(read, 'a plain join reads only the joiner').to.include('d')
    expect(read.filter(member => member === 'b')).to.have.length(1)
  })

  it('reads back a member reading this node from the start only until it has read that member once', async () => {
    start()
    counts.report('peer', 1)
    reads.readBack('peer')
    expect(read).to.deep.equal(['peer'])
    finish.get('peer')?.()
    await tick()
    // two members that read each other back at every read would never stop
    reads.readBack('peer')
    expect(read).to.deep.equal(['peer'])
    reads.left('peer', true)
    reads.readBack('peer')
    expect(read, 'after it was gone, it is new again').to.deep.equal(['peer', 'peer'])
  })
})
