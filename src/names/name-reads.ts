// When to read a member's names: when it joins, and when it returns from suspicion (writes sent while it was cut
// off may be lost), unless its load report says it answers for none. While its report has not come the read waits
// for it, a few seconds at most, or until a lookup waits on it. Lookups of a name not known yet wait until the members
// being read are read, so a name a member held when it joined is found from the moment its join is seen.
import type { MemberReportEvents } from '../groups/index.ts'
import type { TypedEventTarget } from '@libp2p/interface'

/** How many name entries each member last reported answering for. */
export interface MemberNameCounts extends TypedEventTarget<MemberReportEvents> {
  /** undefined before the member's first report */
  heldNames(member: string): number | undefined
}

export interface NameReadsComponents {
  reports: MemberNameCounts
  /** reads the member's names now */
  read(member: string): Promise<void>
}

export interface NameReadsInit {
  /** a member silent this long after it was wanted is read anyway */
  reportWait: number
}

export class NameReads {
  private readonly components: NameReadsComponents
  private readonly init: NameReadsInit
  /** members to read once their first report says they hold names, each with the timer that reads it anyway */
  private readonly awaiting = new Map<string, ReturnType<typeof setTimeout>>()
  /** members being read now */
  private readonly reading = new Set<string>()
  /**
   * members not read because their report said they hold no names: one that takes a name before it counts this
   * node as a member sends it nobody, so a later report that says it holds some has it read after all
   */
  private readonly empty = new Set<string>()
  private waiters: Array<() => void> = []
  private running = false
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
    for (const timer of this.awaiting.values()) { clearTimeout(timer) }
    this.awaiting.clear()
    this.reading.clear()
    this.empty.clear()
    this.settle()
  }

  /** The member's names are to be read: now, once it reports, or not at all if it holds none. */
  want (member: string): void {
    if (!this.running) { return }
    const held = this.components.reports.heldNames(member)
    if (held === undefined) {
      if (!this.awaiting.has(member)) {
        const timer = setTimeout(() => { this.readNow(member) }, this.init.reportWait)
        timer.unref?.()
        this.awaiting.set(member, timer)
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

  /** The member left: there is nothing to wait for from it. */
  forget (member: string): void {
    this.empty.delete(member)
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
        clearTimeout(timer)
        signal?.removeEventListener('abort', finish)
        resolve()
      }
      const timer = setTimeout(finish, timeout)
      signal?.addEventListener('abort', finish, { once: true })
      this.waiters.push(finish)
    })
  }

  private readNow (member: string): void {
    if (this.reading.has(member)) {
      this.done(member)
      return
    }
    // reading before done: lookups waiting on this member must not be let go in between
    this.reading.add(member)
    this.done(member)
    this.components.read(member).finally(() => {
      this.reading.delete(member)
      this.settle()
    }).catch(() => {})
  }

  private done (member: string): void {
    clearTimeout(this.awaiting.get(member))
    if (this.awaiting.delete(member)) { this.settle() }
  }

  private settle (): void {
    if (this.pending) { return }
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) { resolve() }
  }
}
