// The connector's dial strategy: one connection per pair when both ends discover each other, and a connection
// all the same when only one end does.
import { expect } from 'aegir/chai'
import { BROWSER_ROLE } from '../../src/membership/reserved-roles.ts'
import { fullMesh } from '../../src/node/connector.ts'
import { TestCluster, until } from './test-nodes.ts'
import type { TestNode } from './test-nodes.ts'
import type { Member } from '../../src/membership/index.ts'

const DIAL_YIELD = 500

describe('node/connector', function () {
  let cluster: TestCluster

  beforeEach(() => {
    cluster = new TestCluster()
  })

  afterEach(async () => {
    await cluster.stop()
  })

  /** Stores `peer`'s addresses in `node`'s peer store, which libp2p announces as a discovery. */
  async function discover (node: TestNode, peer: TestNode): Promise<void> {
    await node.host.peerStore.merge(peer.host.peerId, { multiaddrs: peer.host.getMultiaddrs() })
  }

  /** The two nodes, lower peer id first. */
  async function pair (): Promise<[TestNode, TestNode]> {
    const a = await cluster.startNode({ dialYield: DIAL_YIELD })
    const b = await cluster.startNode({ dialYield: DIAL_YIELD })
    return a.host.peerId.toString() < b.host.peerId.toString() ? [a, b] : [b, a]
  }

  it('keeps no connection of its own to a browser member, nor to itself or a member gone', () => {
    const member = (id: string, roles: string[] = [], status: Member['status'] = 'alive'): Member => ({ id, name: id, roles, addresses: [], status, incarnation: 0 })
    const self = member('self')
    expect(fullMesh(member('node'), self)).to.equal(true)
    expect(fullMesh(member('suspect', [], 'suspect'), self)).to.equal(true)
    expect(fullMesh(member('tab', [BROWSER_ROLE]), self)).to.equal(false)
    expect(fullMesh(member('gone', [], 'dead'), self)).to.equal(false)
    expect(fullMesh(self, self)).to.equal(false)
  })

  it('opens one connection, dialled by the lower peer id, when both ends discover each other', async () => {
    const [low, high] = await pair()
    await Promise.all([discover(low, high), discover(high, low)])
    await until(() => low.host.getConnections(high.host.peerId).length > 0, 'the pair is connected')
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
    await until(() => high.host.getConnections(low.host.peerId).length > 0, 'the higher id has dialled')
    expect(high.host.getConnections(low.host.peerId)[0].direction).to.equal('outbound')
  })

  it('still connects when only the lower peer id discovers the other', async () => {
    const [low, high] = await pair()
    await discover(low, high)
    await until(() => low.host.getConnections(high.host.peerId).length > 0, 'the lower id has dialled')
    expect(low.host.getConnections(high.host.peerId)[0].direction).to.equal('outbound')
  })
})
