// Waits until every active member resolves a name to the actor just registered: each member is handed the write and
// asked what it resolves, again and again until all agree, one of them knows a newer write, or time runs out.
import { conflictOf } from './conflict.ts'
import { NameNotVisibleError, NameTakenError } from './errors.ts'
import { compareRecords, sameRef } from './record.ts'
import { anySignal, delay } from './signals.ts'
import type { RegistryRecord } from './record.ts'
import type { VisibilityAnswer } from './visibility-wire.ts'
import type { Membership } from '../membership/index.ts'
import type { Logger } from '@libp2p/interface'

export interface VisibilityComponents {
  membership: Pick<Membership, 'activeMembers'>
  self(): string
  /** hands a member the record and returns its checked answer; rejects when it cannot be asked or answers nonsense */
  ask(member: string, record: RegistryRecord, signal: AbortSignal): Promise<VisibilityAnswer>
  /** the newest record of the name this node knows, held or cached */
  current(name: string): RegistryRecord | undefined
  /** a newer write a member told of: folded in as if announced (this node may lose the name by it) */
  learn(record: RegistryRecord): void
  log: Logger
}

export interface VisibilityInit {
  /** ms the whole wait may take */
  timeout: number
  /** ms before the first round of asking again; doubled each round up to MAX_RETRY_DELAY (default 50) */
  retryDelay?: number
}

const DEFAULT_RETRY_DELAY = 50
/** members that keep answering "not yet" are asked again at least this often */
const MAX_RETRY_DELAY = 1000

export class VisibilityWait {
  private readonly components: VisibilityComponents
  private readonly timeout: number
  private readonly retryDelay: number

  constructor (components: VisibilityComponents, init: VisibilityInit) {
    this.components = components
    this.timeout = init.timeout
    this.retryDelay = init.retryDelay ?? DEFAULT_RETRY_DELAY
  }

  /**
   * Resolves once every active member (members that join meanwhile too) resolves `record.name` to `record.ref`.
   * NameTakenError when a member, or this node meanwhile, knows a newer write for another actor;
   * NameNotVisibleError when time runs out or the name is unregistered; the signal's reason when it aborts.
   */
  async until (record: RegistryRecord, signal?: AbortSignal): Promise<void> {
    const { name } = record
    const timeout = AbortSignal.timeout(this.timeout)
    const asking = anySignal(timeout, signal)
    const agreed = new Set<string>()
    let wait = this.retryDelay
    let missing: string[] = []
    let lastError: unknown

    for (let round = 1; ; round++) {
      this.checkStillOurs(record, missing)
      const self = this.components.self()
      missing = this.components.membership.activeMembers().map(m => m.id).filter(id => id !== self && !agreed.has(id))
      if (missing.length === 0) {
        this.components.log.trace('%s visible on every member after %d round(s)', name, round)
        return
      }

      const answers = await Promise.allSettled(missing.map(async member => this.components.ask(member, record, asking)))
      for (const [i, answer] of answers.entries()) {
        if (answer.status === 'rejected') {
          lastError = answer.reason
          this.components.log.trace('%s could not be confirmed by %s - %e', name, missing[i], answer.reason)
          continue
        }
        this.fold(record, answer.value)
        if (answer.value.sees) {
          agreed.add(missing[i])
        }
      }

      signal?.throwIfAborted()
      if (timeout.aborted) {
        missing = missing.filter(id => !agreed.has(id))
        this.checkStillOurs(record, missing)
        throw new NameNotVisibleError(name, missing, `${missing.length} member(s) did not resolve it within ${this.timeout} ms`, { cause: lastError })
      }
      if (missing.every(id => agreed.has(id))) {
        // everyone asked agreed: check the membership again at once
        continue
      }
      await delay(wait, asking)
      wait = Math.min(wait * 2, MAX_RETRY_DELAY)
    }
  }

  /** A newer write a member knows of is folded in here, and fails the wait when it is another actor's. */
  private fold (record: RegistryRecord, answer: VisibilityAnswer): void {
    const known = answer.record
    if (known == null || compareRecords(known, record) <= 0) {
      return
    }

    this.components.learn(known)
    if (conflictOf(known, record)?.winner === known) {
      throw new NameTakenError(record.name, known.ref)
    }
  }

  /** This node may have learnt of a newer write meanwhile, from gossip or a member's answer. */
  private checkStillOurs (record: RegistryRecord, missing: string[]): void {
    const current = this.components.current(record.name)
    if (current == null || compareRecords(current, record) <= 0) {
      return
    }
    if (!current.tombstone && !sameRef(current.ref, record.ref)) {
      throw new NameTakenError(record.name, current.ref)
    }
    if (current.tombstone) {
      throw new NameNotVisibleError(record.name, missing, 'it was unregistered while waiting')
    }
  }
}
