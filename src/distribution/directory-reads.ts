// When to read a member's whole directory: when it joins, and when it returns from suspicion (updates sent while it
// was cut off may be lost), unless its load report says it holds no entries. While its report has not come yet the
// read waits for it: every member reports soon after a join, and again every 30 s, so a cluster forming without
// distributed actors reads no directory at all.
import type { MemberReportEvents } from '../groups/index.ts'
import type { TypedEventTarget } from '@libp2p/interface'

/** How many directory entries each member last reported holding. */
export interface MemberDirectorySizes extends TypedEventTarget<MemberReportEvents> {
  /** undefined before the member's first report */
  directoryEntries(member: string): number | undefined
}

export interface DirectoryReadsComponents {
  reports: MemberDirectorySizes
  /** reads the member's directory now */
  read(member: string): void
}

export class DirectoryReads {
  private readonly components: DirectoryReadsComponents
  /** members to read once their first report says they hold entries */
  private readonly awaiting = new Set<string>()
  private readonly onReport = (evt: CustomEvent<string>): void => {
    if (this.awaiting.has(evt.detail)) { this.want(evt.detail) }
  }

  constructor (components: DirectoryReadsComponents) {
    this.components = components
  }

  start (): void {
    this.components.reports.addEventListener('member:report', this.onReport)
  }

  stop (): void {
    this.components.reports.removeEventListener('member:report', this.onReport)
    this.awaiting.clear()
  }

  /** The member's directory is to be read: now, once it reports, or not at all if it holds none. */
  want (member: string): void {
    const entries = this.components.reports.directoryEntries(member)
    if (entries === undefined) {
      this.awaiting.add(member)
      return
    }
    this.awaiting.delete(member)
    if (entries > 0) { this.components.read(member) }
  }

  /** The member left: its report will not come. */
  forget (member: string): void {
    this.awaiting.delete(member)
  }
}
