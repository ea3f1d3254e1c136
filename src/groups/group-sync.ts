// Replicates group memberships between nodes over the '$groups' system endpoint: each node pushes its own changes
// to every member, and reads a member's whole snapshot when the version that member reports (in its load report,
// sent on every change and every 30 s anyway) is ahead of the replica: after a join, a lost delta or a heal. A member
// whose actors are in no group costs nothing to join: nothing is sent to it or read from it.
import { compareVersions } from './group-table.ts'
import { GROUPS_SERVICE, PULL_BODY, deltaBody, haveBody, snapshotBodies, validateGroupMessage } from './group-wire.ts'
import type { GroupChange, GroupTable, OwnerSnapshot, Version } from './group-table.ts'
import type { SystemEndpoint } from '../cluster/system-endpoints.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { Logger, TypedEventTarget } from '@libp2p/interface'

export interface MemberReportEvents {
  /** a member's report arrived; the detail is its id */
  'member:report': CustomEvent<string>
}

/** The version of its group memberships each member last reported. */
export interface MemberGroupVersions extends TypedEventTarget<MemberReportEvents> {
  /** undefined before the member's first report */
  groupVersion(member: string): Version | undefined
}

export interface GroupSyncComponents {
  table: GroupTable
  membership: Pick<Membership, 'activeMembers' | 'isActive' | 'addEventListener' | 'removeEventListener'>
  reports: MemberGroupVersions
  endpoints: { register(id: string, endpoint: SystemEndpoint): void, unregister(id: string): void }
  /** fire-and-forget to a node's endpoint, in order per node (the direct protocol's send) */
  send(node: string, target: string, body: unknown): void
  /** memberships held for other nodes changed */
  changed(changes: GroupChange[]): void
  log: Logger
}

export interface GroupSyncInit {
  /** largest message the cluster carries, in bytes: snapshots are split to fit */
  maxMessageSize: number
}

interface PartialSnapshot {
  version: Version
  parts: OwnerSnapshot['entries'][]
  received: number
}

export class GroupSync {
  private readonly components: GroupSyncComponents
  private readonly budget: number
  /** snapshots arriving in parts, per owner */
  private readonly partial = new Map<string, PartialSnapshot>()
  /** owners asked for a snapshot and not answered yet: one pull at a time each, asked again on their next report */
  private readonly pulling = new Set<string>()
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private flushWaiters: Array<() => void> = []
  private running = false
  private readonly onReport = (evt: CustomEvent<string>): void => {
    const node = evt.detail
    // a pull whose answer got lost is asked again: the report says the replica is still behind
    this.pulling.delete(node)
    this.catchUp(node)
  }

  /** group messages from the network that were malformed and dropped */
  invalidMessages = 0

  constructor (components: GroupSyncComponents, init: GroupSyncInit) {
    this.components = components
    // room for the envelope around the body; the size estimate is an upper bound already
    this.budget = Math.max(1024, Math.floor(init.maxMessageSize / 2))
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    this.components.endpoints.register(GROUPS_SERVICE, { send: (_target, body, from) => this.receive(body, from) })
    this.components.membership.addEventListener('member:join', this.onJoin)
    this.components.membership.addEventListener('member:alive', this.onAlive)
    this.components.membership.addEventListener('member:leave', this.onLeave)
    this.components.reports.addEventListener('member:report', this.onReport)
  }

  stop (): void {
    if (!this.running) { return }
    this.running = false
    this.components.endpoints.unregister(GROUPS_SERVICE)
    this.components.membership.removeEventListener('member:join', this.onJoin)
    this.components.membership.removeEventListener('member:alive', this.onAlive)
    this.components.membership.removeEventListener('member:leave', this.onLeave)
    this.components.reports.removeEventListener('member:report', this.onReport)
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    this.partial.clear()
    this.pulling.clear()
    this.releaseWaiters()
  }

