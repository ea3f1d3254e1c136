// The distributed actors running on this node: starting one (once, however many ask), writing this node as its
// holder, resuming it from a handed-off state or a checkpoint, ending it, and handing it over with its waiting
// letters when it moves.
import { DISTRIBUTED_PREFIX } from '../cluster/system-endpoints.ts'
import { compareVersions } from './entry.ts'
import { UnknownActorTypeError } from './errors.ts'
import type { Checkpoints } from './checkpoints.ts'
import type { DirectoryEntry, EntryVersion } from './entry.ts'
import type { StartAnswer } from './wire.ts'
import type { ActorCell, Letter } from '../actors/actor-cell.ts'
import type { ActorClass } from '../actors/index.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { NameService } from '../names/name-service.ts'
import type { Clock } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

/** a failed start is not retried before this */
const START_RETRY_DELAY = 2000
/** how long a start waits for members' checkpoints of the actor */
const CHECKPOINT_SEARCH_TIMEOUT = 1000
/** why a node that is leaving refuses a start: the spawner places the actor again elsewhere */
export const LEAVING_REFUSAL = 'the node is leaving'

export interface HostingComponents {
  self: string
  actors: Pick<LocalActors, 'spawn' | 'stop'>
  names: Pick<NameService, 'table' | 'write' | 'nextVersion' | 'confirm'>
  checkpoints: Pick<Checkpoints, 'follow' | 'unfollow' | 'freshest'>
  /** false while this node leaves or is stopped: it takes no actors then */
  accepting(): boolean
  /** bound on a call: a visible start answers within half of it */
  callTimeout: number
  classOf(type: string): ActorClass | undefined
  /** a letter an ended instance had not handled yet, to pass on to wherever the name table now says */
  redeliver(name: string, letter: Letter): void
  /** a start ended, started or not: letters parked for it may go */
  startSettled(name: string): void
  clock: Clock
  log: Logger
}

export class Hosting {
  private readonly components: HostingComponents
  private readonly cells = new Map<string, ActorCell>()
  /** the write each actor running here was last claimed under */
  private readonly claimed = new Map<string, EntryVersion>()
  private readonly starting = new Map<string, Promise<DirectoryEntry>>()
  /** names whose start failed here, and when to try again */
  private readonly retryAt = new Map<string, number>()

  constructor (components: HostingComponents) {
    this.components = components
  }

  get size (): number {
    return this.cells.size
  }

  cell (name: string): ActorCell | undefined {
    return this.cells.get(name)
  }

  has (name: string): boolean {
    return this.cells.has(name)
  }

  isStarting (name: string): boolean {
    return this.starting.has(name)
  }

  names (): IterableIterator<string> {
    return this.cells.keys()
  }

  /**
   * Starts actors placed here by another member, or by this one; `states` came with a move, else checkpoints are
   * looked for. With `visible`, every member has the new entries before this resolves. Answers a StartAnswer.
   */
  async startPlaced (entries: DirectoryEntry[], states: unknown[] | null, visible: boolean): Promise<StartAnswer> {
    if (!this.components.accepting()) {
      return [[], entries.map(entry => [entry.name, LEAVING_REFUSAL])]
    }
    let resumed = new Map<string, unknown>()
    if (states != null) {
      resumed = new Map(entries.map((entry, i) => [entry.name, states[i]]))
    } else {
      const checkpointed = entries.filter(entry => entry.checkpoint != null).map(entry => entry.name)
      if (checkpointed.length > 0) { resumed = await this.components.checkpoints.freshest(checkpointed, CHECKPOINT_SEARCH_TIMEOUT) }
    }
    const started: DirectoryEntry[] = []
    const failed: Array<[string, string]> = []
    await Promise.all(entries.map(async (entry) => {
      try {
        started.push(await this.start(entry, resumed.get(entry.name)))
      } catch (err: any) {
        failed.push([entry.name, `${err.name}: ${err.message}`])
      }
    }))
    // half the call timeout: the spawner's own call to this node must not time out while a slow member is waited for
    const confirmWithin = this.components.callTimeout / 2
    if (visible) { await Promise.all(started.map(async entry => { await this.components.names.confirm(entry, confirmWithin) })) }
    return [started, failed]
  }

