// One rule for every connection Foundation opens to a cluster member: the lower peer id of a pair dials, the higher
// one waits a moment for that connection, and a pair that still ends up with two keeps the one the lower id dialled.
import { SECOND } from '../config/units.ts'
import type { Host } from './create-host.ts'
import type { AbortOptions, Connection, NewStreamOptions, PeerId, Stream } from '@libp2p/interface'

/**
 * ms the node with the higher peer id of a pair waits for the lower one's connection before it dials. Both ends
 * usually learn of each other at once (mDNS answers and membership gossip reach everyone); if both dial, the pair pays
 * for two handshakes, two identifies and a connection to prune. The lower id dials at once; the higher one dials only
 * if no connection came by then, so a peer that only one end knows of is still reached.
 */
export const DEFAULT_DIAL_YIELD = SECOND

/**
 * The yield in ms, or where to read it at each dial: in a full mesh both ends of every pair dial, so the higher id
 * waits; in partial views a connection is opened on demand by the end that needs it, and waiting would only delay it.
 */
export type DialYield = number | (() => number)

export function dialYieldOf (dialYield: DialYield | undefined): number {
  if (dialYield == null) { return DEFAULT_DIAL_YIELD }
  return typeof dialYield === 'number' ? dialYield : dialYield()
}

/** What the rule needs of the host. */
export type PairHost = Pick<Host, 'peerId' | 'dial' | 'getConnections' | 'addEventListener' | 'removeEventListener'>

export interface PairDialOptions extends AbortOptions {
  /** ms the higher peer id waits for the lower one's connection before it dials (default DEFAULT_DIAL_YIELD; 0 dials at once) */
  dialYield?: number
}

/** True when this end of the pair is the one that dials: the lower peer id. */
export function dialsFirst (self: PeerId | string, peer: PeerId | string): boolean {
  return self.toString() < peer.toString()
}

/**
 * The connection a pair keeps when it holds several: a direct one over one through a relay, then the one the lower
 * peer id dialled. Both ends compute the same answer from their own view, with no message between them. Should one end have dialled twice (libp2p joins dials to a
 * peer id, so that takes two dials by address), the oldest is kept: each end dates them by its own clock, and only then
 * may the ends disagree.
 */
export function keptConnection (self: PeerId | string, connections: Connection[]): Connection | undefined {
  let kept: Connection | undefined
  for (const connection of connections) {
    if (connection.status !== 'open' || connection.limits != null) { continue }
    if (kept == null || before(self, connection, kept)) { kept = connection }
  }
  return kept
}

function before (self: PeerId | string, a: Connection, b: Connection): boolean {
  // a direct link beats one through a relay: two tabs signal WebRTC over a relayed connection, opened first
  const relayedA = throughRelay(a)
  if (relayedA !== throughRelay(b)) { return !relayedA }
  const lowerDialledA = dialledByLower(self, a)
  if (lowerDialledA !== dialledByLower(self, b)) { return lowerDialledA }
  const openedA = a.timeline.upgraded ?? a.timeline.open
  const openedB = b.timeline.upgraded ?? b.timeline.open
  return openedA !== openedB ? openedA < openedB : a.id < b.id
}

/** A connection carried by a member's relay: its address names the relay, and is not WebRTC's behind one. */
export function throughRelay (connection: Pick<Connection, 'remoteAddr'>): boolean {
  const address = connection.remoteAddr.toString()
  return address.includes('/p2p-circuit') && !address.includes('/webrtc')
}

function dialledByLower (self: PeerId | string, connection: Connection): boolean {
  return (connection.direction === 'outbound') === dialsFirst(self, connection.remotePeer)
}

/**
 * A connection to the peer: the kept one if the pair is connected; else, from the higher peer id, the lower one's
 * connection if it opens within the yield; else a dial of our own (libp2p joins dials already under way from here).
 */
export async function connectToPeer (host: PairHost, peer: PeerId, options: PairDialOptions = {}): Promise<Connection> {
  const existing = keptConnection(host.peerId, host.getConnections(peer))
  if (existing != null) { return existing }
  const dialYield = options.dialYield ?? DEFAULT_DIAL_YIELD
  if (dialYield > 0 && !dialsFirst(host.peerId, peer)) {
    const inbound = await connectionFrom(host, peer, dialYield, options.signal)
    if (inbound != null) { return inbound }
  }
  options.signal?.throwIfAborted()
  const dialled = await unlessAborted(host.dial(peer), options.signal)
  // libp2p hands back the newest connection when it had one; the pair uses the kept one
  return keptConnection(host.peerId, host.getConnections(peer)) ?? dialled
}

/**
 * The work's outcome (a dial's, say), or the caller's signal's reason if that comes first; the work goes on. For a
 * dial the signal is not handed to libp2p: a dial signal that fires between the end of the handshake and libp2p's
 * bookkeeping of the dial destroys the socket of a connection already announced open (seen here under load, about
 * one dial in fifty), and a dial is shared by whoever needs the peer: one caller's impatience must not end it for the
 * others. libp2p bounds the dial itself (10 s).
 */
export async function unlessAborted<T> (work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal == null) { return work }
  if (signal.aborted) {
    // the work goes on unobserved by this caller: its failure must not surface as an unhandled rejection
    work.catch(() => {})
    throw signal.reason
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}

/** A stream to the peer on the connection the pair keeps, opened under the rule above. */
export async function openStreamToPeer (host: PairHost, peer: PeerId, protocol: string, options: PairDialOptions & NewStreamOptions = {}): Promise<Stream> {
  const connection = await connectToPeer(host, peer, options)
  return connection.newStream(protocol, options)
}

/** The peer's connection once it opens, or undefined after `timeout` ms; rejects when the signal aborts. */
async function connectionFrom (host: PairHost, peer: PeerId, timeout: number, signal?: AbortSignal): Promise<Connection | undefined> {
  signal?.throwIfAborted()
  return new Promise<Connection | undefined>((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer)
      host.removeEventListener('connection:open', onOpen)
      signal?.removeEventListener('abort', onAbort)
    }
    const onOpen = (evt: CustomEvent<Connection>): void => {
      if (!evt.detail.remotePeer.equals(peer)) { return }
      finish()
      resolve(keptConnection(host.peerId, host.getConnections(peer)) ?? evt.detail)
    }
    const onAbort = (): void => {
      finish()
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      finish()
      resolve(undefined)
    }, timeout)
    host.addEventListener('connection:open', onOpen)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
