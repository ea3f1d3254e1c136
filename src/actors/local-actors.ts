// The actors living on this node: spawn, look up by id or name, stop.
import { ActorCell } from './actor-cell.ts'
import { DuplicateActorIdError, DuplicateNameError } from './errors.ts'
import type { ActorCellEvents } from './actor-cell.ts'
import type { ActorHandlerError } from './errors.ts'
import type { Actor, ActorClass, ExitReason } from './index.ts'
import type { NodeTracing } from '../observability/tracing/node-tracing.ts'

export interface LocalActorsInit {
  nodeId: string
  onUnhandledError(err: ActorHandlerError, cell: ActorCell): void
  onProcessed?(cell: ActorCell): void
  /** an actor that is not supervised ended itself with `context.stop()` and was removed */
  onExit?(cell: ActorCell, reason: ExitReason): void
  /** the node's tracing, when on */
  tracing?: NodeTracing
}

/** How a supervisor spawns: a crash ends the actor, and a restart keeps its id and queued messages. */
export interface CellOptions {
  /**
   * The id to use instead of a new one, so a restarted actor keeps its ref. When an ended instance (see onExit)
   * holds it, the new one replaces it and takes its name and its queued messages over.
   */
  id?: string
  /** see ActorCellOptions */
  crashOnError?: boolean
  /** a distributed actor's handed-off state, given to its `resume` hook before it starts */
  state?: unknown
  /**
   * Told when the actor ends by itself; the actor then stays listed (taking messages for a successor) until it
   * is replaced or stopped. Without it, an actor that ends is removed and its queued calls fail.
   */
  onExit?(cell: ActorCell, reason: ExitReason, error?: Error): void
}

export class LocalActors {
  private readonly init: LocalActorsInit
  private readonly byId = new Map<string, ActorCell>()
  private readonly byName = new Map<string, ActorCell>()
  private readonly stopListeners = new Set<(cell: ActorCell) => void>()
  private nextId = 1
  /** actors started here, restarts included */
  started = 0
  /** new instances started under an existing actor's id: supervisor restarts */
  restarted = 0
  /** the events of every cell spawned without its own onExit: one object for all, not one per actor */
  private readonly cellEvents: ActorCellEvents

  constructor (init: LocalActorsInit) {
    this.init = init
    this.cellEvents = { onUnhandledError: init.onUnhandledError, onProcessed: init.onProcessed ?? (() => {}), onExit: this.exited, tracing: init.tracing }
  }

  get count (): number {
    return this.byId.size
  }

  /**
   * Creates and starts an actor; the name, if any, is reserved on this node before `started` runs. With
   * `crashOnError`, an actor whose `started` throws stays listed, ended, so a next attempt can replace it.
   */
  async spawn (ActorType: ActorClass, args: unknown[], name?: string, options: CellOptions = {}): Promise<ActorCell> {
    const previous = options.id != null ? this.byId.get(options.id) : undefined
    if (previous?.alive === true) { throw new DuplicateActorIdError(previous.ref.id) }
    if (name != null && this.byName.has(name) && this.byName.get(name) !== previous) { throw new DuplicateNameError(name) }
    const actor: Actor = new ActorType(...args)
    const ref = { node: this.init.nodeId, id: options.id ?? this.allocateId() }
    const events = options.onExit != null ? { ...this.cellEvents, onExit: options.onExit } : this.cellEvents
    const cell = new ActorCell(actor, ref, name, events, { crashOnError: options.crashOnError })
    if (previous != null) {
      // a restart: the same actor goes on under the same ref, so nobody is told it stopped
      this.remove(previous, false)
      cell.takeOver(previous)
    }
    this.byId.set(ref.id, cell)
    if (name != null) { this.byName.set(name, cell) }
    try {
      await cell.start(options.state)
    } catch (err) {
      if (options.crashOnError !== true) { this.remove(cell) }
      throw err
    }
    this.started++
    if (previous != null) { this.restarted++ }
    return cell
  }

  /** Messages waiting in the mailboxes of this node's actors: the sum and the longest; walks every actor. */
  mailboxes (): { sum: number, max: number } {
    let sum = 0
    let max = 0
    for (const cell of this.byId.values()) {
      const size = cell.mailboxSize
      sum += size
      if (size > max) { max = size }
    }
    return { sum, max }
  }

  get (id: string): ActorCell | undefined {
    return this.byId.get(id)
  }

  /** every listed actor, for debugging views */
  cells (): IterableIterator<ActorCell> {
    return this.byId.values()
  }

  named (name: string): ActorCell | undefined {
    return this.byName.get(name)
  }

  async stop (id: string): Promise<ActorCell | undefined> {
    const cell = this.byId.get(id)
    if (cell == null) { return undefined }
    this.remove(cell)
    await cell.stop()
    return cell
  }

  /** Calls `listener` with each actor that stops or fails to start, once it is unreachable; returns the unsubscribe. */
  onStopped (listener: (cell: ActorCell) => void): () => void {
    this.stopListeners.add(listener)
    return () => { this.stopListeners.delete(listener) }
  }

  /** Removes one instance and fails its queued calls, unless the id already belongs to a successor. */
  async discard (cell: ActorCell): Promise<void> {
    if (this.byId.get(cell.ref.id) === cell) { this.remove(cell) }
    await cell.stop()
  }

  async stopAll (): Promise<void> {
    await Promise.allSettled([...this.byId.keys()].map(async id => this.stop(id)))
  }

  /** A new id, never given before; it skips ids in use, which may have been given explicitly. */
  allocateId (): string {
    let id: string
    do { id = (this.nextId++).toString(36) } while (this.byId.has(id))
    return id
  }

  private readonly exited = (cell: ActorCell, reason: ExitReason): void => {
    this.remove(cell)
    void cell.stop()
    this.init.onExit?.(cell, reason)
  }

  private remove (cell: ActorCell, notify = true): void {
    this.byId.delete(cell.ref.id)
    if (cell.name != null && this.byName.get(cell.name) === cell) { this.byName.delete(cell.name) }
    if (notify) {
      for (const listener of this.stopListeners) { listener(cell) }
    }
  }
}
