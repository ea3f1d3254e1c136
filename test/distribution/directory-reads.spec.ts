// When a member's directory is read: by what its load report says it holds, and only once it said.
import { TypedEventEmitter } from '@libp2p/interface'
import { expect } from 'aegir/chai'
import { DirectoryReads } from '../../src/distribution/directory-reads.ts'
import type { MemberDirectorySizes } from '../../src/distribution/directory-reads.ts'
import type { MemberReportEvents } from '../../src/groups/index.ts'

class Sizes extends TypedEventEmitter<MemberReportEvents> implements MemberDirectorySizes {
  private readonly sizes = new Map<string, number>()
  directoryEntries (member: string): number | undefined { return this.sizes.get(member) }
  report (member: string, entries: number): void {
    this.sizes.set(member, entries)
    this.safeDispatchEvent('member:report', { detail: member })
  }
}

describe('directory reads', () => {
  let sizes: Sizes
  let read: string[]
  let reads: DirectoryReads

  beforeEach(() => {
    sizes = new Sizes()
    read = []
    reads = new DirectoryReads({ reports: sizes, read: (member) => { read.push(member) } })
    reads.start()
  })

  afterEach(() => { reads.stop() })

  it('reads a member that reported entries at once, and never one that reported none', () => {
    sizes.report('full', 3)
    sizes.report('empty', 0)
    reads.want('full')
    reads.want('empty')
    expect(read).to.deep.equal(['full'])
    sizes.report('empty', 5)
    expect(read, 'a later report of a member not waited on reads nothing: updates carry it').to.deep.equal(['full'])
  })

  it('waits for the first report of a member that has not said, once', () => {
    reads.want('quiet')
    reads.want('quiet')
    expect(read).to.deep.equal([])
    sizes.report('quiet', 2)
    sizes.report('quiet', 2)
    expect(read).to.deep.equal(['quiet'])
  })

  it('drops the wait of a member that left, and all waits once stopped', () => {
    reads.want('gone')
    reads.forget('gone')
    sizes.report('gone', 1)
    reads.want('late')
    reads.stop()
    sizes.report('late', 1)
    expect(read).to.deep.equal([])
  })
})
