// When to read a member's names: when it joins, and when it returns from suspicion (writes sent while it was cut
// off may be lost), unless its load report says it answers for none. While its report has not come the read waits
// for it, a few seconds at most, or until a lookup waits on it. Lookups of a name not known yet wait until the members
// being read are read, so a name a member held when it joined is found from the moment its join is seen.
import type { MemberReportEvents } from '../groups/index.ts'
import type { Clock, Timer } from '../time/clock.ts'
import type { TypedEventTarget } from '@libp2p/interface'

/** How many name entries each member last reported answering for. */
export interface MemberNameCounts extends TypedEventTarget<MemberReportEvents> {
  /** undefined before the member's first report */
  heldNames(member: string): number | undefined
  /**
   * ms members take to report after they see a join: it grows with the cluster, which spaces its reports out, and a
   * newcomer that gave up waiting before would read every member
   */
  joinReportDelay?(): number
}

export interface NameReadsComponents {
  reports: MemberNameCounts
  /** reads the member's names now; false when the read failed */
  read(member: string): Promise<boolean>
  /** the other active members */
  others(): string[]
  clock: Clock
}

export interface NameReadsInit {
  /** a member silent this long (plus the reports' join delay) after it was wanted is read anyway */
  reportWait: number
  /** after a partition heals, how long members have to see each other again before every one is read */
  healSettle: number
}

export class NameReads {
  private readonly components: NameReadsComponents
  private readonly init: NameReadsInit
  /** members to read once their first report says they hold names, each with the timer that reads it anyway */
  private readonly awaiting = new Map<string, Timer>()
  /** members being read now */
  private readonly reading = new Set<string>()
  /**
   * members wanted again while being read: the read under way may have been sent before a cut healed and never
   * answer, or answer with what the member held before writes it has since learnt
   */
  private readonly again = new Set<string>()
  /**
   * members not read because their report said they hold no names: one that takes a name before it counts this
   * node as a member sends it nobody, so a later report that says it holds some has it read after all
   */
  private readonly empty = new Set<string>()
  private waiters: Array<() => void> = []
  private running = false
  /**
   * members whose read failed, each with the timer that reads it again: apart from `awaiting`, since a member
   * that cannot be reached for a while must not hold every lookup of an unknown name (and readiness) meanwhile
   */
  private readonly retries = new Map<string, Timer>()
  /**
   * when the last read of each member that succeeded since it joined was sent: a member reading this node is read
   * back only if it has none, and the reads after a heal skip members read since the heal began
   */
  private readonly lastRead = new Map<string, number>()
  /** members this node declared dead: one that comes back was cut off, not crashed */
  private readonly declaredDead = new Set<string>()
  private rereading: Timer | undefined
  /** true while only members whose report says they hold names are read (see onlyReported) */
  private reportsOnly = false
  private readonly onReport = (evt: CustomEvent<string>): void => {
    const member = evt.detail
    if (this.awaiting.has(member) || (this.empty.has(member) && (this.components.reports.heldNames(member) ?? 0) > 0)) { this.want(member) }
  }

  constructor (components: NameReadsComponents, init: NameReadsInit) {
    this.components = components
    this.init = init
  }

  start (): void {
    this.running = true
    this.components.reports.addEventListener('member:report', this.onReport)
  }

  stop (): void {
    this.running = false
    this.components.reports.removeEventListener('member:report', this.onReport)
    for (const timer of this.awaiting.values()) { timer.cancel() }
    this.awaiting.clear()
    this.reading.clear()
    this.again.clear()
    for (const timer of this.retries.values()) { timer.cancel() }
    this.retries.clear()
    this.lastRead.clear()
    this.declaredDead.clear()
    this.rereading?.cancel()
    this.rereading = undefined
    this.empty.clear()
    this.settle()
  }

  /** The member's names are to be read: now, once it reports, or not at all if it holds none. */
  want (member: string): void {
    if (!this.running) { return }
    const held = this.components.reports.heldNames(member)
    if (held === undefined && this.reportsOnly) {
      // read once its first report says it holds names
      this.empty.add(member)
      this.done(member)
      return
    }
    if (held === undefined) {
      if (!this.awaiting.has(member)) {
        const wait = this.init.reportWait + (this.components.reports.joinReportDelay?.() ?? 0)
        this.awaiting.set(member, this.components.clock.after(wait, () => { this.readNow(member) }))
      }
      return
    }
    if (held > 0) {
      this.empty.delete(member)
      this.readNow(member)
    } else {
      this.empty.add(member)
      this.done(member)
    }
  }

