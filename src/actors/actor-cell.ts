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

/** One message waiting in a mailbox, with where its answer goes. */
export interface Letter {
  message: unknown
  reply?: Reply
  /** a node task run between two messages (a state snapshot), instead of handing `message` to the actor */
  task?(): void
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
  /** set while a move takes the actor's state: messages wait in the mailbox */
  private paused: { idle?(): void } | undefined

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

  /**
   * Runs the actor's `resume` hook with a handed-off state (when there is one) and its `started` hook; messages
   * that arrive meanwhile wait in the mailbox.
   */
  async start (state?: unknown): Promise<void> {
    const resume = state !== undefined ? this.actor.resume : undefined
    if (this.actor.started == null && resume == null) { return }
    this.ready = (async () => {
      await resume?.call(this.actor, state, this.context)
      await this.actor.started?.(this.context)
    })()
    try {
      await this.ready
    } finally {
      this.ready = undefined
    }
    this.schedule()
  }

  /** Stops handing messages to the actor once the one in hand (if any) is done; later messages wait. */
  async pause (): Promise<void> {
    if (this.paused != null) { return }
    const paused: { idle?(): void } = {}
    this.paused = paused
    if (!this.running) { return }
    await new Promise<void>(resolve => { paused.idle = resolve })
  }

  /** Hands messages to the actor again after `pause`. */
  unpause (): void {
    this.paused = undefined
    this.schedule()
  }

  /** The state the actor's `handoff` hook gives (undefined without one); call it while paused or idle. */
  async handoffState (): Promise<unknown> {
    return this.actor.handoff?.(this.context)
  }

  /** The actor's handoff state taken between two messages, so it never sees a half-handled one. */
  async snapshot (): Promise<unknown> {
    if (this.actor.handoff == null) { return undefined }
    return new Promise((resolve, reject) => {
      this.deliverTask(() => {
        Promise.resolve(this.actor.handoff?.(this.context)).then(resolve, reject)
      })
    })
  }

  /** Takes every waiting message out of the mailbox, unanswered, to be delivered elsewhere. */
  takeLetters (): Letter[] {
    return this.mailbox.drain()
  }

  private deliverTask (task: () => void): void {
    this.mailbox.push({ message: undefined, task })
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

  private schedule (): void {
    if (this.running || this.ready != null || this.paused != null || this.mailbox.size === 0) { return }
    this.running = true
    this.run()
  }

  /**
   * Handles messages synchronously while handlers return plain values, so a burst of sends costs no promise
   * per message; an async handler suspends the loop until it settles, which keeps one message at a time.
   */
  private run (): void {
    while (!this.stopped && this.paused == null) {
      const letter = this.mailbox.shift()
      if (letter == null) { break }
      if (letter.task != null) {
        letter.task()
        continue
      }
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
        ).finally(() => { this.idle(); this.schedule() })
        return
      }
      letter.reply?.resolve(result)
      this.events.onProcessed(this)
    }
    this.idle()
  }

  private idle (): void {
    this.running = false
    const idle = this.paused?.idle
    if (idle != null) {
      this.paused = { }
      idle()
    }
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
