// One running actor: its instance, its mailbox, and the loop that feeds it one message at a time.
import { ActorHandlerError, ActorStoppedError } from './errors.ts'
import { Mailbox } from './mailbox.ts'
import type { Actor, ActorContext } from './index.ts'
import type { ActorRef } from './ref.ts'

/** Where the answer to one message goes: a local promise, or a remote caller. */
export interface Reply {
  resolve(value: unknown): void
  reject(err: Error): void
}

interface Letter {
  message: unknown
  reply?: Reply
}

export interface ActorCellEvents {
  /** a handler threw on a message nobody waits for */
  onUnhandledError(err: ActorHandlerError, cell: ActorCell): void
  /** a message was handled */
  onProcessed(cell: ActorCell): void
}

export class ActorCell {
  readonly ref: ActorRef
  readonly name?: string
  readonly context: ActorContext
  private readonly actor: Actor
  private readonly mailbox = new Mailbox<Letter>()
  private readonly events: ActorCellEvents
  private running = false
  private stopped = false
  private ready: Promise<void> | undefined

  constructor (actor: Actor, ref: ActorRef, name: string | undefined, events: ActorCellEvents) {
    this.actor = actor
    this.ref = ref
    this.name = name
    this.context = { self: ref, name }
    this.events = events
  }

  get mailboxSize (): number {
    return this.mailbox.size
  }

  get alive (): boolean {
    return !this.stopped
  }

  /** Runs the actor's `started` hook; messages that arrive meanwhile wait in the mailbox. */
  async start (): Promise<void> {
    if (this.actor.started == null) { return }
    this.ready = Promise.resolve(this.actor.started(this.context))
    await this.ready
    this.ready = undefined
    this.schedule()
  }

  deliver (message: unknown, reply?: Reply): void {
    if (this.stopped) {
      reply?.reject(new ActorStoppedError(this.ref.id))
      return
    }
    this.mailbox.push({ message, reply })
    this.schedule()
  }

  async stop (): Promise<void> {
    if (this.stopped) { return }
    this.stopped = true
    for (const letter of this.mailbox.drain()) {
      letter.reply?.reject(new ActorStoppedError(this.ref.id))
    }
    await this.actor.stopped?.(this.context)
  }

  /** Tells the actor that another actor won its name; runs beside the mailbox, like `stopped`. */
  async nameConflict (winner: ActorRef): Promise<void> {
    await this.actor.nameConflict?.(winner, this.context)
  }

  private schedule (): void {
    if (this.running || this.ready != null || this.mailbox.size === 0) { return }
    this.running = true
    this.run()
  }

  /**
   * Handles messages synchronously while handlers return plain values, so a burst of sends costs no promise
   * per message; an async handler suspends the loop until it settles, which keeps one message at a time.
   */
  private run (): void {
    while (!this.stopped) {
      const letter = this.mailbox.shift()
      if (letter == null) { break }
      let result: unknown
      try {
        result = this.actor.receive(letter.message, this.context)
      } catch (err) {
        this.fail(letter, err)
        continue
      }
      if (result instanceof Promise) {
        result.then(
          (value) => { letter.reply?.resolve(value); this.events.onProcessed(this) },
          (err) => { this.fail(letter, err) }
        ).finally(() => { this.running = false; this.schedule() })
        return
      }
      letter.reply?.resolve(result)
      this.events.onProcessed(this)
    }
    this.running = false
  }

  private fail (letter: Letter, err: unknown): void {
    const error = toHandlerError(err)
    this.events.onProcessed(this)
    if (letter.reply != null) { letter.reply.reject(error) } else { this.events.onUnhandledError(error, this) }
  }
}

function toHandlerError (err: unknown): ActorHandlerError {
  if (err instanceof Error) { return new ActorHandlerError(err.name, err.message, { cause: err }) }
  return new ActorHandlerError('Error', String(err), { cause: err })
}