  /** A member joined, or came back after this node declared it dead: then a partition healed. */
  joined (member: string): void {
    // the heal begins before the returning member's own read is sent, so that read counts as one since the heal
    const at = this.components.clock.now()
    this.want(member)
    if (this.declaredDead.delete(member)) { this.healed(at) }
  }

  /** A suspect refuted the suspicion: it was cut off from this node for a while. */
  refuted (member: string): void {
    const at = this.components.clock.now()
    this.want(member)
    this.healed(at)
  }

  /**
   * A member is reading this node from the start: it may have missed writes of ours as we missed its, so it is
   * read back, unless it was read since it joined. Two members reading each other back at every read would never
   * stop; a heal, which is when writes go missing, has every member read again anyway.
   */
  readBack (member: string): void {
    if (!this.lastRead.has(member)) { this.want(member) }
  }

  /**
   * With `true`, a member is read only once its report says it holds names, never after waiting for a report that
   * is late. Where names live with their homes, a read brings only a member's distributed entries, which few members
   * hold; reading every member that joins or returns would cost a connection to each.
   */
  onlyReported (on: boolean): void {
    this.reportsOnly = on
  }

  /** Every member is read again, as after a heal: names that lived with their homes come back to every node. */
  rereadAll (): void {
    this.healed()
  }

  /** A member left, or was declared dead. */
  left (member: string, dead: boolean): void {
    if (dead) { this.declaredDead.add(member) }
    this.forget(member)
  }

  /** The member left: there is nothing to wait for from it. */
  forget (member: string): void {
    this.empty.delete(member)
    this.again.delete(member)
    this.lastRead.delete(member)
    this.retries.get(member)?.cancel()
    this.retries.delete(member)
    this.done(member)
    this.reading.delete(member)
    this.settle()
  }

  /** True while some member's names are awaited or being read. */
  get pending (): boolean {
    return this.awaiting.size > 0 || this.reading.size > 0
  }

  /**
   * Resolves once no member's names are awaited or being read, or after `timeout` ms, or when `signal` aborts. A
   * lookup is waiting: members whose report has not come are read now rather than once it comes.
   */
  async settled (timeout: number, signal?: AbortSignal): Promise<void> {
    if (!this.pending || signal?.aborted === true) { return }
    for (const member of [...this.awaiting.keys()]) { this.readNow(member) }
    await new Promise<void>(resolve => {
      const finish = (): void => {
        timer.cancel()
        signal?.removeEventListener('abort', finish)
        resolve()
      }
      const timer = this.components.clock.after(timeout, finish)
      signal?.addEventListener('abort', finish, { once: true })
      this.waiters.push(finish)
    })
  }

  private readNow (member: string): void {
    if (this.reading.has(member)) {
      this.again.add(member)
      this.done(member)
      return
    }
    // reading before done: lookups waiting on this member must not be let go in between
    this.reading.add(member)
    this.done(member)
    this.retries.get(member)?.cancel()
    this.retries.delete(member)
    const sentAt = this.components.clock.now()
    this.components.read(member).catch(() => false).then((read) => {
      // a member forgotten meanwhile (it left) is not read again
      const stillWanted = this.running && this.reading.delete(member)
      if (stillWanted && read) { this.lastRead.set(member, sentAt) }
      if (stillWanted && this.again.delete(member)) {
        this.readNow(member)
      } else if (stillWanted && !read) {
        // a member that could not be read is read again later, until it answers or leaves
        this.retries.set(member, this.components.clock.after(this.init.reportWait, () => {
          this.retries.delete(member)
          this.readNow(member)
        }))
      }
      this.settle()
    }).catch(() => {})
  }

  /**
   * A member this node had cut off or suspected is back. Writes sent across the cut while it lasted are lost, and
   * not only the returning member's: a member this node never suspected may have written to this side while its
   * batches could not cross. Every member is read again, once the heal settled.
   */
  private healed (since = this.components.clock.now()): void {
    this.rereading ??= this.components.clock.after(this.init.healSettle, () => {
      this.rereading = undefined
      for (const member of this.components.others()) {
        // read already since the heal began, as the member that came back is
        if ((this.lastRead.get(member) ?? -Infinity) < since) { this.want(member) }
      }
    })
  }

  private done (member: string): void {
    this.awaiting.get(member)?.cancel()
    if (this.awaiting.delete(member)) { this.settle() }
  }

  private settle (): void {
    if (this.pending) { return }
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) { resolve() }
  }
}
