// The dashboard's live stream (Server-Sent Events): a cluster snapshot every interval and each new event as it happens.
// All the work, the gathering rounds and the event listener, exists only while at least one client is connected.
import { SECOND } from '../../config/units.ts'
import { sendJson } from '../http/responses.ts'
import type { DashboardSnapshot } from './dashboard-snapshot.ts'
import type { EventLog } from '../events/event-log.ts'
import type { Logger } from '@libp2p/interface'
import type { IncomingMessage, ServerResponse } from 'node:http'

export const DEFAULT_FEED_INTERVAL = SECOND
/** Clients one node serves at once: a dashboard is for people, not for scraping. */
export const DEFAULT_MAX_CLIENTS = 32
/** A client this far behind in reading is dropped rather than buffered for. */
export const DEFAULT_MAX_BUFFERED = 1024 * 1024
/** Events sent to a client when it connects. */
const HISTORY = 100

export interface DashboardFeedComponents {
  /** one round of gathering; aborted when the last client leaves */
  gather(signal: AbortSignal): Promise<DashboardSnapshot>
  events: EventLog
  log: Logger
}

export interface DashboardFeedInit {
  /** ms between the end of one gathering round and the start of the next (default 1 s) */
  interval?: number
  /** clients served at once; more are answered 503 (default 32) */
  maxClients?: number
  /** bytes a client may leave unread before it is dropped (default 1 MiB) */
  maxBuffered?: number
}

export class DashboardFeed {
  private readonly components: DashboardFeedComponents
  private readonly interval: number
  private readonly maxClients: number
  private readonly maxBuffered: number
  private readonly clients = new Set<ServerResponse>()
  private timer: ReturnType<typeof setTimeout> | undefined
  private round: AbortController | undefined
  private unsubscribe: (() => void) | undefined
  private last: string | undefined
  private completed = 0

  constructor (components: DashboardFeedComponents, init: DashboardFeedInit = {}) {
    this.components = components
    this.interval = init.interval ?? DEFAULT_FEED_INTERVAL
    this.maxClients = init.maxClients ?? DEFAULT_MAX_CLIENTS
    this.maxBuffered = init.maxBuffered ?? DEFAULT_MAX_BUFFERED
  }

  /** clients connected now */
  get clientCount (): number {
    return this.clients.size
  }

  /** true while a round runs or is scheduled, or the event log is listened to */
  get active (): boolean {
    return this.timer != null || this.round != null || this.unsubscribe != null
  }

  /** gathering rounds completed since the node started */
  get rounds (): number {
    return this.completed
  }

  /** The GET /events handler: holds the response open and streams to it until the client goes. */
  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    if (this.clients.size >= this.maxClients) {
      sendJson(response, 503, { error: `this node serves at most ${this.maxClients} dashboard streams at once` })
      return
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive'
    })
    if (request.method === 'HEAD') {
      response.end()
      return
    }
    response.write('retry: 2000\n\n')
    response.write(frame('history', JSON.stringify(this.components.events.recent(HISTORY))))
    if (this.last != null) { response.write(frame('snapshot', this.last)) }
    this.clients.add(response)
    response.once('close', () => { this.leave(response) })
    if (this.clients.size === 1) { this.begin() }
  }

  private begin (): void {
    this.unsubscribe = this.components.events.subscribe((event) => { this.broadcast(frame('event', JSON.stringify(event))) })
    this.tick()
  }

  private tick (): void {
    this.timer = undefined
    const round = new AbortController()
    this.round = round
    this.components.gather(round.signal)
      .then((snapshot) => {
        if (round.signal.aborted) { return }
        this.completed++
        this.last = JSON.stringify(snapshot)
        this.broadcast(frame('snapshot', this.last))
      }, (err: Error) => {
        if (!round.signal.aborted) { this.components.log.error('dashboard round failed: %s', err.message) }
      })
      .finally(() => {
        // a round the last client left during is over: the feed may have restarted meanwhile with its own
        if (this.round !== round) { return }
        this.round = undefined
        if (this.clients.size > 0) { this.timer = setTimeout(() => { this.tick() }, this.interval) }
      })
  }

  private leave (response: ServerResponse): void {
    if (!this.clients.delete(response) || this.clients.size > 0) { return }
    clearTimeout(this.timer)
    this.timer = undefined
    this.round?.abort()
    this.round = undefined
    this.unsubscribe?.()
    this.unsubscribe = undefined
    this.last = undefined
  }

  private broadcast (text: string): void {
    for (const client of this.clients) {
      if (client.writableLength > this.maxBuffered) {
        this.components.log('dropping a dashboard client that stopped reading')
        client.destroy()
        continue
      }
      client.write(text)
    }
  }
}

/** One Server-Sent Event; JSON escapes line breaks, so the data is one line. */
function frame (event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`
}
