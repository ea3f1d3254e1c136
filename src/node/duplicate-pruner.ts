// Closes the second connection of a pair once Foundation's streams have left it. Two nodes that dial each other at
// the same moment end up with two connections; the dial rule (pair-dial.ts) makes that rare, this ends the rest.
//
// Closing a connection is not safe while a stream on it still carries frames: libp2p's close sends yamux a GoAway, and
// the far end's muxer then ends every stream at once, dropping what it had not sent yet. So nothing is closed here
// while a Foundation stream is open on it: each end's PeerChannel moves to the kept connection by itself (it applies
// the same keptConnection rule), ending its old stream gracefully, and the pruner only waits for that.
import { serviceDependencies } from '@libp2p/interface'
import { SECOND } from '../config/units.ts'
import { keptConnection } from './pair-dial.ts'
import type { Identify } from '@libp2p/identify'
import type { ComponentLogger, Connection, Libp2pEvents, Logger, PeerId, Startable, TypedEventTarget } from '@libp2p/interface'

/** ms a duplicate is given for Foundation's streams to leave it; past it, it is closed with them */
export const DEFAULT_PRUNE_GRACE = 10 * SECOND
/**
 * ms the kept connection must have been open before a duplicate is closed: the far end may see it open a little later
 * than we do (under load, a good part of a second), and until it does it may still open a stream on the duplicate
 */
export const DEFAULT_PRUNE_SETTLE = 2 * SECOND
/** ms between two looks at a duplicate's streams */
const CHECK_INTERVAL = 100

export interface DuplicatePrunerInit {
  /** streams whose protocol starts with this (Foundation's own, namespaced by cluster) must end before a duplicate is closed */
  protocolPrefix: string
  /** ms a duplicate is given for those streams to end (default 10 s) */
  grace?: number
  /** ms the kept connection must have been open before a duplicate is closed (default 2 s) */
  settle?: number
}

export interface DuplicatePrunerComponents {
  peerId: PeerId
  events: TypedEventTarget<Libp2pEvents>
  connectionManager: { getConnections(peerId?: PeerId): Connection[] }
  logger: ComponentLogger
  /**
   * runs identify again on the kept connection after a duplicate closed: gossipsub keeps one outbound stream per peer
   * and opens it again only on a peer's identify, so a stream that lived on the duplicate would otherwise not come back
   */
  identify: Pick<Identify, 'identify'>
}

/** What the pruner did, for tests and operators. */
export interface DuplicatePrunerStats {
  /** duplicates closed once no Foundation stream was left on them */
  pruned: number
  /** duplicates closed at the end of the grace period with Foundation streams still open on them */
  forced: number
}

export class DuplicatePruner implements Startable {
  readonly stats: DuplicatePrunerStats = { pruned: 0, forced: 0 }
  private readonly components: DuplicatePrunerComponents
  private readonly protocolPrefix: string
  private readonly grace: number
  private readonly settle: number
  private readonly log: Logger
  /** duplicates being retired, by connection id: their next look */
  private readonly retiring = new Map<string, ReturnType<typeof setTimeout> | undefined>()
  /** when each connection was announced open here: its timeline dates the socket, which may be seconds earlier */
  private readonly openedAt = new WeakMap<Connection, number>()
  private running = false

  constructor (components: DuplicatePrunerComponents, init: DuplicatePrunerInit) {
    this.components = components
    this.protocolPrefix = init.protocolPrefix
    this.grace = init.grace ?? DEFAULT_PRUNE_GRACE
    this.settle = init.settle ?? DEFAULT_PRUNE_SETTLE
    this.log = components.logger.forComponent('foundation:duplicates')
  }

  readonly [Symbol.toStringTag] = 'foundation:duplicates'
  readonly [serviceDependencies]: string[] = ['@libp2p/identify']

  isStarted (): boolean {
    return this.running
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    this.components.events.addEventListener('connection:open', this.onOpen)
  }

