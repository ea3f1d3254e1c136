// The asking side of join sync: pulls each joining member's own names, a few members at a time, unless it says it holds none.
import { SECOND } from '../config/units.ts'
import { FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from '../wire/errors.ts'
import { InvalidRegistryRecordError, RegistrySyncError } from './errors.ts'
import { PullGate } from './pull-gate.ts'
import { anySignal, delay, raceSignal } from './signals.ts'
import { requestNames } from './sync-request.ts'
import { SyncCodec } from './sync-wire.ts'
import type { NameSyncComponents } from './name-sync.ts'
import type { PullTicket } from './pull-gate.ts'
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

/**
 * Pulls under way at once. While a cluster forms every node pulls from every member within moments: 20 nodes in one
 * process, each opening a stream (and often a dial) per member at once, timed each other's pulls out.
 */
const MAX_PULLS_AT_ONCE = 4

/**
 * Pulls at once from members that have not said whether they hold names, while no pull from a member that said it
 * holds some is under way: a lookup waiting on the pulls most likely waits for one of those. Silent members are asked
 * when a lookup waits (or they stayed silent too long), newest first; most turn out to hold none, and a lookup stops
 * waiting once a pull brought its name.
 */
const MAX_GUESSES_AT_ONCE = 1

/**
 * Longest a joining member's pull waits for the member to say how many names it holds, while no lookup waits on it.
 * Nodes report right after they see a join, but while a cluster forms gossip can take seconds to carry the report.
 */
const COUNT_WAIT = 10 * SECOND

interface Pull extends PullTicket {
  controller: AbortController
  done: Promise<void>
  settled: boolean
}

export class SyncPuller {
  private readonly components: NameSyncComponents
  private readonly init: SyncPullerInit
  private readonly codec = new SyncCodec()
  private readonly gate: PullGate
  /** the latest pull from each member that joined, under way or settled; a member that leaves is dropped */
  private readonly pulls = new Map<string, Pull>()
  /** members whose names were pulled at least once (or given up on, or not asked for) since they joined */
  private readonly synced = new Set<string>()
  private invalid = 0
  private attempts = 0
  private running = false

  constructor (components: NameSyncComponents, init: SyncPullerInit) {
    this.components = components
    this.init = init
    this.gate = new PullGate(components, { maxAtOnce: MAX_PULLS_AT_ONCE, maxGuesses: MAX_GUESSES_AT_ONCE })
  }

  /** malformed answers: each reset its stream */
  get invalidMessages (): number {
    return this.invalid
  }

  /** attempts to pull names, each on a registry-sync stream of its own (some fail to open one) */
  get pullsStarted (): number {
    return this.attempts
  }

  /** true while the names of some member are still on their way, or it has not said yet whether it holds any */
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
    this.gate.start()
  }

  stop (): void {
    this.running = false
    this.gate.stop()
    for (const [member, pull] of this.pulls) {
      pull.controller.abort(new RegistrySyncError(member, 'the registry stopped'))
    }
    this.pulls.clear()
    this.synced.clear()
  }

  /** A member joined: pulls its names unless it says it holds none (see `begin` for how long it waits to hear). */
  joined (member: string): void {
    this.begin(member, false)
  }

  /** Pulls the member's names, whatever it said it holds, unless a pull from it is already under way. */
  pull (member: string): void {
    this.begin(member, true)
  }

  /** Treats every active member never asked yet as joined: whoever calls may hear of a join before the registry does. */
  pullNew (): void {
    for (const member of this.components.membership.activeMembers()) {
      if (!this.pulls.has(member.id)) {
        this.joined(member.id)
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
   * True when the first pull from each of these members is over: answered, given up on after its attempts, or not
   * needed since the member holds no names. A later pull (after a suspicion is refuted) does not count against it:
   * the names were there before.
   */
  syncedWith (members: Iterable<string>): boolean {
    const self = this.components.host.peerId.toString()
    for (const member of members) {
      if (member !== self && !this.synced.has(member)) { return false }
    }
    return true
  }

  /**
   * Waits for the pulls under way, at most `timeout` ms, asking at once the members still silent about how many names
   * they hold; rejects only when the caller's signal aborts.
   */
  async settled (timeout: number, signal?: AbortSignal): Promise<void> {
    const waiting = [...this.pulls.values()].filter(pull => !pull.settled).map(async pull => pull.done)
    if (waiting.length === 0) {
      return
    }

    const lookupDone = this.gate.lookupWaits()
    try {
      await raceSignal(Promise.all(waiting), anySignal(AbortSignal.timeout(timeout), signal))
    } catch (err) {
      if (signal?.aborted === true) {
        throw err
      }

      this.components.log('still waiting for the names of %d member(s) after %d ms, going on without them', waiting.length, timeout)
    } finally {
      lookupDone()
    }
  }

  private begin (member: string, regardless: boolean): void {
    const { host } = this.components
    // before the host runs nothing can be dialled: such members are asked by the first lookup after it starts
    if (!this.running || member === host.peerId.toString() || host.status !== 'started') {
      return
    }

    const current = this.pulls.get(member)
    if (current != null && !current.settled) {
      if (regardless) {
        current.regardless = true
        this.gate.reconsider(member)
      }
      return
    }

    // A member that joins alone is asked at once, as before members told their counts: a lookup right after the join
    // finds its names as soon as ever, for one pull per join. Members that join while others' pulls are under way (a
    // cluster forming, a partition healing, this node joining) are the ones worth waiting for.
    const burst = this.pending
    const silentUntil = Date.now() + (burst ? COUNT_WAIT : 0)
    this.components.log.trace('pulling from %s%s', member, burst ? ' once it says it holds names' : '')
    const controller = new AbortController()
    const pull: Pull = { member, signal: controller.signal, controller, settled: false, regardless, silentUntil, done: Promise.resolve() }
    pull.done = this.run(pull)
      .catch(err => { this.components.log.error('pull from %s failed - %e', member, err) })
      .finally(() => {
        pull.settled = true
        if (this.pulls.get(member) === pull) { this.synced.add(member) }
      })
    this.pulls.set(member, pull)
  }

  /** Asks the member for its names, retrying a few times; each attempt waits at the gate. */
  private async run (pull: Pull): Promise<void> {
    const { host, membership, log } = this.components
    const { member, signal } = pull

    for (let attempt = 1; ; attempt++) {
      const leave = this.running ? await this.gate.untilTurn(pull) : undefined
      if (leave == null) {
        return
      }

      let records: RegistryRecord[] | undefined
      let failure: unknown
      const started = Date.now()
      try {
        this.attempts++
        records = await requestNames(host, member, {
          protocol: this.init.protocol,
          codec: this.codec,
          // the attempt's time starts with its turn: waiting in line is not the member's fault
          signal: anySignal(signal, AbortSignal.timeout(this.init.timeout)),
          onInvalid: (err) => { this.rejected(member, err) }
        })
      } catch (err) {
        failure = err
      }
      leave()

      if (signal.aborted || !this.running) {
        return
      }

      if (records != null) {
        this.init.accept(member, records)
        log('pulled %d names from %s in %d ms', records.length, member, Date.now() - started)
        return
      }

      // a malformed answer would come back the same; a member that left has nothing to tell
      if (isMalformed(failure) || attempt >= MAX_ATTEMPTS || !membership.isActive(member)) {
        log('could not pull the names of %s after %d attempt(s) - %e', member, attempt, failure)
        return
      }

      log.trace('pull from %s failed, attempt %d - %e', member, attempt, failure)
      await delay(RETRY_DELAY * attempt, signal)
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
