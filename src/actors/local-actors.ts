// The actors living on this node: spawn, look up by id or name, stop.
import { ActorCell } from './actor-cell.ts'
import { DuplicateNameError } from './errors.ts'
import type { ActorHandlerError } from './errors.ts'
import type { Actor, ActorClass } from './index.ts'

export interface LocalActorsInit {
  nodeId: string
  onUnhandledError(err: ActorHandlerError, cell: ActorCell): void
  onProcessed?(cell: ActorCell): void
}

export class LocalActors {
  private readonly init: LocalActorsInit
  private readonly byId = new Map<string, ActorCell>()
  private readonly byName = new Map<string, ActorCell>()
  private readonly stopListeners = new Set<(cell: ActorCell) => void>()
  private nextId = 1

  constructor (init: LocalActorsInit) {
    this.init = init
  }

  get count (): number {
    return this.byId.size
  }

  /**
   * Creates and starts an actor; the name, if any, is reserved on this node before `started` runs. `placed` gives
   * a distributed actor its id and the state it was handed, to resume from.
   */
  async spawn (ActorType: ActorClass, args: unknown[], name?: string, placed?: { id: string, state?: unknown }): Promise<ActorCell> {
    if (name != null && this.byName.has(name)) { throw new DuplicateNameError(name) }
    if (placed != null && this.byId.has(placed.id)) { throw new DuplicateNameError(name ?? placed.id) }
    const actor: Actor = new ActorType(...args)
    const ref = { node: this.init.nodeId, id: placed?.id ?? (this.nextId++).toString(36) }
    const cell = new ActorCell(actor, ref, name, {
      onUnhandledError: this.init.onUnhandledError,
      onProcessed: this.init.onProcessed ?? (() => {})
    })
    this.byId.set(ref.id, cell)
    if (name != null) { this.byName.set(name, cell) }
    try {
      await cell.start(placed?.state)
    } catch (err) {
      this.remove(cell)
      throw err
    }
    return cell
  }

  get (id: string): ActorCell | undefined {
    return this.byId.get(id)
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

  async stopAll (): Promise<void> {
    await Promise.allSettled([...this.byId.keys()].map(async id => this.stop(id)))
  }

  private remove (cell: ActorCell): void {
    this.byId.delete(cell.ref.id)
    if (cell.name != null && this.byName.get(cell.name) === cell) { this.byName.delete(cell.name) }
    for (const listener of this.stopListeners) { listener(cell) }
  }
}
