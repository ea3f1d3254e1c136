// The connector's dial strategy: one connection per pair when both ends discover each other, and a connection
// all the same when only one end does.
import { randomBytes } from 'node:crypto'
import { expect } from 'aegir/chai'
import { createMembership } from '../../src/membership/libp2p-membership.ts'
import { Connector } from '../../src/node/connector.ts'
import { createHost } from '../../src/node/create-host.ts'
import type { Libp2pMembership } from '../../src/membership/libp2p-membership.ts'
import type { Host } from '../../src/node/create-host.ts'

interface TestNode {
  host: Host
  membership: Libp2pMembership
  connector: Connector
}

const DIAL_YIELD = 500

async function eventually (check: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!check()) {
    if (Date.now() > deadline) { throw new Error(`timed out waiting until ${what}`) }
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

describe('node/connector', function () {
  let nodes: TestNode[] = []
  let cluster = ''

  beforeEach(() => {
    cluster = `test-${randomBytes(6).toString('hex')}`
  })

  afterEach(async () => {
    await Promise.all(nodes.map(async n => {
      await n.connector.stop()
      await n.membership.stop()
      await n.host.stop()
    }))
    nodes = []
  })

  /** A node without mDNS: the test tells it whom it discovered. */
  async function startNode (): Promise<TestNode> {
    const host = await createHost({ cluster, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { enabled: false, interval: 1000 }, maxMessageSize: 1 << 20 })
    const membership = createMembership({ host, logger: host.logger }, { cluster, name: `n${nodes.length}`, roles: [] })
    const connector = new Connector({ host, membership, logger: host.logger }, { dialYield: DIAL_YIELD })
    const node = { host, membership, connector }
    nodes.push(node)
    await membership.start()
    await host.start()
    await connector.start()
    return node
  }

  /** Stores `peer`'s addresses in `node`'s peer store, which libp2p announces as a discovery. */
  async function discover (node: TestNode, peer: TestNode): Promise<void> {
    await node.host.peerStore.merge(peer.host.peerId, { multiaddrs: peer.host.getMultiaddrs() })
  }

  /** The two nodes, lower peer id first. */
  async function pair (): Promise<[TestNode, TestNode]> {
    const a = await startNode()
    const b = await startNode()
    return a.host.peerId.toString() < b.host.peerId.toString() ? [a, b] : [b, a]
  }

  it('opens one connection, dialled by the lower peer id, when both ends discover each other', async () => {
    const [low, high] = await pair()
    await Promise.all([discover(low, high), discover(high, low)])
    await eventually(() => low.host.getConnections(high.host.peerId).length > 0, 'the pair is connected')
    // past the higher id's yield: it must have found the connection open and not dialled
    await new Promise(resolve => setTimeout(resolve, 2 * DIAL_YIELD))
    const connections = low.host.getConnections(high.host.peerId)
    expect(connections).to.have.lengthOf(1)
    expect(connections[0].direction).to.equal('outbound')
    expect(high.host.getConnections(low.host.peerId)).to.have.lengthOf(1)
  })

  it('still connects when only the higher peer id discovers the other', async () => {
    const [low, high] = await pair()
    await discover(high, low)
    await eventually(() => high.host.getConnections(low.host.peerId).length > 0, 'the higher id has dialled')
    expect(high.host.getConnections(low.host.peerId)[0].direction).to.equal('outbound')
  })

  it('still connects when only the lower peer id discovers the other', async () => {
    const [low, high] = await pair()
    await discover(low, high)
    await eventually(() => low.host.getConnections(high.host.peerId).length > 0, 'the lower id has dialled')
    expect(low.host.getConnections(high.host.peerId)[0].direction).to.equal('outbound')
  })
})