  /** Runs an actor here and writes this node as its holder; the same start twice is one start. */
  async start (entry: DirectoryEntry, state: unknown): Promise<DirectoryEntry> {
    const running = this.starting.get(entry.name)
    if (running != null) { return running }
    if (this.cells.has(entry.name)) { return this.claim(entry) }
    const starting = this.spawn(entry, state)
    this.starting.set(entry.name, starting)
    try {
      return await starting
    } finally {
      this.starting.delete(entry.name)
      this.components.startSettled(entry.name)
    }
  }

  /** Starts an actor the name table says this node holds, unless it is starting or failed to a moment ago. */
  startDue (entry: DirectoryEntry): void {
    if ((this.retryAt.get(entry.name) ?? 0) > this.components.clock.now() || this.starting.has(entry.name)) { return }
    this.start(entry, undefined).catch((err: Error) => {
      this.retryAt.set(entry.name, this.components.clock.now() + START_RETRY_DELAY)
      this.components.log.error('could not start distributed actor %s - %e', entry.name, err)
    })
  }

  /** Writes this node as an entry's holder, newer than any write of the name seen here. */
  claim (entry: DirectoryEntry): DirectoryEntry {
    const { names } = this.components
    const known = names.table.get(entry.name)
    const after = known != null && compareVersions(known.version, entry.version) > 0 ? known.version : entry.version
    const version = names.nextVersion(after)
    // the first claim is when the actor took its name; a failover or a move keeps that moment
    const { failedOverFrom, ...rest } = entry
    const claimed: DirectoryEntry = { ...rest, holder: this.components.self, stopped: false, version, taken: entry.version.time === 0 ? version : entry.taken ?? entry.version }
    // a failover's own write says whom it replaced (the coordinator sent the entry as that holder wrote it); a later
    // claim of the same actor, a move or a claim back, replaces no one taken for dead
    if (failedOverFrom != null && failedOverFrom.holder === entry.holder) { claimed.failedOverFrom = failedOverFrom }
    names.write(claimed)
    this.claimed.set(entry.name, version)
    return claimed
  }

  /** The write under which the actor of this name runs here; undefined when it does not run here. */
  runningUnder (name: string): EntryVersion | undefined {
    return this.cells.has(name) ? this.claimed.get(name) : undefined
  }

  /** Stops the instance running here and returns the letters it had not handled, for its next holder. */
  async release (name: string): Promise<Letter[] | undefined> {
    const cell = this.cells.get(name)
    if (cell == null) { return undefined }
    this.cells.delete(name)
    this.claimed.delete(name)
    this.components.checkpoints.unfollow(name)
    const letters = cell.takeLetters()
    await this.components.actors.stop(cell.ref.id)
    return letters
  }

  /** Ends the instance running here, if any; its waiting letters go to wherever the name table now says. */
  async end (name: string): Promise<void> {
    for (const letter of await this.release(name) ?? []) { this.components.redeliver(name, letter) }
  }

  clear (): void {
    this.cells.clear()
    this.claimed.clear()
  }

  private async spawn (entry: DirectoryEntry, state: unknown): Promise<DirectoryEntry> {
    const actor = this.components.classOf(entry.type)
    if (actor == null) { throw new UnknownActorTypeError(entry.type) }
    const cell = await this.components.actors.spawn(actor, entry.args, undefined, { id: DISTRIBUTED_PREFIX + entry.name, state })
    this.cells.set(entry.name, cell)
    this.retryAt.delete(entry.name)
    if (entry.checkpoint != null) { this.components.checkpoints.follow(entry.name, cell, entry.checkpoint.interval, entry.checkpoint.replicas) }
    return this.claim(entry)
  }
}
