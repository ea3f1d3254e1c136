// The asking side of join sync: pulls each joining member's own names, with a few retries, for the lookups that wait on them.
import { FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from '../wire/errors.ts'
import { InvalidRegistryRecordError, RegistrySyncError } from './errors.ts'
import { anySignal, delay, raceSignal } from './signals.ts'
import { requestNames } from './sync-request.ts'
import { SyncCodec } from './sync-wire.ts'
import type { NameSyncComponents } from './name-sync.ts'
import type { RegistryRecord } from './record.ts'

export interface SyncPullerInit {
  protocol: string
  /** how long one attempt may take */
  timeout: number
  /** a member's complete and valid answer */
  accept(from: string, records: RegistryRecord[]): void
}

/** how many times a member is asked before its names are left to gossip and the DHT */
const MAX_ATTEMPTS = 3

/** pause before asking again, times the attempt number: a member that just connected may not serve the protocol yet */
const RETRY_DELAY = 100

interface Pull {
  controller: AbortController
  done: Promise<void>
  settled: boolean
}

export class SyncPuller {
  private readonly components: NameSyncComponents
  private readonly init: SyncPullerInit
  private readonly codec = new SyncCodec()
  /** the latest pull from each member that joined, under way or settled; a member that leaves is dropped */
  private readonly pulls = new Map<string, Pull>()
  /** members whose names were pulled at least once (or given up on after every attempt) since they joined */
  private readonly synced = new Set<string>()
  private invalid = 0
  private running = false

  constructor (components: NameSyncComponents, init: SyncPullerInit) {
    this.components = components
    this.init = init
  }

  /** malformed answers: each reset its stream */
  get invalidMessages (): number {
    return this.invalid
  }

  /** true while the names of some member are still on their way */
  get pending (): boolean {
    for (const pull of this.pulls.values()) {
      if (!pull.settled) {
        return true
      }
    }

    return false
  }

  isStarted (): boolean {
    return this.running
  }

  start (): void {
    this.running = true
  }

  stop (): void {
    this.running = false
    for (const [member, pull] of this.pulls) {
      pull.controller.abort(new RegistrySyncError(member, 'the registry stopped'))
    }
    this.pulls.clear()
    this.synced.clear()
  }

  /** Starts pulling the member's names, unless a pull from it is already under way. */
  pull (member: string): void {
    const { host } = this.components
    // before the host runs nothing can be dialled: such members are asked by the first lookup after it starts
    if (!this.running || member === host.peerId.toString() || host.status !== 'started') {
      return
    }

    const current = this.pulls.get(member)
    if (current != null && !current.settled) {
      return
    }

    const controller = new AbortController()
    const pull: Pull = { controller, settled: false, done: Promise.resolve() }
    pull.done = this.run(member, controller.signal)
      .catch(err => { this.components.log.error('pull from %s failed - %e', member, err) })
      .finally(() => {
        pull.settled = true
        if (this.pulls.get(member) === pull) { this.synced.add(member) }
      })
    this.pulls.set(member, pull)
  }

  /** Pulls from every active member never asked yet: whoever calls may hear of a join before the registry does. */
  pullNew (): void {
    for (const member of this.components.membership.activeMembers()) {
      if (!this.pulls.has(member.id)) {
        this.pull(member.id)
      }
    }
  }

  /** Stops pulling from a member that left; the registry forgets its names with the rest of its records. */
  forget (member: string): void {
    this.pulls.get(member)?.controller.abort(new RegistrySyncError(member, 'the member left'))
    this.pulls.delete(member)
    this.synced.delete(member)
  }

  /**
   * True when the first pull from each of these members is over: answered, or given up on after its attempts.
   * A later pull (after a suspicion is refuted) does not count against it: the names were there before.
   */
  syncedWith (members: Iterable<string>): boolean {
    const self = this.components.host.peerId.toString()
    for (const member of members) {
      if (member !== self && !this.synced.has(member)) { return false }
    }
    return true
  }

  /** Waits for the pulls under way, at most `timeout` ms; rejects only when the caller's signal aborts. */
  async settled (timeout: number, signal?: AbortSignal): Promise<void> {
    const waiting = [...this.pulls.values()].filter(pull => !pull.settled).map(async pull => pull.done)
    if (waiting.length === 0) {
      return
    }

    try {
      await raceSignal(Promise.all(waiting), anySignal(AbortSignal.timeout(timeout), signal))
    } catch (err) {
      if (signal?.aborted === true) {
        throw err
      }

      this.components.log('still waiting for the names of %d member(s) after %d ms, going on without them', waiting.length, timeout)
    }
  }

  private async run (member: string, signal: AbortSignal): Promise<void> {
    const { host, membership, log } = this.components
    const started = Date.now()

    for (let attempt = 1; ; attempt++) {
      try {
        const records = await requestNames(host, member, {
          protocol: this.init.protocol,
          codec: this.codec,
          signal: anySignal(signal, AbortSignal.timeout(this.init.timeout)),
          onInvalid: (err) => { this.rejected(member, err) }
        })
        if (signal.aborted || !this.running) {
          return
        }

        this.init.accept(member, records)
        log('pulled %d names from %s in %d ms', records.length, member, Date.now() - started)
        return
      } catch (err) {
        if (signal.aborted || !this.running) {
          return
        }

        // a malformed answer would come back the same; a member that left has nothing to tell
        if (isMalformed(err) || attempt >= MAX_ATTEMPTS || !membership.isActive(member)) {
          log('could not pull the names of %s after %d attempt(s) - %e', member, attempt, err)
          return
        }

        log.trace('pull from %s failed, attempt %d - %e', member, attempt, err)
        await delay(RETRY_DELAY * attempt, signal)
      }
    }
  }

  private rejected (from: string, err: Error): void {
    this.invalid++
    this.components.log.error('reset a registry-sync stream from %s carrying a malformed answer - %e', from, err)
  }
}

function isMalformed (err: unknown): boolean {
  return err instanceof InvalidRegistryRecordError || err instanceof FrameTooLargeError ||
    err instanceof MalformedFrameError || err instanceof TruncatedFrameError
}
