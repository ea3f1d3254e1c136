// Carries name writes between nodes: changes go to every member, or to their names' homes, in batches once per tick,
// acknowledged when a writer waits for them; a member is read page by page (the entries it answers for); and a write
// can be confirmed, every member telling which write it now keeps.
import { ENTRIES_PER_MESSAGE, validateConfirmAnswer, validatePage } from './name-wire.ts'
import type { NameEntry } from './name-entry.ts'
import type { NameMessage } from './name-wire.ts'
import type { Clock, Timer } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

export interface NameSyncComponents {
  /** the other active members */
  peers(): string[]
  /** the members a write goes to when not every member keeps it (its name's homes), or undefined for all of them */
  homesOf(entry: NameEntry): string[] | undefined
  send(peer: string, message: NameMessage): void
  call(peer: string, message: NameMessage, timeout: number, signal?: AbortSignal): Promise<unknown>
  /** entries read from a member, to fold in */
  received(entries: NameEntry[], from: string): void
  /** how long a batch waits for a member's acknowledgement */
  ackTimeout: number
  clock: Clock
  log: Logger
}

/** What one member said of a confirmed write: it keeps it (null), keeps a newer one instead, or did not answer. */
export type Confirmation = NameEntry | null | Error

export class NameSync {
  private readonly components: NameSyncComponents
  private readonly outbox = new Map<string, NameEntry>()
  private flushing: Timer | undefined
  /** writers waiting for the batch that carries their write to be acknowledged */
  private waiting: Array<() => void> = []

  constructor (components: NameSyncComponents) {
    this.components = components
  }

  /** Tells every member about a write, with the other writes of this tick. */
  publish (entry: NameEntry): void {
    this.outbox.set(entry.name, entry)
    this.flushing ??= this.components.clock.soon(() => { this.flush() })
  }

  /**
   * As publish, and resolves once every member has acknowledged the batch that carried the write, or failed to, or
   * did not within the ack timeout: a writer that waited knows each reachable member resolves the name.
   */
  async published (entry: NameEntry): Promise<void> {
    this.publish(entry)
    await new Promise<void>(resolve => { this.waiting.push(resolve) })
  }

  flush (): void {
    this.flushing?.cancel()
    this.flushing = undefined
    const waiting = this.waiting
    this.waiting = []
    const everywhere: NameEntry[] = []
    const byHome = new Map<string, NameEntry[]>()
    for (const entry of this.outbox.values()) {
      const homes = this.components.homesOf(entry)
      if (homes == null) {
        everywhere.push(entry)
        continue
      }
      for (const home of homes) {
        let list = byHome.get(home)
        if (list == null) { byHome.set(home, list = []) }
        list.push(entry)
      }
    }
    this.outbox.clear()
    const acks: Array<Promise<unknown>> = []
    const sendAll = (peers: string[], entries: NameEntry[]): void => {
      for (let i = 0; i < entries.length; i += ENTRIES_PER_MESSAGE) {
        const batch = entries.slice(i, i + ENTRIES_PER_MESSAGE)
        for (const peer of peers) { this.sendBatch(peer, batch, waiting.length > 0, acks) }
      }
    }
    if (everywhere.length > 0) { sendAll(this.components.peers(), everywhere) }
    for (const [home, entries] of byHome) { sendAll([home], entries) }
    if (waiting.length > 0) {
      void Promise.all(acks).then(() => { for (const resolve of waiting) { resolve() } })
    }
  }

  private sendBatch (peer: string, batch: NameEntry[], acknowledged: boolean, acks: Array<Promise<unknown>>): void {
    try {
      // a call only when a writer waits: the answer costs the member a message back
      if (acknowledged) {
        acks.push(this.components.call(peer, ['update', batch], this.components.ackTimeout).catch((err: Error) => {
          this.components.log('%s did not acknowledge %d name entries - %e', peer, batch.length, err)
        }))
      } else {
        this.components.send(peer, ['update', batch])
      }
    } catch (err: any) {
      // an entry too large to send (a distributed actor's args): a read of this node meets the same limit
      this.components.log.error('could not send %d name entries to %s - %e', batch.length, peer, err)
    }
  }

  /**
   * Sends a write to these members now, instead of with the next batch, and says what each now keeps: once every
   * answer is null, each of them resolves the name to this write.
   */
  async confirm (entry: NameEntry, peers: string[], timeout: number, signal?: AbortSignal): Promise<Map<string, Confirmation>> {
    // sent now, so not again with the next batch
    if (this.outbox.get(entry.name) === entry) { this.outbox.delete(entry.name) }
    const answers = new Map<string, Confirmation>()
    await Promise.all(peers.map(async peer => {
      try {
        const [kept] = validateConfirmAnswer(await this.components.call(peer, ['update', [entry]], timeout, signal), 1)
        answers.set(peer, kept)
      } catch (err: any) {
        answers.set(peer, err)
      }
    }))
    return answers
  }

  /** Reads the entries a member answers for into this node, page by page: all of them, or those of one kind. */
  async pullFrom (peer: string, timeout: number, kind?: 'distributed'): Promise<void> {
    let after: string | null = null
    for (let page = 0; page < 100_000; page++) {
      const message: NameMessage = kind == null ? ['pull', after] : ['pull', after, kind]
      const [entries, more] = validatePage(await this.components.call(peer, message, timeout))
      if (entries.length > 0) { this.components.received(entries, peer) }
      if (!more || entries.length === 0) { return }
      after = entries[entries.length - 1].name
    }
  }

  stop (): void {
    this.flushing?.cancel()
    this.flushing = undefined
    this.outbox.clear()
    const waiting = this.waiting
    this.waiting = []
    for (const resolve of waiting) { resolve() }
  }
}
