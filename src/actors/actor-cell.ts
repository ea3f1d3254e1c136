// One running actor: its instance, its mailbox, and the loop that feeds it one message at a time.
import { ActorHandlerError, ActorStoppedError } from './errors.ts'
import { Mailbox } from './mailbox.ts'
import type { Actor, ActorContext, ExitReason } from './index.ts'
import type { ActorRef } from './ref.ts'
import type { NodeTracing } from '../observability/tracing/node-tracing.ts'
import type { MessageTrace, TraceContext } from '../observability/tracing/trace-context.ts'

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
  /** the trace the message was sent in; set only for traced messages */
  trace?: TraceContext
}

export interface ActorCellEvents {
  /** a handler threw on a message nobody waits for */
  onUnhandledError(err: ActorHandlerError, cell: ActorCell): void
  /** a message was handled */
  onProcessed(cell: ActorCell): void
  /**
   * The actor ended by itself: it called `context.stop()` ('normal'), or with `crashOnError` a handler threw
   * ('crash'). Its queued messages stay in the mailbox for a successor until `stop()` fails them.
   */
  onExit?(cell: ActorCell, reason: ExitReason, error?: Error): void
  /** the node's tracing, when on: a traced message is handled in a span of its own, child of its sender's */
  tracing?: NodeTracing
}

export interface ActorCellOptions {
  /** a throw in `receive` or `started` ends the actor instead of failing only that call (supervised actors) */
  crashOnError?: boolean
}

const RUNNING = 1
const STOPPED = 2
const ENDED = 4
const STOP_REQUESTED = 8
const CRASH_ON_ERROR = 16

/** What an actor sees of itself: a class, so `stop` is one function on its prototype, not a closure per actor. */
class CellContext implements ActorContext {
  readonly self: ActorRef
  readonly name?: string
  private readonly cell: ActorCell

  constructor (cell: ActorCell) {
    this.self = cell.ref
    this.name = cell.name
    this.cell = cell
  }

  stop (): void {
    this.cell.requestStop()
  }

  get traceId (): string | undefined {
    return this.cell.traceId
  }
}

export class ActorCell {
  readonly ref: ActorRef
  readonly name?: string
  readonly context: ActorContext
  private readonly actor: Actor
  private readonly mailbox = new Mailbox<Letter>()
  private readonly events: ActorCellEvents
  /**
   * The flags below, one bit each: a node holds an actor per user, session or device, and five boolean fields
   * would cost 40 bytes of every one of them, one number costs 8.
   */
  private flags = 0
  private ready: Promise<void> | undefined
  /** set while a move takes the actor's state: messages wait in the mailbox */
  private paused: { idle?(): void } | undefined

  constructor (actor: Actor, ref: ActorRef, name: string | undefined, events: ActorCellEvents, options: ActorCellOptions = {}) {
    this.actor = actor
    this.ref = ref
    this.name = name
    this.context = new CellContext(this)
    this.events = events
    this.crashOnError = options.crashOnError === true
  }

  /** handing messages to the actor now */
  private get running (): boolean { return this.flag(RUNNING) }
  private set running (on: boolean) { this.setFlag(RUNNING, on) }
  private get stopped (): boolean { return this.flag(STOPPED) }
  private set stopped (on: boolean) { this.setFlag(STOPPED, on) }
  /** this instance is over (exited, crashed or halted) but its mailbox still takes messages for a successor */
  private get ended (): boolean { return this.flag(ENDED) }
  private set ended (on: boolean) { this.setFlag(ENDED, on) }
  private get stopRequested (): boolean { return this.flag(STOP_REQUESTED) }
  private set stopRequested (on: boolean) { this.setFlag(STOP_REQUESTED, on) }
  /** a throw in a handler ends the actor (supervised actors) */
  private get crashOnError (): boolean { return this.flag(CRASH_ON_ERROR) }
  private set crashOnError (on: boolean) { this.setFlag(CRASH_ON_ERROR, on) }

  private flag (bit: number): boolean {
    return (this.flags & bit) !== 0
  }

  private setFlag (bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit
  }

  get mailboxSize (): number {
    return this.mailbox.size
  }

  /** the actor's class name, for debugging views */
  get type (): string {
    return this.actor.constructor.name
  }

  /** the trace of the message being handled, read inside the handler */
  get traceId (): string | undefined {
    return this.events.tracing?.traceId()
  }

  get alive (): boolean {
    return !this.stopped && !this.ended
  }