  stop (): void {
    if (!this.running) { return }
    this.running = false
    this.components.events.removeEventListener('connection:open', this.onOpen)
    for (const timer of this.retiring.values()) { clearTimeout(timer) }
    this.retiring.clear()
  }

  private readonly onOpen = (evt: CustomEvent<Connection>): void => {
    this.openedAt.set(evt.detail, Date.now())
    const peer = evt.detail.remotePeer
    // the connection manager lists the connection from its own listener of this event, which may run after ours
    queueMicrotask(() => { this.check(peer) })
  }

  private check (peer: PeerId): void {
    if (!this.running) { return }
    const open = this.components.connectionManager.getConnections(peer).filter(c => c.status === 'open')
    if (open.length < 2) { return }
    const kept = keptConnection(this.components.peerId, open)
    for (const connection of open) {
      if (connection !== kept && !this.retiring.has(connection.id)) {
        this.log('%p has %d connections: retiring %s (%s), keeping %s', peer, open.length, connection.id, connection.direction, kept?.id)
        this.retiring.set(connection.id, undefined)
        this.look(connection, Date.now())
      }
    }
  }

  /**
   * Closes the duplicate once it carries no Foundation stream and the far end has surely seen the kept connection. The
   * end that dialled it closes it (two ends closing one connection at once race each other's goodbyes into reset
   * sockets); the other end closes it only when the grace period is over.
   */
  private look (doomed: Connection, since: number): void {
    if (!this.running || !this.retiring.has(doomed.id)) { return }
    const kept = keptConnection(this.components.peerId, this.components.connectionManager.getConnections(doomed.remotePeer))
    if (doomed.status !== 'open' || kept == null || kept === doomed) {
      // closed by the far end, or the pair's only open connection again: nothing left to do
      this.retiring.delete(doomed.id)
      if (doomed.status !== 'open' && kept != null) { this.reidentify(kept) }
      return
    }
    const busy = this.foundationStreams(doomed)
    const settled = Date.now() - (this.openedAt.get(kept) ?? kept.timeline.open) >= this.settle
    const overdue = Date.now() - since >= this.grace
    const ours = doomed.direction === 'outbound'
    if ((busy > 0 || !settled || !ours) && !overdue) {
      this.retiring.set(doomed.id, setTimeout(() => { this.look(doomed, since) }, CHECK_INTERVAL))
      return
    }
    void this.close(doomed, busy)
  }

  private async close (doomed: Connection, busy: number): Promise<void> {
    if (busy > 0) {
      this.stats.forced++
      const open = doomed.streams.map(s => `${s.direction} ${s.protocol === '' ? '(negotiating)' : s.protocol} ${s.status}`)
      this.log('closing %s to %p after %d ms with %d Foundation stream(s) still open: %s', doomed.id, doomed.remotePeer, this.grace, busy, open.join(', '))
    } else {
      this.stats.pruned++
      this.log('closing %s to %p: no Foundation stream left on it', doomed.id, doomed.remotePeer)
    }
    try {
      await doomed.close()
    } catch (err: any) {
      doomed.abort(err)
    } finally {
      this.retiring.delete(doomed.id)
    }
    const kept = keptConnection(this.components.peerId, this.components.connectionManager.getConnections(doomed.remotePeer))
    if (kept != null) { this.reidentify(kept) }
  }

  private reidentify (kept: Connection): void {
    if (!this.running) { return }
    this.components.identify.identify(kept).catch((err: Error) => {
      this.log.trace('identify on %s after pruning failed - %e', kept.id, err)
    })
  }

  /** Foundation's streams on the connection, and those still negotiating (they may be Foundation's). */
  private foundationStreams (connection: Connection): number {
    let count = 0
    for (const stream of connection.streams) {
      if (stream.protocol === '' || stream.protocol.startsWith(this.protocolPrefix)) { count++ }
    }
    return count
  }
}

/** The libp2p-style factory, for a host's services: `duplicates: duplicatePruner(init)`. */
export function duplicatePruner (init: DuplicatePrunerInit): (components: DuplicatePrunerComponents) => DuplicatePruner {
  return (components) => new DuplicatePruner(components, init)
}
