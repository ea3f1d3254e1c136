// The '$names' system endpoint of one node: checks each message from the network and hands it to what answers it.
// A malformed message is counted and dropped, and a caller hears why.
import { compareVersions } from './name-entry.ts'
import { ENTRIES_PER_MESSAGE, NAMES_ENDPOINT, validateNameMessage } from './name-wire.ts'
import type { NameEntry } from './name-entry.ts'
import type { NameTable } from './name-table.ts'
import type { ConfirmAnswer, FindAnswer, NameMessage, NamePage } from './name-wire.ts'
import type { Logger } from '@libp2p/interface'

export interface NameEndpointComponents {
  table: NameTable
  endpoints: {
    register(id: string, endpoint: { send?(target: string, body: unknown, from: string): boolean, call?(target: string, body: unknown, from: string): Promise<unknown> }): void
    unregister(id: string): void
  }
  /** a node reads this one's names from the start (`after` null) or goes on to a next page */
  readBy(reader: string, fromStart: boolean): void
  /** the entry kept for a name a node asks for (with homes, the reader is remembered) */
  find(name: string, from: string): FindAnswer
  /** writes a node sent */
  learn(entries: NameEntry[], from: string): void
  log: Logger
}

export class NameEndpoint {
  private readonly components: NameEndpointComponents
  /** name messages from the network that were malformed and dropped */
  invalidMessages = 0

  constructor (components: NameEndpointComponents) {
    this.components = components
  }

  start (): void {
    this.components.endpoints.register(NAMES_ENDPOINT, {
      send: (_target, body, from) => {
        try {
          this.receive(body, from, false)
        } catch {
          // counted in receive: a send has no one to answer
        }
        return true
      },
      call: async (_target, body, from) => this.receive(body, from, true)
    })
  }

  stop (): void {
    this.components.endpoints.unregister(NAMES_ENDPOINT)
  }

  /** `answered` is false for a send: nobody waits for what this node now keeps */
  private receive (body: unknown, from: string, answered: boolean): ConfirmAnswer | NamePage | FindAnswer {
    let message: NameMessage
    try {
      message = validateNameMessage(body)
    } catch (err: any) {
      this.invalidMessages++
      this.components.log.error('dropped a name message from %s: %s', from, err.message)
      throw err
    }
    const { table } = this.components
    if (message[0] === 'pull') {
      this.components.readBy(from, message[1] === null)
      const { entries, more } = table.ownedPage(message[1] ?? undefined, ENTRIES_PER_MESSAGE, message[2])
      return [entries, more]
    }
    if (message[0] === 'find') { return this.components.find(message[1], from) }
    const entries = message[1]
    this.components.learn(entries, from)
    if (!answered) { return null }
    return entries.map(entry => {
      const kept = table.get(entry.name)
      return kept == null || compareVersions(kept.version, entry.version) === 0 ? null : kept
    })
  }
}
