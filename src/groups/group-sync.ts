// Replicates group memberships between nodes over the '$groups' system endpoint: each node pushes its own changes
// to every member, snapshots are exchanged with each member that joins, and a periodic 'have' catches what got lost.
import { SECOND } from '../config/units.ts'
import { compareVersions } from './group-table.ts'
import { GROUPS_SERVICE, PULL_BODY, deltaBody, haveBody, snapshotBodies, validateGroupMessage } from './group-wire.ts'
import type { GroupChange, GroupTable, OwnerSnapshot, Version } from './group-table.ts'
import type { SystemEndpoint } from '../cluster/system-endpoints.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { Logger } from '@libp2p/interface'

/** How often each node tells the others its version, when it changed since it last did. */
export const DEFAULT_HAVE_INTERVAL = 5 * SECOND
/**
 * An unchanged version is told again only once per this many have intervals: a replica that missed a change without
 * a gap to show it catches up within this (30 s), and an idle cluster does not pay N messages per node every 5 s.
 */
export const HAVE_REFRESH_ROUNDS = 6

export interface GroupSyncComponents {
  table: GroupTable
  membership: Pick<Membership, 'activeMembers' | 'isActive' | 'addEventListener' | 'removeEventListener'>
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
  /** default DEFAULT_HAVE_INTERVAL (5 s) */
  haveInterval?: number
}

interface PartialSnapshot {
  version: Version
  parts: OwnerSnapshot['entries'][]
  received: number
}

export class GroupSync {
  private readonly components: GroupSyncComponents
  private readonly budget: number
  private readonly haveInterval: number
  /** snapshots arriving in parts, per owner */
  private readonly partial = new Map<string, PartialSnapshot>()
  /** owners asked for a snapshot and not answered yet: one pull at a time each, retried every have interval */
  private readonly pulling = new Set<string>()
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private haveTimer: ReturnType<typeof setInterval> | undefined
  private flushWaiters: Array<() => void> = []
  private running = false
  /** the version the last have round told, and how many rounds ago */
  private toldVersion: Version | undefined
  private roundsSinceTold = 0
  /** group messages from the network that were malformed and dropped */
  invalidMessages = 0

  constructor (components: GroupSyncComponents, init: GroupSyncInit) {
    this.components = components
    // room for the envelope around the body; the size estimate is an upper bound already
    this.budget = Math.max(1024, Math.floor(init.maxMessageSize / 2))
    this.haveInterval = init.haveInterval ?? DEFAULT_HAVE_INTERVAL
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    this.components.endpoints.register(GROUPS_SERVICE, { send: (_target, body, from) => this.receive(body, from) })
    this.components.membership.addEventListener('member:join', this.onJoin)
    this.components.membership.addEventListener('member:alive', this.onAlive)
    this.components.membership.addEventListener('member:leave', this.onLeave)
    this.haveTimer = setInterval(() => { this.sayHave() }, this.haveInterval)
  }

  stop (): void {
    if (!this.running) { return }
    this.running = false
    this.components.endpoints.unregister(GROUPS_SERVICE)
    this.components.membership.removeEventListener('member:join', this.onJoin)
    this.components.membership.removeEventListener('member:alive', this.onAlive)
    this.components.membership.removeEventListener('member:leave', this.onLeave)
    clearInterval(this.haveTimer)
    clearTimeout(this.flushTimer)
    this.haveTimer = undefined
    this.flushTimer = undefined
    this.partial.clear()
    this.pulling.clear()
    this.toldVersion = undefined
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
    // both sides do this on their own join event; whichever side sees the other first gets answered either way
    this.sendSnapshot(node)
    this.pulling.delete(node)
    this.pull(node)
  }

  private readonly onAlive = (evt: CustomEvent<Member>): void => {
    // it was suspected: what we sent meanwhile may not have reached it
    const node = evt.detail.id
    if (node === this.components.table.self) { return }
    this.sendTo(node, [haveBody(this.localVersion())])
  }

  private readonly onLeave = (evt: CustomEvent<Member>): void => {
    const node = evt.detail.id
    if (node === this.components.table.self) { return }
    this.partial.delete(node)
    this.pulling.delete(node)
    this.components.changed(this.components.table.dropNode(node))
  }

  private sayHave (): void {
    // a pull not answered by now is asked again
    this.pulling.clear()
    const version = this.localVersion()
    this.roundsSinceTold++
    if (this.toldVersion != null && compareVersions(this.toldVersion, version) === 0 && this.roundsSinceTold < HAVE_REFRESH_ROUNDS) { return }
    this.toldVersion = version
    this.roundsSinceTold = 0
    const body = haveBody(version)
    for (const node of this.others()) { this.sendTo(node, [body]) }
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

  private localVersion (): Version {
    return this.components.table.version(this.components.table.self) ?? { epoch: 0, seq: 0 }
  }

  private releaseWaiters (): void {
    const waiters = this.flushWaiters
    this.flushWaiters = []
    for (const resolve of waiters) { resolve() }
  }
}
