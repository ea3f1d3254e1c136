// In the partial-view shapes, the connections a node keeps are its overlay links: a connection to any other peer
// (dialled on demand for a call, a name read, an indirect probe) is closed once it has been idle a while, by the end
// that opened it. The other end may still be in the full mesh (while a growing cluster switches, a newcomer takes
// partial views at once and the members it joins a settling time later): closing what they dialled would have them
// dial again at once, every few seconds, until they switch too.
import { peerIdFromString } from '@libp2p/peer-id'
import type { Host } from '../../node/create-host.ts'
import type { Logger, Startable } from '@libp2p/interface'

export interface LinkKeeperComponents {
  host: Pick<Host, 'getConnections' | 'hangUp'>
  /** true for a peer whose link the overlay keeps */
  isLinked(peer: string): boolean
  /** the peers other parts used since `since` (Date.now()) or still wait on: their connections are not idle */
  inUseSince(since: number): Set<string>
  /** the peers in any of gossipsub's topic meshes of this node */
  meshPeers(): Set<string>
  log: Logger
}

export interface LinkKeeperInit {
  /** ms a connection outside the overlay stays open after its last use by a call or message (default 15 s) */
  idleTimeout?: number
  /**
   * ms a connection outside the overlay that no call or message used stays open (default 3 s, at most idleTimeout):
   * a probe of a stranger or a join needs it for a round trip or two
   */
  unusedTimeout?: number
  /** ms between two checks (default 1 s) */
  interval?: number
  /** connections closed per check at most (default 8): after a switch from the full mesh a node sheds hundreds */
  closePerCheck?: number
  /**
   * of those, connections that carry a gossipsub topic mesh (default 1): closing them one at a time lets gossipsub
   * graft the overlay's links at its heartbeat before its mesh runs low, so no publication is lost in the switch
   */
  closeMeshPerCheck?: number
}

export interface LinkKeeperStats {
  /** connections to peers outside the overlay seen open: dialled on demand by this node or by the peer */
  onDemand: number
  /** of those, closed here once idle */
  closed: number
}

const DEFAULT_IDLE_TIMEOUT = 15_000
const DEFAULT_UNUSED_TIMEOUT = 3000
const DEFAULT_INTERVAL = 1000
const DEFAULT_CLOSE_PER_CHECK = 8
const DEFAULT_CLOSE_MESH_PER_CHECK = 1

export class LinkKeeper implements Startable {
  readonly stats: LinkKeeperStats = { onDemand: 0, closed: 0 }
  private readonly components: LinkKeeperComponents
  private readonly idleTimeout: number
  private readonly unusedTimeout: number
  private readonly interval: number
  private readonly closePerCheck: number
  private readonly closeMeshPerCheck: number
  /** peers connected outside the overlay: since when (Date.now()), and whether a call or message used the link */
  private readonly outside = new Map<string, { since: number, used: boolean }>()
  private timer: ReturnType<typeof setInterval> | undefined

  constructor (components: LinkKeeperComponents, init: LinkKeeperInit = {}) {
    this.components = components
    this.idleTimeout = init.idleTimeout ?? DEFAULT_IDLE_TIMEOUT
    this.unusedTimeout = Math.min(this.idleTimeout, init.unusedTimeout ?? DEFAULT_UNUSED_TIMEOUT)
    this.interval = init.interval ?? DEFAULT_INTERVAL
    this.closePerCheck = init.closePerCheck ?? DEFAULT_CLOSE_PER_CHECK
    this.closeMeshPerCheck = init.closeMeshPerCheck ?? DEFAULT_CLOSE_MESH_PER_CHECK
  }

  isStarted (): boolean {
    return this.timer != null
  }

  /** Closes idle connections outside the overlay from now on: the node is in a partial-view shape. */
  start (): void {
    if (this.timer != null) { return }
    this.timer = setInterval(() => { this.check(Date.now()) }, this.interval)
  }

  /** Keeps every connection: the full mesh. */
  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.outside.clear()
  }

  /** How many other peers this node holds a connection to, and how many of those are outside the overlay. */
  counts (): { connected: number, outside: number } {
    const peers = this.connectedPeers()
    let outside = 0
    for (const peer of peers) { if (!this.components.isLinked(peer)) { outside++ } }
    return { connected: peers.size, outside }
  }

  check (now: number): void {
    const { isLinked, inUseSince } = this.components
    const peers = this.connectedPeers()
    for (const peer of this.outside.keys()) {
      if (!peers.has(peer) || isLinked(peer)) { this.outside.delete(peer) }
    }
    const inUse = inUseSince(now - this.idleTimeout)
    const dialled = this.dialledPeers()
    const idle: string[] = []
    for (const peer of peers) {
      if (isLinked(peer)) { continue }
      let link = this.outside.get(peer)
      if (link == null) {
        link = { since: now, used: false }
        this.outside.set(peer, link)
        this.stats.onDemand++
      }
      if (inUse.has(peer)) {
        link.used = true
        continue
      }
      if (dialled.has(peer) && now - link.since >= (link.used ? this.idleTimeout : this.unusedTimeout)) { idle.push(peer) }
    }
    if (idle.length === 0) { return }
    const mesh = this.components.meshPeers()
    let closing = 0
    let closingMesh = 0
    for (const peer of idle) {
      if (closing >= this.closePerCheck) { break }
      if (mesh.has(peer)) {
        if (closingMesh >= this.closeMeshPerCheck) { continue }
        closingMesh++
      }
      closing++
      this.close(peer)
    }
  }

  private connectedPeers (): Set<string> {
    const peers = new Set<string>()
    for (const connection of this.components.host.getConnections()) {
      if (connection.status === 'open') { peers.add(connection.remotePeer.toString()) }
    }
    return peers
  }

  private dialledPeers (): Set<string> {
    const peers = new Set<string>()
    for (const connection of this.components.host.getConnections()) {
      if (connection.status === 'open' && connection.direction === 'outbound') { peers.add(connection.remotePeer.toString()) }
    }
    return peers
  }

  private close (peer: string): void {
    this.outside.delete(peer)
    this.stats.closed++
    this.components.host.hangUp(peerIdFromString(peer)).catch((err: any) => {
      this.components.log.trace('closing the idle connection to %s failed - %e', peer, err)
    })
  }
}
