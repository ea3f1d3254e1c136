// The client-server shape as a pure state machine: feed it the agreed servers, messages, link failures and time; send
// what it returns. Its output has the shape of HyParView's, so a broadcast layer (Plumtree) runs over either.
import { preferredServers } from './server-view.ts'
import type { ClientServerConfig } from './client-server-config.ts'
import type { ClientServerMessage, ClientServerOutbound } from './messages.ts'
import type { ServerView } from './server-view.ts'
import type { OverlayEvent } from '../hyparview/outbox.ts'

export type ClientServerRole = 'server' | 'client'

/** Everything one call produced: messages for the caller to deliver, in order, and link changes. */
export interface ClientServerOutput {
  send: ClientServerOutbound[]
  events: OverlayEvent[]
}

export interface ClientServerCoreInit {
  self: string
  /** checked by resolveClientServerConfig */
  config: ClientServerConfig
}

/**
 * Most members are clients that link to a few servers; the servers link to one another and to their clients. Which
 * members serve follows from the agreed member list (see server-view.ts), so there is no election: a member that
 * learns a new list moves its links at once. A server full of clients (maxServerLinks) refuses more, and they go to
 * their next server.
 *
 * A client links to the first `serverLinks` servers of its own ranking that have not failed it lately, and drops a
 * link it no longer wants only once every wanted one is up: make-before-break, so a client is never left with fewer
 * links than it had while it moves. A server takes every LINK it has room for; a client takes one only from a server
 * it wants, and answers any other with UNLINK, as does a node whose view of the servers lags the asker's.
 *
 * Links are symmetric as in HyParView: a link is up at the asker when LINKED arrives, at the other end when it
 * answers, and whoever drops it tells the other with UNLINK. The adapter opens a link on `up`, closes it on `down`
 * after delivering the UNLINK that may precede it, and reports broken links and failed dials with linkFailed.
 */
export class ClientServerCore {
  private readonly self: string
  private readonly config: ClientServerConfig
  private out: ClientServerOutput = { send: [], events: [] }
  private view: ServerView = { servers: [] }
  private servers = new Set<string>()
  /** the servers in this node's order of preference, while it is a client */
  private preference: string[] = []
  private readonly links = new Set<string>()
  /** LINKs sent and not answered: when */
  private readonly pending = new Map<string, number>()
  /** peers not asked again before a time: they refused, failed or did not answer */
  private readonly resting = new Map<string, number>()
  private left = false

  constructor (init: ClientServerCoreInit) {
    this.self = init.self
    this.config = init.config
  }

  get role (): ClientServerRole {
    return this.servers.has(this.self) ? 'server' : 'client'
  }

  get activeCount (): number {
    return this.links.size
  }

  active (): string[] {
    return [...this.links]
  }

  isActive (peer: string): boolean {
    return this.links.has(peer)
  }

  /** The agreed servers changed (the member list did): links move to match. */
  setView (view: ServerView, now: number): ClientServerOutput {
    if (this.left) { return this.drain() }
    // most changes of the member list leave the servers as they were: the ranking is kept, not made again
    const same = view.servers.length === this.view.servers.length && view.servers.every((id, i) => id === this.view.servers[i])
    this.view = view
    if (!same) {
      this.servers = new Set(view.servers)
      this.preference = this.servers.has(this.self) ? [] : preferredServers(this.self, view.servers)
    }
    this.reconcile(now)
    return this.drain()
  }

  receive (from: string, message: ClientServerMessage, now: number): ClientServerOutput {
    if (this.left || from === this.self) { return this.drain() }
    switch (message.type) {
      case 'link':
        if (this.takes(from, now)) {
          this.pending.delete(from)
          this.up(from)
          this.send(from, { type: 'linked' })
          this.reconcile(now)
        } else {
          this.send(from, { type: 'unlink' })
        }
        break
      case 'linked':
        if (this.pending.delete(from) && this.wanted(now).includes(from)) {
          this.up(from)
          // the link a replacement stood in for is back: the replacement goes
          this.reconcile(now)
        } else if (!this.links.has(from)) {
          // an answer to a LINK this node gave up on, or no longer wants
          this.send(from, { type: 'unlink' })
        }
        break
      default:
        // UNLINK: validateClientServerMessage lets no other type through
        this.pending.delete(from)
        this.rest(from, now)
        this.down(from)
        this.reconcile(now)
    }
    return this.drain()
  }