  /** This node's memberships changed: the changes of this tick go out together, in one message per member. */
  localChanged (): void {
    if (!this.running || this.flushTimer != null) { return }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined
      this.flush()
    }, 0)
  }

  /** Resolves once this node's changes made so far are handed to the transport for every member. */
  async flushed (): Promise<void> {
    if (this.flushTimer == null) { return }
    await new Promise<void>(resolve => { this.flushWaiters.push(resolve) })
  }

  /** Sends the pending changes now, as a delta or, when that is too big, as a snapshot. */
  flush (): void {
    const delta = this.components.table.takeDelta()
    if (delta != null) {
      const body = deltaBody(delta, this.budget)
      for (const node of this.others()) {
        if (body != null) { this.sendTo(node, [body]) } else { this.sendSnapshot(node) }
      }
    }
    this.releaseWaiters()
  }

  private receive (body: unknown, from: string): boolean {
    let msg
    try {
      msg = validateGroupMessage(body)
    } catch (err: any) {
      this.invalidMessages++
      this.components.log.error('dropped a group message from %s: %s', from, err.message)
      return true
    }
    // what a node that is not (or no longer) a member says of itself would never be dropped: only members count
    switch (msg.kind) {
      case 'pull':
        this.sendSnapshot(from)
        break
      case 'have': {
        const held = this.components.table.version(from)
        if (this.components.membership.isActive(from) && (held == null || compareVersions(held, msg.version) < 0)) { this.pull(from) }
        break
      }
      case 'delta': {
        if (!this.components.membership.isActive(from)) { break }
        const { result, changes } = this.components.table.applyDelta(from, msg.delta)
        if (result === 'gap') { this.pull(from) }
        this.components.changed(changes)
        break
      }
      case 'snapshot':
        if (this.components.membership.isActive(from)) { this.receivePart(from, msg.snapshot, msg.part, msg.parts) }
        break
      default:
        // validateGroupMessage lets no other kind through
        break
    }
    return true
  }

  private receivePart (from: string, snapshot: OwnerSnapshot, part: number, parts: number): void {
    let partial = this.partial.get(from)
    if (part === 0) {
      partial = { version: snapshot.version, parts: new Array(parts), received: 0 }
      this.partial.set(from, partial)
    }
    // a part without its first, or of another version, belongs to a snapshot cut short: a later one replaces it
    if (partial == null || compareVersions(partial.version, snapshot.version) !== 0 || partial.parts.length !== parts || partial.parts[part] != null) { return }
    partial.parts[part] = snapshot.entries
    partial.received++
    if (partial.received < parts) { return }
    this.partial.delete(from)
    this.pulling.delete(from)
    this.components.changed(this.components.table.merge(from, { version: snapshot.version, entries: partial.parts.flat() }))
  }

  private readonly onJoin = (evt: CustomEvent<Member>): void => {
    const node = evt.detail.id
    if (node === this.components.table.self) { return }
    // ours is pushed, not waited for: the newcomer may not have heard our report yet. Should it not count us as a
    // member yet it drops the snapshot, and reads it once it does, from our report.
    if (this.holdsAny()) { this.sendSnapshot(node) }
    this.pulling.delete(node)
    // its report may have come before the join; if not, its next report decides
    this.catchUp(node)
  }

  private readonly onAlive = (evt: CustomEvent<Member>): void => {
    // it was suspected: what we sent meanwhile may not have reached it, and it would wait for our next report
    const node = evt.detail.id
    if (node === this.components.table.self || !this.holdsAny()) { return }
    this.sendTo(node, [haveBody(this.localVersion())])
  }

  private readonly onLeave = (evt: CustomEvent<Member>): void => {
    const node = evt.detail.id
    if (node === this.components.table.self) { return }
    this.partial.delete(node)
    this.pulling.delete(node)
    this.components.changed(this.components.table.dropNode(node))
  }

  /** Reads a member's memberships when the version it reported is ahead of the replica held here. */
  private catchUp (node: string): void {
    const reported = this.components.reports.groupVersion(node)
    if (!this.running || reported == null || !this.components.membership.isActive(node)) { return }
    const held = this.components.table.version(node)
    if (held != null && compareVersions(held, reported) >= 0) { return }
    if (reported.seq === 0) {
      // a run of the node that never changed a membership holds none: nothing to read
      this.components.changed(this.components.table.merge(node, { version: reported, entries: [] }))
      return
    }
    this.pull(node)
  }

  private pull (node: string): void {
    if (this.pulling.has(node)) { return }
    this.pulling.add(node)
    this.sendTo(node, [PULL_BODY])
  }

  private sendSnapshot (node: string): void {
    const snapshot = this.components.table.snapshot()
    if (snapshot == null) { return }
    const bodies = snapshotBodies(snapshot, this.budget)
    if (bodies.length === 0) {
      this.components.log.error('this node is in too many groups to send them in one snapshot')
      return
    }
    this.sendTo(node, bodies)
  }

  private sendTo (node: string, bodies: unknown[]): void {
    try {
      for (const body of bodies) { this.components.send(node, GROUPS_SERVICE, body) }
    } catch (err: any) {
      this.components.log.error('could not send group memberships to %s: %s', node, err.message)
    }
  }

  private others (): string[] {
    return this.components.membership.activeMembers().map(m => m.id).filter(id => id !== this.components.table.self)
  }

  /** The version of this node's own memberships, as its load report tells it. */
  localVersion (): Version {
    return this.components.table.version(this.components.table.self) ?? { epoch: 0, seq: 0 }
  }

  /** False while this run of the node never changed a membership: there is nothing to send anyone. */
  private holdsAny (): boolean {
    return this.localVersion().seq > 0
  }

  private releaseWaiters (): void {
    const waiters = this.flushWaiters
    this.flushWaiters = []
    for (const resolve of waiters) { resolve() }
  }
}
