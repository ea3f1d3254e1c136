// When a pull may ask a member for its names: not while the member has yet to say whether it holds any (unless a
// lookup waits), never once it said it holds none, and in turn with the node's other pulls.
import { anySignal } from './signals.ts'
import { Turns } from './turns.ts'
import type { MemberNameCounts } from './index.ts'
import type { Logger } from '@libp2p/interface'

/** One pull's view of the gate. */
export interface PullTicket {
  readonly member: string
  /** aborts when the pull is stopped */
  readonly signal: AbortSignal
  /** ask even if the member said it holds no names: what it said may be older than what it holds */
  regardless: boolean
  /** from then on the pull asks even if the member has still said nothing about its names */
  readonly silentUntil: number
}

export interface PullGateComponents {
  log: Logger
  /** without it, every member is asked at once */
  nameCounts?: MemberNameCounts
}

export interface PullGateInit {
  /** pulls asking at once */
  maxAtOnce: number
  /** of which pulls from members that have not said whether they hold names, while no other pull runs */
  maxGuesses: number
}

export class PullGate {
  private readonly components: PullGateComponents
  private readonly turns: Turns
  /** for each member whose pull waits here, in the order they began to wait: decides again whether to wait on */
  private readonly waiting = new Map<string, () => void>()
  /** lookups waiting on the pulls now */
  private lookups = 0

  constructor (components: PullGateComponents, init: PullGateInit) {
    this.components = components
    this.turns = new Turns({ size: init.maxAtOnce, maxGuesses: init.maxGuesses })
  }

  start (): void {
    this.components.nameCounts?.addEventListener('member:report', this.onReport)
  }

  stop (): void {
    this.components.nameCounts?.removeEventListener('member:report', this.onReport)
  }

  /** The member's pull is now asked regardless: if it waits here, it decides again. */
  reconsider (member: string): void {
    this.waiting.get(member)?.()
  }

  /**
   * A lookup waits on the pulls until it calls the function returned: meanwhile no pull waits for its member's
   * count. The members that joined last go first: their names are the ones the cache most likely lacks.
   */
  lookupWaits (): () => void {
    this.lookups++
    for (const reconsider of [...this.waiting.values()].reverse()) { reconsider() }

    let done = false
    return () => {
      if (!done) {
        done = true
        this.lookups--
      }
    }
  }

  /**
   * Waits until the pull may ask the member; resolves with the function that gives its turn back. Undefined when it
   * is not to ask: the pull was stopped, or the member said it holds no names (before or while the pull waited).
   */
  async untilTurn (ticket: PullTicket): Promise<(() => void) | undefined> {
    while (!ticket.signal.aborted) {
      if (this.needless(ticket)) {
        this.components.log.trace('%s holds no names, not asking', ticket.member)
        return undefined
      }

      if (this.mayWait(ticket)) {
        await this.untilSpoken(ticket)
        continue
      }

      const leave = await this.inLine(ticket)
      if (leave != null && !this.mayWait(ticket)) {
        if (!this.known(ticket)) {
          this.components.log.trace('asking %s, which has not said whether it holds names: %s', ticket.member, this.lookups > 0 ? 'a lookup waits' : 'it took too long')
        }
        return leave
      }
      // the lookups that hurried it on found what they wanted: wait for the member to speak again
      leave?.()
    }

    return undefined
  }

  /** Waits until the member says something, a lookup waits, or the pull's patience runs out. */
  private async untilSpoken (ticket: PullTicket): Promise<void> {
    await new Promise<void>(resolve => {
      const done = (): void => {
        clearTimeout(timer)
        ticket.signal.removeEventListener('abort', done)
        if (this.waiting.get(ticket.member) === reconsider) { this.waiting.delete(ticket.member) }
        resolve()
      }
      const reconsider = (): void => { if (!this.mayWait(ticket)) { done() } }
      const timer = setTimeout(done, Math.max(0, ticket.silentUntil - Date.now()))
      this.waiting.set(ticket.member, reconsider)
      ticket.signal.addEventListener('abort', done, { once: true })
    })
  }

  /**
   * The pull's turn, once it has one; undefined when it left the line because the member said it holds no names, or
   * it was stopped. Members that said they hold names go first; the others, guesses, go fewer at a time.
   */
  private async inLine (ticket: PullTicket): Promise<(() => void) | undefined> {
    const stop = new AbortController()
    // a member that comes to hold names, or to be asked regardless, goes first without leaving the line
    const reconsider = (): void => {
      if (this.needless(ticket)) { stop.abort() } else { this.turns.recheck() }
    }
    this.waiting.set(ticket.member, reconsider)
    try {
      return await this.turns.take(anySignal(ticket.signal, stop.signal), () => this.known(ticket))
    } catch {
      return undefined
    } finally {
      if (this.waiting.get(ticket.member) === reconsider) { this.waiting.delete(ticket.member) }
    }
  }

  /** True while the pull had better wait: the member has not said whether it holds names, no lookup waits, and there is time left. */
  private mayWait (ticket: PullTicket): boolean {
    return !ticket.regardless && this.components.nameCounts != null && this.heldNames(ticket.member) === undefined &&
      this.lookups === 0 && Date.now() < ticket.silentUntil
  }

  /** True when the pull is no guess: the member said it holds names, it is asked regardless, or no member ever says. */
  private known (ticket: PullTicket): boolean {
    return ticket.regardless || this.components.nameCounts == null || (this.heldNames(ticket.member) ?? 0) > 0
  }

  /** True when the member said it holds no names, and nothing asks to pull from it regardless. */
  private needless (ticket: PullTicket): boolean {
    return !ticket.regardless && this.heldNames(ticket.member) === 0
  }

  private heldNames (member: string): number | undefined {
    return this.components.nameCounts?.heldNames(member)
  }

  private readonly onReport = (evt: CustomEvent<string>): void => {
    this.reconsider(evt.detail)
  }
}
