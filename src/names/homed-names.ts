// The name system of a large cluster: each local name lives with a few homes on a ring of the members instead of
// on every node. The holder writes its names to their homes, and writes them again when the members change; a home
// hands a name on to the members that become its homes; a lookup of a name this node neither holds nor is home to
// asks the homes and keeps the answer as a cache entry, which the homes keep current until it expires. Distributed
// actors' entries stay on every node: each node's placement reads them all.
import { isMine } from './conflicts.ts'
import { NameHomes } from './name-homes.ts'
import { ENTRIES_PER_MESSAGE, validateFindAnswer } from './name-wire.ts'
import type { NameEntry } from './name-entry.ts'
import type { NameTable } from './name-table.ts'
import type { NameMessage } from './name-wire.ts'
import type { HashRing } from '../placement/hash-ring.ts'
import type { Clock, Timer } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

/** member changes come in bursts while a cluster forms: names move once the burst is over */
const HANDOVER_DELAY = 500

export interface HomedNamesComponents {
  self: string
  table: NameTable
  /** the active members, this node included */
  members(): string[]
  send(peer: string, message: NameMessage): void
  call(peer: string, message: NameMessage, timeout: number, signal?: AbortSignal): Promise<unknown>
  /** entries read from a home, to fold in */
  learn(entries: NameEntry[], from: string): void
  clock: Clock
  log: Logger
}

export interface HomedNamesInit {
  /** bound on one call to a home */
  callTimeout: number
  copies?: number
  cacheTtl?: number
}

export class HomedNames {
  readonly homes: NameHomes
  private readonly components: HomedNamesComponents
  private readonly init: HomedNamesInit
  private handingOver: Timer | undefined
  /** lookups under way by name: concurrent lookups of one name ask its homes once */
  private readonly finding = new Map<string, Promise<void>>()
  private running = false

  constructor (components: HomedNamesComponents, init: HomedNamesInit) {
    this.components = components
    this.init = init
    this.homes = new NameHomes({ self: components.self, copies: init.copies, cacheTtl: init.cacheTtl, now: () => components.clock.now() })
  }

  /**
   * Names start to live with their homes: every name this node holds is written to its homes now. Names of other
   * nodes that every node kept until now stay as cache entries until they expire.
   */
  start (): void {
    if (this.running) { return }
    this.running = true
    this.homes.setMembers(this.components.members())
    for (const entry of this.components.table.all()) {
      if (entry.kind === 'local' && !isMine(entry, this.components.self)) { this.homes.fetchedNow(entry.name) }
    }
    this.handOver(undefined)
  }

  stop (): void {
    this.running = false
    this.handingOver?.cancel()
    this.handingOver = undefined
  }

  /** The members this write goes to: its name's homes, other than this node. */
  targets (entry: NameEntry): string[] {
    return this.homes.homesOf(entry.name).filter(home => home !== this.components.self)
  }

  /**
   * True when this node's copy of a name can answer a lookup: it holds the name, is home to it, or read it lately.
   * A name it has no copy of is always asked for: a home may not have been handed it yet, and a name registered
   * after a read that found nothing would be missed until the answer expired.
   */
  answers (name: string): boolean {
    const entry = this.components.table.get(name)
    if (entry == null) { return false }
    return isMine(entry, this.components.self) || this.homes.isHome(name) || this.homes.isCached(name)
  }

  /** Asks the name's homes what they keep; their answers are folded in, and this node is told of the next change. */
  async find (name: string, signal?: AbortSignal): Promise<void> {
    let finding = this.finding.get(name)
    if (finding == null) {
      finding = this.ask(name, signal).finally(() => { this.finding.delete(name) })
      this.finding.set(name, finding)
    }
    await finding
  }

  /** A node asks this home for a name: the answer, and the reader remembered so a change reaches it. */
  answerFind (name: string, from: string): NameEntry | null {
    this.homes.addReader(name, from)
    return this.components.table.get(name) ?? null
  }

  /** A name changed here: the nodes that read it from this home hear of it (the one that wrote it excepted). */
  changed (entry: NameEntry, from: string | undefined): void {
    for (const reader of this.homes.readersOf(entry.name)) {
      if (reader !== from) { this.components.send(reader, ['update', [entry]]) }
    }
  }

  /** The members changed: once the burst is over, names move to the homes the new ring gives them. */
  membersChanged (left?: string): void {
    if (left != null) { this.homes.forgetReader(left) }
    if (!this.running) { return }
    this.handingOver ??= this.components.clock.after(HANDOVER_DELAY, () => {
      this.handingOver = undefined
      if (this.running) { this.handOver(this.homes.setMembers(this.components.members())) }
    })
  }

  /** Drops copies of names this node neither holds nor is home to, once no read of them is fresh. */
  prune (): void {
    this.homes.prune()
    const table = this.components.table
    for (const entry of [...table.all()]) {
      if (entry.kind === 'local' && !isMine(entry, this.components.self) && this.homes.isStaleCopy(entry.name)) { table.forget(entry.name) }
    }
  }

  /**
   * Writes what moved: this node's own names to every home they now have (a home may have lost them with a crash),
   * and the names this node was home to, to their homes that are new. `before` undefined: every home is new.
   */
  private handOver (before: HashRing | undefined): void {
    const { self, table } = this.components
    const batches = new Map<string, NameEntry[]>()
    for (const entry of table.all()) {
      if (entry.kind !== 'local') { continue }
      const mine = isMine(entry, self)
      const homes = this.homes.homesOf(entry.name)
      let targets: string[]
      if (mine || before == null) {
        targets = homes
      } else {
        const was = this.homes.homesOf(entry.name, before)
        if (!was.includes(self)) { continue }
        targets = homes.filter(home => !was.includes(home))
      }
      for (const home of targets) {
        if (home === self) { continue }
        let batch = batches.get(home)
        if (batch == null) { batches.set(home, batch = []) }
        batch.push(entry)
      }
      // a name this node stops being home to stays a while as a cache entry, then goes
      if (!mine && !homes.includes(self)) { this.homes.fetchedNow(entry.name) }
    }
    for (const [home, entries] of batches) {
      for (let i = 0; i < entries.length; i += ENTRIES_PER_MESSAGE) {
        try {
          this.components.send(home, ['update', entries.slice(i, i + ENTRIES_PER_MESSAGE)])
        } catch (err: any) {
          this.components.log.error('could not hand %d names over to %s - %e', entries.length, home, err)
        }
      }
    }
  }

  private async ask (name: string, signal?: AbortSignal): Promise<void> {
    const targets = this.homes.lookupTargets(name)
    await Promise.all(targets.map(async home => {
      try {
        const entry = validateFindAnswer(await this.components.call(home, ['find', name], this.init.callTimeout, signal))
        // a cache entry from the first answer on: a prune while a crashed home keeps the others waiting must not drop it
        this.homes.fetchedNow(name)
        if (entry != null) { this.components.learn([entry], home) }
      } catch (err: any) {
        this.components.log('%s did not answer for %s - %e', home, name, err)
      }
    }))
  }
}
