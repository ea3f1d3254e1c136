// Keeps this node in line with the name table: starts the actors it holds that do not run, ends the ones another
// node or a local actor now holds (or that lost their quorum), claims the ones whose holder is gone, and restarts
// lost members' actors when this node coordinates. Runs soon after a relevant change and once a tick besides.
import { refOf } from '../names/name-entry.ts'
import { coordinatorOf, holderDuties } from './duties.ts'
import type { Delivery } from './delivery.ts'
import type { ClusterView } from './duties.ts'
import type { EntryPlacement } from './entry-placement.ts'
import type { DirectoryEntry, QuorumRule } from './entry.ts'
import type { Failover } from './failover.ts'
import type { Hosting } from './hosting.ts'
import type { DuplicateDetail } from './index.ts'
import type { Membership } from '../membership/index.ts'
import type { NameEntry } from '../names/name-entry.ts'
import type { Clock, Timer } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

/** how often duties are checked even when nothing announced a change: a lost message costs at most this */
const TICK_INTERVAL = 1000
/** how long a holder this node has never seen as a member counts as still joining, not as gone */
const UNKNOWN_HOLDER_GRACE = 10_000

export interface ReconcilerComponents {
  self: string
  membership: Pick<Membership, 'activeMembers' | 'get'>
  hasQuorum(rule: QuorumRule): boolean
  hosting: Pick<Hosting, 'names' | 'cell' | 'startDue' | 'end' | 'claim' | 'runningUnder'>
  delivery: Pick<Delivery, 'expire' | 'flushAllParked'>
  placement: Pick<EntryPlacement, 'drainingNow' | 'selfDraining'>
  failover: Pick<Failover, 'run'>
  /** every distributed actor's entry, tombstones included */
  entries(): Iterable<DirectoryEntry>
  /** the name table's entry of a name, whatever its kind */
  entryOf(name: string): NameEntry | undefined
  duplicate(detail: DuplicateDetail): void
  quorumLost(name: string): void
  clock: Clock
  log: Logger
}

export class Reconciler {
  private readonly components: ReconcilerComponents
  private running = false
  private startedAt = 0
  private scheduled: Timer | undefined
  private tick: Timer | undefined

  constructor (components: ReconcilerComponents) {
    this.components = components
  }

  start (): void {
    this.running = true
    this.startedAt = this.components.clock.now()
    this.tick = this.components.clock.every(TICK_INTERVAL, () => {
      this.components.delivery.expire()
      this.run()
    })
  }

  stop (): void {
    this.running = false
    this.tick?.cancel()
    this.scheduled?.cancel()
    this.scheduled = undefined
  }

  /** Reconciles once the current turn's other changes are in. */
  schedule (): void {
    if (!this.running || this.scheduled != null) { return }
    this.scheduled = this.components.clock.soon(() => {
      this.scheduled = undefined
      this.run()
    })
  }

  run (): void {
    if (!this.running) { return }
    const { hosting, log } = this.components
    const view = this.view()
    const duties = holderDuties(this.components.entries(), hosting.names(), name => this.components.entryOf(name), view, name => hosting.runningUnder(name))
    for (const entry of duties.start) { hosting.startDue(entry) }
    for (const { name, reason, entry } of duties.end) {
      const ended = hosting.cell(name)?.ref
      hosting.end(name).catch((err: Error) => { log('ending %s failed - %e', name, err) })
      if (reason === 'duplicate' && entry != null && ended != null) {
        log('%s runs on %s too: this instance ends', name, entry.holder)
        this.components.duplicate({ name, kept: refOf(entry), ended })
      } else if (reason === 'quorum') {
        this.components.quorumLost(name)
      }
    }
    for (const entry of duties.claim) { hosting.claim(entry) }
    this.components.delivery.flushAllParked()
    if (coordinatorOf(view) === this.components.self && !this.components.placement.selfDraining) { this.components.failover.run(view) }
  }

  /** this node's view of the cluster, as the duties read it */
  view (): ClusterView {
    const { membership, clock } = this.components
    return {
      self: this.components.self,
      active: new Set(membership.activeMembers().map(member => member.id)),
      draining: this.components.placement.drainingNow(),
      hasQuorum: (rule) => this.components.hasQuorum(rule),
      gone: (id) => {
        const member = membership.get(id)
        if (member != null) { return member.status === 'dead' || member.status === 'left' }
        return clock.now() - this.startedAt > UNKNOWN_HOLDER_GRACE
      }
    }
  }
}
