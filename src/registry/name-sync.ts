// Join sync: pulls a member's own names as soon as it joins (unless it holds none), and answers such pulls, so a newcomer never reads an empty registry.
import { SyncPuller } from './sync-puller.ts'
import { SyncResponder } from './sync-responder.ts'
import type { MemberNameCounts } from './index.ts'
import type { RegistryRecord } from './record.ts'
import type { Membership } from '../membership/index.ts'
import type { Host } from '../node/create-host.ts'
import type { Logger } from '@libp2p/interface'

export interface NameSyncComponents {
  host: Host
  membership: Membership
  log: Logger
  /** what members say they hold: a member that holds no names is not asked for them */
  nameCounts?: MemberNameCounts
}

export interface NameSyncInit {
  /** the cluster's registry-sync protocol id */
  protocol: string
  /** how long one attempt to pull a member's names, or to answer one, may take */
  timeout: number
  /** the records of the names this node holds, for a member that asks */
  held(): RegistryRecord[]
  /** a member's complete and valid answer */
  accept(from: string, records: RegistryRecord[]): void
}

export class NameSync {
  private readonly puller: SyncPuller
  private readonly responder: SyncResponder

  constructor (components: NameSyncComponents, init: NameSyncInit) {
    const { protocol, timeout } = init
    this.puller = new SyncPuller(components, { protocol, timeout, accept: init.accept })
    this.responder = new SyncResponder(components, { protocol, timeout, held: init.held })
  }

  /** malformed requests and answers: each reset its stream */
  get invalidMessages (): number {
    return this.puller.invalidMessages + this.responder.invalidMessages
  }

  /** attempts to pull names, each on a registry-sync stream of its own (some fail to open one) */
  get pullsStarted (): number {
    return this.puller.pullsStarted
  }

  /** true while the names of some member are still on their way, or it has not said yet whether it holds any */
  get pending (): boolean {
    return this.puller.pending
  }

  async start (): Promise<void> {
    if (this.puller.isStarted()) {
      return
    }

    await this.responder.start()
    this.puller.start()
  }

  async stop (): Promise<void> {
    if (!this.puller.isStarted()) {
      return
    }

    this.puller.stop()
    await this.responder.stop()
  }

  /** True when the first pull from each of these members is over (see SyncPuller.syncedWith). */
  syncedWith (members: Iterable<string>): boolean {
    return this.puller.syncedWith(members)
  }

  /** A member joined: pulls its names unless it says it holds none (see SyncPuller.joined). */
  joined (member: string): void {
    this.puller.joined(member)
  }

  /** Starts pulling the member's names whatever it said it holds, unless a pull from it is already under way. */
  pull (member: string): void {
    this.puller.pull(member)
  }

  /** Treats every active member never asked yet as joined. */
  pullNew (): void {
    this.puller.pullNew()
  }

  /** Stops pulling from a member that left. */
  forget (member: string): void {
    this.puller.forget(member)
  }

  /** Waits for the pulls under way, at most `timeout` ms; rejects only when the caller's signal aborts. */
  async settled (timeout: number, signal?: AbortSignal): Promise<void> {
    await this.puller.settled(timeout, signal)
  }
}
