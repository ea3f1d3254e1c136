// Join sync: pulls a member's own names as soon as it joins, and answers such pulls, so a newcomer never reads an empty registry.
import { SyncPuller } from './sync-puller.ts'
import { SyncResponder } from './sync-responder.ts'
import type { RegistryRecord } from './record.ts'
import type { Membership } from '../membership/index.ts'
import type { Host } from '../node/create-host.ts'
import type { Logger } from '@libp2p/interface'

export interface NameSyncComponents {
  host: Host
  membership: Membership
  log: Logger
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

  /** true while the names of some member are still on their way */
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

  /** Starts pulling the member's names, unless a pull from it is already under way. */
  pull (member: string): void {
    this.puller.pull(member)
  }

  /** Pulls from every active member never asked yet. */
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
