// The members as the name system sees them: whom a write goes to (every other member, and nodes that read this one
// before it counted them), which holders left (their names in flight are refused), and one string per peer id.
import type { NameEntry } from './name-entry.ts'
import type { Membership } from '../membership/index.ts'

const SECOND = 1000
/** how long a node that read this one's names before this one counted it as a member is sent its writes anyway */
const EARLY_READER_WINDOW = 30 * SECOND
/** how long the names of a member that left are refused: longer than any read or batch of its can be in flight */
const DEPARTED_TTL = 60 * SECOND

export interface NameMembersInit {
  self: string
  membership: Pick<Membership, 'activeMembers' | 'isActive'>
  now(): number
}

export class NameMembers {
  private readonly init: NameMembersInit
  /** the peer ids of members, so entries read from the network share one string per node instead of one each */
  private readonly peerIds = new Map<string, string>()
  /**
   * nodes that read this node's names before this node counted them as members, and until when: writes made until
   * it does would reach them neither in that read nor in a batch
   */
  private readonly earlyReaders = new Map<string, number>()
  /**
   * members that left, and when: a read of theirs or a batch still in flight when the leave came (another stream,
   * so no order between them) would otherwise bring back local names nobody will ever give up
   */
  private readonly departed = new Map<string, number>()

  constructor (init: NameMembersInit) {
    this.init = init
    this.peerIds.set(init.self, init.self)
  }

  joined (member: string): void {
    this.peerIds.set(member, member)
    this.departed.delete(member)
  }

  left (member: string): void {
    this.departed.set(member, this.init.now())
  }

  /** True for a local name whose holder left lately: a write of it still in flight is stale. */
  heldByDeparted (entry: NameEntry): boolean {
    return entry.kind === 'local' && this.departed.has(entry.holder)
  }

  /** A node that is not a member yet read this one: it is sent this node's writes for a while. */
  readBy (reader: string): void {
    if (!this.init.membership.isActive(reader)) { this.earlyReaders.set(reader, this.init.now() + EARLY_READER_WINDOW) }
  }

  /** the other active members, and nodes that read this one before it counted them */
  peers (): string[] {
    const self = this.init.self
    const peers = this.init.membership.activeMembers().map(member => member.id).filter(id => id !== self)
    if (this.earlyReaders.size === 0) { return peers }
    const now = this.init.now()
    for (const [reader, until] of this.earlyReaders) {
      if (until < now || peers.includes(reader)) { this.earlyReaders.delete(reader) } else { peers.push(reader) }
    }
    return peers
  }

  /**
   * Points the entry's peer ids at the strings this node already holds for those members: decoded from the network,
   * each entry would otherwise keep copies of its own (about 70 bytes each, two or three per entry).
   */
  share (entry: NameEntry): void {
    entry.holder = this.peerIds.get(entry.holder) ?? entry.holder
    entry.version.writer = this.peerIds.get(entry.version.writer) ?? entry.version.writer
    if (entry.taken != null) { entry.taken.writer = this.peerIds.get(entry.taken.writer) ?? entry.taken.writer }
  }

  prune (): void {
    const before = this.init.now() - DEPARTED_TTL
    for (const [member, at] of this.departed) {
      if (at < before) { this.departed.delete(member) }
    }
  }

  clear (): void {
    this.earlyReaders.clear()
    this.departed.clear()
    this.peerIds.clear()
    this.peerIds.set(this.init.self, this.init.self)
  }
}