  /** A link or a dial to `peer` failed: it rests, and a client links elsewhere meanwhile. */
  linkFailed (peer: string, now: number): ClientServerOutput {
    if (this.left) { return this.drain() }
    this.pending.delete(peer)
    this.rest(peer, now)
    this.down(peer)
    this.reconcile(now)
    return this.drain()
  }

  /** Times out LINKs and ends rests; call it a few times per linkTimeout. */
  tick (now: number): ClientServerOutput {
    if (this.left) { return this.drain() }
    let changed = false
    for (const [peer, sentAt] of this.pending) {
      if (now - sentAt >= this.config.linkTimeout) {
        this.pending.delete(peer)
        this.rest(peer, now)
        changed = true
      }
    }
    for (const [peer, until] of this.resting) {
      if (until <= now) {
        this.resting.delete(peer)
        changed = true
      }
    }
    if (changed) { this.reconcile(now) }
    return this.drain()
  }

  /** Drops every link, telling each peer: the node leaves. */
  leave (): ClientServerOutput {
    if (this.left) { return this.drain() }
    this.left = true
    for (const peer of [...this.links]) {
      this.send(peer, { type: 'unlink' })
      this.down(peer)
    }
    this.pending.clear()
    return this.drain()
  }

  /** Whether a LINK from `from` is taken: a server takes other servers, and clients while it has room. */
  private takes (from: string, now: number): boolean {
    if (this.role === 'client') { return this.wanted(now).includes(from) }
    if (this.servers.has(from) || this.links.has(from)) { return true }
    // room is kept for a link to every other server, whenever those come up
    let clients = 0
    for (const peer of this.links) { if (!this.servers.has(peer)) { clients++ } }
    return clients < this.config.maxServerLinks - (this.servers.size - 1)
  }

  /** The peers this node should link to now: every other server for a server, the best servers not resting for a client. */
  private wanted (now: number): string[] {
    if (this.role === 'server') { return this.view.servers.filter(id => id !== this.self) }
    const usable = this.preference.filter(id => (this.resting.get(id) ?? 0) <= now)
    return usable.slice(0, this.config.serverLinks)
  }

  private reconcile (now: number): void {
    const wanted = this.wanted(now)
    for (const peer of wanted) {
      if (!this.links.has(peer) && !this.pending.has(peer) && (this.resting.get(peer) ?? 0) <= now) {
        this.pending.set(peer, now)
        this.send(peer, { type: 'link' })
      }
    }
    // a server keeps every link, its clients' and other servers'; a member that stops serving drops its own links
    if (this.role === 'server') { return }
    // make-before-break: a client drops what it no longer wants once every link it wants is up (and while it wants
    // none, every server resting after failures, it keeps what it has)
    if (wanted.length === 0 || !wanted.every(peer => this.links.has(peer))) { return }
    const keep = new Set(wanted)
    for (const peer of [...this.links]) {
      if (!keep.has(peer)) { this.unlink(peer) }
    }
  }

  private unlink (peer: string): void {
    this.send(peer, { type: 'unlink' })
    this.down(peer)
  }

  private rest (peer: string, now: number): void {
    this.resting.set(peer, now + this.config.retryInterval)
  }

  private up (peer: string): void {
    if (this.links.has(peer)) { return }
    this.links.add(peer)
    this.out.events.push({ type: 'up', peer })
  }

  private down (peer: string): void {
    if (!this.links.delete(peer)) { return }
    this.out.events.push({ type: 'down', peer })
  }

  private send (to: string, message: ClientServerMessage): void {
    this.out.send.push({ to, message })
  }

  private drain (): ClientServerOutput {
    const out = this.out
    this.out = { send: [], events: [] }
    return out
  }
}
