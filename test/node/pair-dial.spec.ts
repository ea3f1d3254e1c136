// The pair rule on fakes: which connection a pair keeps, and who dials when both ends want a connection.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { connectToPeer, dialsFirst, keptConnection } from '../../src/node/pair-dial.ts'
import type { PairHost } from '../../src/node/pair-dial.ts'
import type { Connection, Libp2pEvents, PeerId } from '@libp2p/interface'

/** the two ends of the pair, lower peer id first */
let LOW: PeerId
let HIGH: PeerId

let nextId = 0

function connection (remotePeer: PeerId, direction: 'inbound' | 'outbound', open: number, status = 'open', address = '/ip4/127.0.0.1/tcp/4001'): Connection {
  const remoteAddr = { toString: () => `${address}/p2p/${remotePeer.toString()}` }
  return { id: `c${nextId++}`, remotePeer, remoteAddr, direction, status, timeline: { open }, streams: [] } as unknown as Connection
}

/** A host that dials by opening an outbound connection after `dialTime` ms. */
class FakeHost extends TypedEventEmitter<Libp2pEvents> {
  readonly peerId: PeerId
  readonly connections: Connection[] = []
  dials = 0

  constructor (peerId: PeerId, private readonly dialTime = 10) {
    super()
    this.peerId = peerId
  }

  getConnections (): Connection[] {
    return this.connections
  }

  async dial (peer: PeerId): Promise<Connection> {
    this.dials++
    await new Promise(resolve => setTimeout(resolve, this.dialTime))
    return this.opened(connection(peer, 'outbound', Date.now()))
  }

  opened (c: Connection): Connection {
    this.connections.push(c)
    this.safeDispatchEvent('connection:open', { detail: c })
    return c
  }
}

function asHost (host: FakeHost): PairHost {
  return host as unknown as PairHost
}

describe('node/pair-dial', () => {
  before(async () => {
    const ids = [peerIdFromPrivateKey(await generateKeyPair('Ed25519')), peerIdFromPrivateKey(await generateKeyPair('Ed25519'))]
    ;[LOW, HIGH] = ids.sort((a, b) => a.toString() < b.toString() ? -1 : 1)
  })

  it('orders the pair by peer id', () => {
    expect(LOW.toString() < HIGH.toString()).to.equal(true)
    expect(dialsFirst(LOW, HIGH)).to.equal(true)
    expect(dialsFirst(HIGH, LOW)).to.equal(false)
  })

  it('keeps the connection the lower peer id dialled, whichever end asks and whichever opened first', () => {
    const fromLowDialledByLow = connection(HIGH, 'outbound', 20)
    const fromLowDialledByHigh = connection(HIGH, 'inbound', 10)
    expect(keptConnection(LOW, [fromLowDialledByHigh, fromLowDialledByLow])).to.equal(fromLowDialledByLow)
    const fromHighDialledByLow = connection(LOW, 'inbound', 20)
    const fromHighDialledByHigh = connection(LOW, 'outbound', 10)
    expect(keptConnection(HIGH, [fromHighDialledByHigh, fromHighDialledByLow])).to.equal(fromHighDialledByLow)
  })

  it('keeps a direct connection over an older one through a relay, WebRTC behind a relay included', () => {
    const relay = '/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/p2p-circuit'
    const relayed = connection(HIGH, 'outbound', 10, 'open', relay)
    const webRTC = connection(HIGH, 'outbound', 20, 'open', `${relay}/webrtc`)
    expect(keptConnection(LOW, [relayed, webRTC])).to.equal(webRTC)
    // seen from the other end, the WebRTC connection dialled by the lower id has no relay in its address at all
    expect(keptConnection(HIGH, [connection(LOW, 'inbound', 10, 'open', relay), connection(LOW, 'inbound', 20, 'open', '/webrtc')])?.remoteAddr.toString()).to.match(/^\/webrtc/)
    // alone, a relayed connection is kept: it is how a member reaches a tab it has no link to
    expect(keptConnection(LOW, [relayed])).to.equal(relayed)
  })

  it('keeps the oldest of two dialled by the same end, and never one that is closing', () => {
    const older = connection(HIGH, 'outbound', 10)
    const newer = connection(HIGH, 'outbound', 20)
    expect(keptConnection(LOW, [newer, older])).to.equal(older)
    expect(keptConnection(LOW, [newer, connection(HIGH, 'outbound', 5, 'closing')])).to.equal(newer)
    expect(keptConnection(LOW, [connection(HIGH, 'inbound', 5, 'closed')])).to.equal(undefined)
  })

  it('returns the kept connection without dialling when the pair is connected', async () => {
    const host = new FakeHost(LOW)
    const kept = host.opened(connection(HIGH, 'outbound', 1))
    host.opened(connection(HIGH, 'inbound', 2))
    expect(await connectToPeer(asHost(host), HIGH)).to.equal(kept)
    expect(host.dials).to.equal(0)
  })

  it('dials at once from the lower peer id', async () => {
    const host = new FakeHost(LOW)
    const started = Date.now()
    const c = await connectToPeer(asHost(host), HIGH, { dialYield: 5000 })
    expect(c.direction).to.equal('outbound')
    expect(Date.now() - started).to.be.lessThan(1000)
  })

  it('from the higher peer id, takes the lower one\'s connection when it comes within the yield', async () => {
    const host = new FakeHost(HIGH)
    setTimeout(() => { host.opened(connection(LOW, 'inbound', Date.now())) }, 50)
    const c = await connectToPeer(asHost(host), LOW, { dialYield: 5000 })
    expect(c.direction).to.equal('inbound')
    expect(host.dials).to.equal(0)
  })

  it('from the higher peer id, dials after the yield when no connection came', async () => {
    const host = new FakeHost(HIGH)
    const c = await connectToPeer(asHost(host), LOW, { dialYield: 50 })
    expect(c.direction).to.equal('outbound')
    expect(host.dials).to.equal(1)
  })

  it('gives up at the caller\'s signal, while the dial goes on for whoever needs it next', async () => {
    const host = new FakeHost(LOW, 200)
    await expect(connectToPeer(asHost(host), HIGH, { signal: AbortSignal.timeout(20) })).to.eventually.be.rejected()
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(host.connections).to.have.lengthOf(1)
    await expect(connectToPeer(asHost(host), HIGH, { signal: AbortSignal.timeout(20) })).to.eventually.equal(host.connections[0])
  })
})