  /**
   * Runs the actor's `resume` hook with a handed-off state (when there is one) and its `started` hook; messages
   * that arrive meanwhile wait in the mailbox. With `crashOnError` a failed hook leaves the mailbox open, so a
   * next attempt can take the queued messages over.
   */
  async start (state?: unknown): Promise<void> {
    const resume = state !== undefined ? this.actor.resume : undefined
    if (this.actor.started == null && resume == null) {
      this.schedule()
      return
    }
    try {
      this.ready = (async () => {
        await resume?.call(this.actor, state, this.context)
        await this.actor.started?.(this.context)
      })()
      await this.ready
    } catch (err) {
      this.ended = this.crashOnError
      throw err
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
      this.mailbox.push({
        message: undefined,
        task: () => { Promise.resolve().then(() => this.actor.handoff?.(this.context)).then(resolve, reject) }
      })
      this.schedule()
    })
  }

  /** Takes every waiting message out of the mailbox, unanswered, to be delivered elsewhere. */
  takeLetters (): Letter[] {
    return this.mailbox.drain()
  }

  /** Moves the messages still queued for an ended instance of this actor in front of anything sent to this one; call before `start`. */
  takeOver (previous: ActorCell): void {
    const letters = previous.mailbox.drain()
    previous.stopped = true
    for (const letter of this.mailbox.drain()) { letters.push(letter) }
    for (const letter of letters) { this.mailbox.push(letter) }
  }

  /**
   * Ends this instance (its `stopped` hook runs) but keeps the mailbox open for a successor: how a supervisor
   * stops the siblings it is about to restart without losing their queued messages.
   */
  async halt (): Promise<void> {
    if (this.stopped || this.ended) { return }
    this.ended = true
    await this.actor.stopped?.(this.context)
  }

  /**
   * Queues a message; an ended instance keeps queuing them for its successor. It belongs to `trace` when given,
   * else to the current trace, if any.
   */
  /** `known`: the message's trace when the caller knows it (see MessageTrace); else the current one is kept with it */
  deliver (message: unknown, reply?: Reply, known?: MessageTrace): void {
    if (this.stopped) {
      reply?.reject(new ActorStoppedError(this.ref.id))
      return
    }
    const trace = known === undefined ? this.events.tracing?.current() : known
    this.mailbox.push(trace == null ? { message, reply } : { message, reply, trace })
    this.schedule()
  }

  async stop (): Promise<void> {
    if (this.stopped) { return }
    this.stopped = true
    for (const letter of this.mailbox.drain()) {
      letter.reply?.reject(new ActorStoppedError(this.ref.id))
    }
    // an ended instance already ran its hook
    if (!this.ended) { await this.actor.stopped?.(this.context) }
  }

  /** `context.stop()`: the actor ends once the message in hand, if any, is answered. */
  requestStop (): void {
    this.stopRequested = true
    this.schedule()
  }

  /** The instance ends by itself: the `stopped` hook runs, then whoever watches exits is told (unless it was stopped meanwhile). */
  private end (reason: ExitReason, error?: Error): void {
    if (this.stopped || this.ended) { return }
    this.ended = true
    Promise.resolve()
      .then(async () => this.actor.stopped?.(this.context))
      .catch((err) => { this.events.onUnhandledError(toHandlerError(err), this) })
      .finally(() => { if (!this.stopped) { this.events.onExit?.(this, reason, error) } })
  }

  /** Tells the actor that another actor won its name; runs beside the mailbox, like `stopped`. */
  async nameConflict (winner: ActorRef): Promise<void> {
    await this.actor.nameConflict?.(winner, this.context)
  }

  private schedule (): void {
    if (this.running || this.ready != null || this.stopped || this.ended || this.paused != null) { return }
    if (this.stopRequested) {
      this.end('normal')
      return
    }
    if (this.mailbox.size === 0) { return }
    this.running = true
    this.run()
  }

  /**
   * Handles messages synchronously while handlers return plain values, so a burst of sends costs no promise
   * per message; an async handler suspends the loop until it settles, which keeps one message at a time.
   */
  private run (): void {
    while (!this.stopped && !this.ended && !this.stopRequested && this.paused == null) {
      const letter = this.mailbox.shift()
      if (letter == null) { break }
      if (letter.task != null) {
        letter.task()
        continue
      }
      let result: unknown
      try {
        result = letter.trace === undefined ? this.actor.receive(letter.message, this.context) : this.receiveTraced(letter, letter.trace)
      } catch (err) {
        this.fail(letter, err)
        continue
      }
      if (result instanceof Promise) {
        result.then(
          (value) => { letter.reply?.resolve(value); this.events.onProcessed(this) },
          (err) => { this.fail(letter, err) }
        ).finally(() => { this.idle() })
        return
      }
      letter.reply?.resolve(result)
      this.events.onProcessed(this)
    }
    this.idle()
  }

  /** Hands a traced message to the actor inside a span that ends when the handler is done, however it ends. */
  private receiveTraced (letter: Letter, parent: TraceContext): unknown {
    const label = this.name ?? this.ref.id
    const span = (this.events.tracing as NodeTracing).start('receive', label, letter.reply != null ? 'server' : 'consumer', parent, label)
    let result: unknown
    try {
      result = span.run(() => this.actor.receive(letter.message, this.context))
    } catch (err) {
      span.end(err)
      throw err
    }
    if (!(result instanceof Promise)) {
      span.end()
      return result
    }
    return result.then(
      (value) => { span.end(); return value },
      (err) => { span.end(err); throw err }
    )
  }

  /** The loop stopped: a pause waiting for the message in hand goes on, else a stop asked for by the last handler. */
  private idle (): void {
    this.running = false
    const idle = this.paused?.idle
    if (idle != null) {
      this.paused = {}
      idle()
    }
    this.schedule()
  }

  /** The caller of the failed message gets the error; a supervised actor then crashes, others go on. */
  private fail (letter: Letter, err: unknown): void {
    const error = toHandlerError(err)
    this.events.onProcessed(this)
    if (letter.reply != null) {
      letter.reply.reject(error)
    } else if (!this.crashOnError) {
      this.events.onUnhandledError(error, this)
    }
    if (this.crashOnError) { this.end('crash', error) }
  }
}

function toHandlerError (err: unknown): ActorHandlerError {
  if (err instanceof Error) { return new ActorHandlerError(err.name, err.message, { cause: err }) }
  return new ActorHandlerError('Error', String(err), { cause: err })
}
