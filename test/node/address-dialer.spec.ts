// Peers offered by address only (DNS, Kubernetes, static lists): reached once, not redialled while connected,
// backed off while unreachable, and the peer id learned from the handshake.
import { expect } from 'aegir/chai'
import { TestCluster, until } from './test-nodes.ts'

function listenAddress (node: { host: { getMultiaddrs(): Array<{ toString(): string }> } }): string {
  return node.host.getMultiaddrs()[0].toString().replace(/\/p2p\/[^/]+$/, '')
}

describe('node/connector: candidates by address', function () {
  let cluster: TestCluster

  beforeEach(() => {
    cluster = new TestCluster()
  })

  afterEach(async () => {
    await cluster.stop()
  })

  it('dials an address without a peer id, and the peer joins', async () => {
    const a = await cluster.startNode()
    const b = await cluster.startNode()
    a.connector.offer([{ addresses: [listenAddress(b)] }])
    await until(() => a.membership.isActive(b.host.peerId.toString()), 'b is a member of a', { node: a })
    await until(() => b.membership.isActive(a.host.peerId.toString()), 'a is a member of b', { node: b })
  })

  it('does not dial again an address whose peer is connected, whichever end dialled', async () => {
    const a = await cluster.startNode()
    const b = await cluster.startNode()
    a.connector.offer([{ addresses: [listenAddress(b)] }])
    await until(() => b.membership.isActive(a.host.peerId.toString()), 'a is a member of b', { node: b })
    // b learns a's address later, as from the next DNS round: a is a member with that address, so no second dial
    for (let round = 0; round < 5; round++) {
      a.connector.offer([{ addresses: [listenAddress(b)] }])
      b.connector.offer([{ addresses: [listenAddress(a)] }])
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    expect(a.host.getConnections(b.host.peerId)).to.have.lengthOf(1)
    expect(b.host.getConnections(a.host.peerId)).to.have.lengthOf(1)
  })

  it('backs off an address nobody answers at, and reaches the peer once it listens', async () => {
    const a = await cluster.startNode()
    let attempts = 0
    const dial = a.host.dial.bind(a.host)
    a.host.dial = (async (...args: Parameters<typeof dial>) => {
      attempts++
      return dial(...args)
    }) as typeof dial
    // a closed port on loopback: refused at once
    const closed = '/ip4/127.0.0.1/tcp/9'
    for (let round = 0; round < 20; round++) {
      a.connector.offer([{ addresses: [closed] }])
      await new Promise(resolve => setTimeout(resolve, 25))
    }
    // 500 ms of offers every 25 ms: with backoff from 100 ms doubling, a handful of dials, not twenty
    expect(attempts).to.be.within(1, 5)
  })

  it('leaves out its own peer id', async () => {
    const a = await cluster.startNode()
    let attempts = 0
    const dial = a.host.dial.bind(a.host)
    a.host.dial = (async (...args: Parameters<typeof dial>) => {
      attempts++
      return dial(...args)
    }) as typeof dial
    a.connector.offer([{ peerId: a.host.peerId.toString(), addresses: [listenAddress(a)] }])
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(attempts).to.equal(0)
  })
})
